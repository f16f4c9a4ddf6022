#!/usr/bin/env bash
# persist.sh QUARRY SCENARIO_DIR WORKDIR
#
# Saves resume bit-identically (issue 5's persistence parity), for every
# scenario:
#   1. `quarry run S --save-at T --save DIR` writes a save at T = half the
#      scenario's ticks and must not change the stream;
#   2. `quarry run S --from DIR` resumes it: its stream is the header and
#      then exactly the straight run's lines from tick T on (digest lines
#      included, so every later tick's state digests agree);
#   3. `quarry region verify DIR` finds nothing wrong with the save;
#   4. `quarry run S --reload-at 1 --reload-at T1 --reload-at T2` round-trips
#      through a save (in memory) at several ticks: the same stream again.
# The straight run is the reference; goldens are checked elsewhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# -eq 3 ] || { echo "usage: $0 QUARRY SCENARIO_DIR WORKDIR" >&2; exit 2; }
quarry=$1 dir=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
find_scenarios "$dir"

failed=0 passed=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# tail_from T FILE: the header line, then the event lines of tick >= T.
tail_from() {
    awk -v t="$1" 'NR == 1 { print; next }
        { if (match($0, /^\{"tick":[0-9]+/)) { n = substr($0, 9, RLENGTH - 8) + 0; if (n >= t) print } }' "$2"
}

for s in "${scenarios[@]}"; do
    name=$(scenario_name "$s")
    ticks=$(head -n 1 "$s" | grep -oE '"ticks"[[:space:]]*:[[:space:]]*[0-9]+' | grep -oE '[0-9]+$')
    t=$((ticks / 2))
    [ "$t" -ge 1 ] || { fail "$name: too few ticks"; continue; }
    if ! straight=$(run_events "$quarry" "$s" "$work/$name.jsonl"); then
        fail "$name: the straight run did not run"
        continue
    fi
    save="$work/$name.save"
    if ! got=$(run_events "$quarry" "$s" "$work/$name.saving.jsonl" --save-at "$t" --save "$save"); then
        fail "$name: --save-at $t did not run"
        continue
    fi
    [ "$got" = "$straight" ] || { fail "$name: saving at $t changed the stream"; continue; }
    if ! "$quarry" region verify "$save" --pack packs/default.json >"$work/$name.verify" 2>&1; then
        fail "$name: quarry region verify found problems in the save at $t:"
        sed 's/^/    /' "$work/$name.verify" | head -n 20
        continue
    fi
    if ! run_events "$quarry" "$s" "$work/$name.resumed.jsonl" --from "$save" >/dev/null; then
        fail "$name: --from the save at $t did not run"
        continue
    fi
    tail_from "$t" "$work/$name.jsonl" >"$work/$name.tail.jsonl"
    if ! cmp -s "$work/$name.tail.jsonl" "$work/$name.resumed.jsonl"; then
        fail "$name: resumed at $t, the stream differs from the straight run's:"
        echo "     $(first_difference "$work/$name.tail.jsonl" "$work/$name.resumed.jsonl")"
        continue
    fi
    lines=$(($(wc -l <"$work/$name.resumed.jsonl") - 1))
    reload=(--reload-at 1 --reload-at $((ticks / 3)) --reload-at $((ticks - 1)))
    if ! got=$(run_events "$quarry" "$s" "$work/$name.reload.jsonl" "${reload[@]}"); then
        fail "$name: ${reload[*]} did not run"
        continue
    fi
    [ "$got" = "$straight" ] || { fail "$name: ${reload[*]} changed the stream"; continue; }
    echo "ok   $name: resumed at tick $t ($lines lines equal), reloaded at 1, $((ticks / 3)), $((ticks - 1))"
    passed=$((passed + 1))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
