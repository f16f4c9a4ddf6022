#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer binaries and run each one (make fuzz).
#
#   tests/fuzz/fuzz.sh [TARGET...]     default: scenario pack snapshot compare region save
#
# Environment: FUZZ_SECONDS per target (default 60), FUZZ_DIR the build
# directory (default build/fuzz), FUZZ_ARGS extra libFuzzer flags.
#
# Configures clang with ASan + UBSan (QUARRY_SANITIZE) and coverage
# instrumentation for the libraries too (-fsanitize=fuzzer-no-link), builds
# fuzz_<target>, and runs it with tests/fuzz/corpus/<target> as the seed
# corpus.  New inputs go to $FUZZ_DIR/corpus/<target> and crashes to
# $FUZZ_DIR/crashes/, never into the committed corpus: copy a finding there
# on purpose (after -minimize_crash=1), where every ctest run replays it.
# One fuzzing process at a time (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-60}
dir=${FUZZ_DIR:-build/fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario pack snapshot compare region save)

max_len() {
    case $1 in
        scenario|snapshot|region|save) echo 65536 ;;
        pack|compare) echo 16384 ;;
        *) echo "unknown fuzz target: $1" >&2; exit 2 ;;
    esac
}
for t in "${targets[@]}"; do max_len "$t" >/dev/null; done

cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DQUARRY_SANITIZE=ON -DQUARRY_FUZZ=ON -DQUARRY_MATRIX=OFF >/dev/null
cmake --build "$dir" -j"${JOBS:-2}" --target "${targets[@]/#/fuzz_}" -- --no-print-directory

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in "${targets[@]}"; do
    mkdir -p "$dir/corpus/$t" "$dir/crashes"
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    echo "== fuzz_$t for ${seconds}s"
    "$dir/tests/fuzz/fuzz_$t" "$dir/corpus/$t" "tests/fuzz/corpus/$t" \
        -max_total_time="$seconds" -timeout=10 -max_len="$(max_len "$t")" \
        -artifact_prefix="$dir/crashes/$t-" -print_final_stats=1 \
        "${dict[@]}" ${FUZZ_ARGS:-}
done
