#!/usr/bin/env bash
# threads.sh QUARRY SCENARIO_DIR WORKDIR
#
# The kernel's light work may run on worker threads (`quarry run
# --threads N`); transactions commit in id order whatever thread computed
# them, so every scenario must give the same exit status and the same
# event stream, byte for byte, with 1, 2 and 4 workers.  Any dependence on
# scheduling (a commit merged in completion order, scratch shared between
# workers) shows up as a difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# -eq 3 ] || { echo "usage: $0 QUARRY SCENARIO_DIR WORKDIR" >&2; exit 2; }
quarry=$1 dir=$2 work=$3
mkdir -p "$work"
find_scenarios "$dir"

failed=0 passed=0
for s in "${scenarios[@]}"; do
    name=$(scenario_name "$s")
    if ! one=$(run_events "$quarry" "$s" "$work/$name.t1.jsonl" --threads 1); then
        echo "FAIL $name --threads 1: did not run"
        failed=$((failed + 1))
        continue
    fi
    for n in 2 4; do
        if ! got=$(run_events "$quarry" "$s" "$work/$name.t$n.jsonl" --threads "$n"); then
            echo "FAIL $name --threads $n: did not run"
            failed=$((failed + 1))
        elif [ "$got" != "$one" ]; then
            echo "FAIL $name --threads $n: rc/hash $got, --threads 1 gave $one"
            echo "     $(first_difference "$work/$name.t1.jsonl" "$work/$name.t$n.jsonl")"
            failed=$((failed + 1))
        else
            echo "ok   $name --threads $n  ${got#* }"
            passed=$((passed + 1))
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
