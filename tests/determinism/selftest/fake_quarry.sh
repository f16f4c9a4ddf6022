#!/usr/bin/env bash
# fake_quarry.sh - a stand-in for `quarry run` with a planted defect, so the
# determinism self-tests can prove the checks catch what they claim to.
#
#   FAKE_DEFECT=none     deterministic: the checks must pass
#   FAKE_DEFECT=pid      the stream depends on the process (like ASLR or the clock)
#   FAKE_DEFECT=restore  --restore-at T changes the stream after tick T
#   FAKE_DEFECT=threads  --threads N > 1 changes the last tick's line
set -euo pipefail
[ "${1:-}" = run ] && [ $# -ge 2 ] || { echo "usage: $0 run SCENARIO [--restore-at T] [--threads N]" >&2; exit 2; }
scenario=$2
shift 2
restore= threads=1
while [ $# -gt 0 ]; do
    case "$1" in
        --restore-at) restore=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
ticks=$(head -n 1 "$scenario" | grep -oE '"ticks":[0-9]+' | grep -oE '[0-9]+')
if [ -n "$restore" ] && [ "$restore" -ge "$ticks" ]; then
    echo "--restore-at $restore: beyond tick $ticks" >&2
    exit 2
fi
echo '{"format":1,"kernel":"fake","scenario":"'"${scenario##*/}"'"}'
for ((t = 0; t < ticks; t++)); do
    v=$((t * 7))
    case "${FAKE_DEFECT:-none}" in
        pid) [ "$t" -ne $((ticks - 1)) ] || v=$$ ;;
        restore) [ -z "$restore" ] || [ "$t" -le "$restore" ] || v=$((v + 1)) ;;
        threads) [ "$threads" -le 1 ] || [ "$t" -ne $((ticks - 1)) ] || v=$((v + threads)) ;;
    esac
    echo '{"tick":'"$t"',"type":"digest","h":'"$v"'}'
done
