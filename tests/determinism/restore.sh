#!/usr/bin/env bash
# restore.sh QUARRY SCENARIO_DIR WORKDIR
#
# Snapshot/restore is bit-exact: `quarry run S --restore-at T` snapshots the
# world before tick T, destroys it, restores it from the bytes and goes on;
# its event stream must equal the straight run's, byte for byte.  T is taken
# at 1, a third, a half and the last tick but one of the scenario's tick
# count (the header's "ticks"), each alone and then all in one run (restored
# worlds restored again).  If the header does not say, T is 1, 7, 50
# and 150, and a T the CLI rejects as out of range (exit 2) is skipped; T = 1
# must always work.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# -eq 3 ] || { echo "usage: $0 QUARRY SCENARIO_DIR WORKDIR" >&2; exit 2; }
quarry=$1 dir=$2 work=$3
mkdir -p "$work"
find_scenarios "$dir"

# restore_points SCENARIO: print the T values to try, then "known" or "guess".
restore_points() {
    local ticks
    ticks=$(head -n 1 "$1" | grep -oE '"ticks"[[:space:]]*:[[:space:]]*[0-9]+' | grep -oE '[0-9]+$' || true)
    if [ -n "$ticks" ]; then
        local t
        for t in 1 $((ticks / 3)) $((ticks / 2)) $((ticks - 1)); do
            [ "$t" -ge 1 ] && [ "$t" -lt "$ticks" ] && echo "$t"
        done | sort -nu
        echo known
    else
        printf '%s\n' 1 7 50 150 guess
    fi
}

# check_restore SCENARIO NAME STRAIGHT HOW T...: run with --restore-at each T
# and compare with the straight run; count the verdict.  Returns 1 when the
# point was skipped or failed.
check_restore() {
    local s=$1 name=$2 straight=$3 how=$4
    shift 4
    local label="--restore-at $*" args=() t got rc
    for t in "$@"; do args+=(--restore-at "$t"); done
    local out
    out="$work/$name.restore-$(IFS=-; echo "$*").jsonl"
    if ! got=$(run_events "$quarry" "$s" "$out" "${args[@]}" 2>/dev/null); then
        rc=${got%% *}
        if [ "$how" = guess ] && [ "$1" -gt 1 ] && [ "$rc" = 2 ]; then
            echo "skip $name $label: rejected (beyond the scenario's end?)"
            return 1
        fi
        echo "FAIL $name $label: exited $rc; stderr:"
        tail -n 20 "$out.err" | sed 's/^/    /'
        failed=$((failed + 1))
        return 1
    elif [ "$got" != "$straight" ]; then
        echo "FAIL $name $label: rc/hash $got, straight run $straight"
        echo "     $(first_difference "$work/$name.jsonl" "$out")"
        failed=$((failed + 1))
        return 1
    fi
    echo "ok   $name $label  ${got#* }"
    passed=$((passed + 1))
}

failed=0 passed=0
for s in "${scenarios[@]}"; do
    name=$(scenario_name "$s")
    if ! straight=$(run_events "$quarry" "$s" "$work/$name.jsonl"); then
        echo "FAIL $name: straight run did not run"
        failed=$((failed + 1))
        continue
    fi
    mapfile -t points < <(restore_points "$s")
    how=${points[-1]}
    unset 'points[-1]'
    if [ ${#points[@]} -eq 0 ]; then
        echo "FAIL $name: too few ticks for a restore point"
        failed=$((failed + 1))
        continue
    fi
    done_points=()
    for t in "${points[@]}"; do
        check_restore "$s" "$name" "$straight" "$how" "$t" && done_points+=("$t")
    done
    if [ ${#done_points[@]} -gt 1 ]; then
        check_restore "$s" "$name" "$straight" known "${done_points[@]}" || true
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
