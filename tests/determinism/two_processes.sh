#!/usr/bin/env bash
# two_processes.sh QUARRY SCENARIO_DIR WORKDIR
#
# Every scenario replayed by two separate processes must give the same exit
# status and the same event stream, byte for byte: nothing may depend on
# addresses (ASLR), uninitialised memory, the clock or the environment.  The
# second run gets a different environment size (so a different stack layout)
# and glibc's MALLOC_PERTURB_, which fills fresh heap memory with junk, so a
# read of uninitialised memory shows up as a difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# -eq 3 ] || { echo "usage: $0 QUARRY SCENARIO_DIR WORKDIR" >&2; exit 2; }
quarry=$1 dir=$2 work=$3
mkdir -p "$work"
find_scenarios "$dir"

pad=$(printf '%0333d' 0)
failed=0 passed=0
for s in "${scenarios[@]}"; do
    name=$(scenario_name "$s")
    if ! a=$(run_events "$quarry" "$s" "$work/$name.1.jsonl") ||
       ! b=$(MALLOC_PERTURB_=165 QUARRY_DETERMINISM_PAD=$pad \
             run_events "$quarry" "$s" "$work/$name.2.jsonl"); then
        echo "FAIL $name: did not run"
        failed=$((failed + 1))
    elif [ "$a" != "$b" ]; then
        echo "FAIL $name: run 1 gave rc/hash $a, run 2 gave $b"
        echo "     $(first_difference "$work/$name.1.jsonl" "$work/$name.2.jsonl")"
        failed=$((failed + 1))
    else
        echo "ok   $name  ${a#* }"
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
