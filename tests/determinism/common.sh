# common.sh - shared by the determinism tests and scripts/matrix.sh; source it.
# shellcheck shell=bash
#
# One place knows how to run a scenario and fingerprint its event stream, so
# the tests and the matrix cannot drift apart on what "the same" means: the
# same exit status and the same bytes.

# Sanitizer reports must not be mistaken for the CLI's own exit codes
# (0 ok, 1 a check failed, 2 bad usage or input).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:exitcode=86"

# find_scenarios DIR: fill the array `scenarios` with DIR/*.jsonl, sorted.
# No scenarios is a failure, never a vacuous pass.
find_scenarios() {
    local dir=$1
    scenarios=()
    [ -d "$dir" ] || { echo "FAIL: no scenario directory $dir" >&2; return 1; }
    local f
    while IFS= read -r -d '' f; do scenarios+=("$f"); done \
        < <(find "$dir" -maxdepth 1 -type f -name '*.jsonl' -print0 | LC_ALL=C sort -z)
    if [ ${#scenarios[@]} -eq 0 ]; then
        echo "FAIL: no scenarios in $dir: a determinism test with nothing to replay proves nothing" >&2
        return 1
    fi
}

# scenario_name FILE: scenarios/torch.jsonl -> torch
scenario_name() { local n=${1##*/}; echo "${n%.jsonl}"; }

# run_events QUARRY SCENARIO OUT [ARGS...]: write the event stream of
# `quarry run SCENARIO ARGS...` to OUT (stderr to OUT.err) and print
# "RC HASH", HASH the sha256 of the stream.  Returns 1 when the run did not
# produce a stream: a status other than 0 or 1, or no bytes.
run_events() {
    local quarry=$1 scenario=$2 out=$3 rc=0
    shift 3
    "$quarry" run "$scenario" "$@" >"$out" 2>"$out.err" </dev/null || rc=$?
    local hash
    hash=$(sha256sum <"$out")
    echo "$rc ${hash%% *}"
    if [ "$rc" -gt 1 ] || [ ! -s "$out" ]; then
        {
            echo "error: '$quarry run $scenario $*' exited $rc with $(wc -c <"$out") bytes of events; stderr:"
            tail -n 20 "$out.err" | sed 's/^/    /'
        } >&2
        return 1
    fi
}

# first_difference A B: one line saying where two streams first differ.
first_difference() {
    cmp "$1" "$2" 2>&1 | head -n 1 || true
}
