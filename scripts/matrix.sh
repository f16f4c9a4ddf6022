#!/usr/bin/env bash
# matrix.sh OUTDIR [NAME=QUARRY]...
#
# The determinism matrix: the same scenario must give the same event stream
# on every compiler, optimisation level and sanitizer (docs/architecture.md).
# Builds the `quarry` CLI from this source tree in several configurations
# under OUTDIR/<build>, replays every scenarios/*.jsonl with each, and
# compares the sha256 of the streams across builds, with any NAME=QUARRY
# binaries given on the command line (ctest passes its own build), and with
# golden/NAME.events.jsonl where it exists.  Prints a table
# (scenario x build -> hash prefix) and exits 1 on any mismatch, naming the
# scenario and the builds that disagree.
#
# QUARRY_MATRIX_I386=auto|on|off (default auto): also build with -m32 when a
# 32-bit toolchain and i386 jansson/xxhash/zstd are installed (gcc-12-multilib,
# libjansson-dev:i386, libxxhash-dev:i386, libzstd-dev:i386; scripts/deps.sh
# --i386 installs them).
# QUARRY_MATRIX_JOBS: parallel build jobs (default 2).
# QUARRY_SCENARIOS: the scenario directory (default scenarios/).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/determinism/common.sh"
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [NAME=QUARRY]..." >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
shift
jobs=${QUARRY_MATRIX_JOBS:-2}
cmake=${CMAKE:-cmake}
# The configurations below say everything about the compiler and flags.
unset CC CFLAGS LDFLAGS CPPFLAGS
find_scenarios "${QUARRY_SCENARIOS:-$root/scenarios}"

# The builds; config_args NAME gives each one's cmake arguments.
configs=(gcc-O0 clang-O3 gcc-asan-ubsan)

# -m32 on Debian amd64: gcc-12-multilib (not the gcc-multilib metapackage,
# which conflicts with the aarch64 cross compiler) has no /usr/include/asm
# link, so point at the amd64 kernel headers, which serve both word sizes.
m32_flags="-m32 -idirafter /usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
m32_pkgconfig=/usr/lib/i386-linux-gnu/pkgconfig:/usr/share/pkgconfig

# config_args NAME: fill the array `args`.  Sub-builds never build the tests,
# so the matrix cannot recurse.  Warnings are errors in the clang build only:
# the ci preset checks gcc's warnings, and this is where CI sees clang's.
config_args() {
    case "$1" in
        gcc-O0) args=(-DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-O0) ;;
        clang-O3) args=(-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE=-O3) ;;
        gcc-asan-ubsan) args=(-DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUARRY_SANITIZE=ON) ;;
        gcc-m32-O2) args=(-DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_C_FLAGS=$m32_flags") ;;
    esac
    local werror=OFF
    [ "$1" = clang-O3 ] && werror=ON
    args+=(-DQUARRY_TESTS=OFF -DQUARRY_MATRIX=OFF -DQUARRY_WERROR=$werror)
}
i386_ready() {
    local probe=$out/.m32-probe
    printf '%s\n' '#include <errno.h>' '#include <jansson.h>' '#include <xxhash.h>' \
        'int main(void) { json_t *j = json_integer(EINVAL); return sizeof(void *) == 4 && j ? 0 : 1; }' >"$probe.c"
    # shellcheck disable=SC2046,SC2086
    PKG_CONFIG_LIBDIR=$m32_pkgconfig pkg-config --exists jansson libxxhash libzstd zlib libedit 2>/dev/null &&
        gcc $m32_flags "$probe.c" -o "$probe" \
            $(PKG_CONFIG_LIBDIR=$m32_pkgconfig pkg-config --cflags --libs jansson) >/dev/null 2>&1 &&
        "$probe"
}
case "${QUARRY_MATRIX_I386:-auto}" in
    off) ;;
    on|auto)
        if i386_ready; then
            configs+=(gcc-m32-O2)
        elif [ "${QUARRY_MATRIX_I386:-auto}" = on ]; then
            echo "FAIL: QUARRY_MATRIX_I386=on but no 32-bit toolchain/libraries (scripts/deps.sh --i386)" >&2
            exit 1
        else
            echo "matrix: no i386 toolchain, skipping -m32 (scripts/deps.sh --i386 installs it)"
        fi ;;
    *) echo "QUARRY_MATRIX_I386 must be auto, on or off" >&2; exit 2 ;;
esac

builds=() binaries=()
for name in "${configs[@]}"; do
    dir=$out/$name
    config_args "$name"
    env=()
    case "$name" in *m32*) env=("PKG_CONFIG_LIBDIR=$m32_pkgconfig") ;; esac
    start=$SECONDS
    if ! { env ${env[@]+"${env[@]}"} "$cmake" -S "$root" -B "$dir" -G "Unix Makefiles" "${args[@]}" &&
           "$cmake" --build "$dir" --target quarry -j"$jobs"; } >"$dir.log" 2>&1; then
        echo "FAIL: build $name failed; last lines of $dir.log:" >&2
        tail -n 30 "$dir.log" >&2
        exit 1
    fi
    echo "matrix: built $name in $((SECONDS - start)) s"
    builds+=("$name") binaries+=("$dir/cli/quarry")
done
for extra in "$@"; do
    builds+=("${extra%%=*}") binaries+=("${extra#*=}")
done

# Run everything, then print the table.
declare -A cell=()
for s in "${scenarios[@]}"; do
    sname=$(scenario_name "$s")
    for i in "${!builds[@]}"; do
        b=${builds[$i]}
        mkdir -p "$out/events/$b"
        if r=$(cd "$root" && run_events "${binaries[$i]}" "$s" "$out/events/$b/$sname.jsonl"); then
            rc=${r%% *} h=${r#* }
            cell[$sname,$b]=${h:0:12}
            [ "$rc" = 0 ] || cell[$sname,$b]="${h:0:8}/rc$rc"
        else
            cell[$sname,$b]="ERROR"
        fi
    done
    golden=$root/golden/$sname.events.jsonl
    if [ -f "$golden" ]; then
        h=$(sha256sum <"$golden")
        cell[$sname,golden]=${h:0:12}
    else
        cell[$sname,golden]="-"
    fi
done

width=8
for s in "${scenarios[@]}"; do n=$(scenario_name "$s"); [ ${#n} -le "$width" ] || width=${#n}; done
cols=("${builds[@]}" golden)
# One row: a verdict, the scenario, then one cell per build and the golden.
row() {
    local r
    r=$(printf "%-4s  %-${width}s" "$1" "$2"; shift 2; printf "  %-14s" "$@")
    echo "${r%"${r##*[! ]}"}"
}
row "" scenario "${cols[@]}"
mismatches=()
for s in "${scenarios[@]}"; do
    sname=$(scenario_name "$s")
    ref=${cell[$sname,${builds[0]}]}
    odd=()
    for b in "${builds[@]}"; do
        [ "${cell[$sname,$b]}" = "$ref" ] && [ "$ref" != ERROR ] || odd+=("$b")
    done
    g=${cell[$sname,golden]}
    [ "$g" = - ] || [ "$g" = "$ref" ] || odd+=(golden)
    cells=()
    for b in "${cols[@]}"; do cells+=("${cell[$sname,$b]}"); done
    if [ ${#odd[@]} -eq 0 ]; then
        row ok "$sname" "${cells[@]}"
        continue
    fi
    row DIFF "$sname" "${cells[@]}"
    mismatches+=("$sname: ${odd[*]} not the same as ${builds[0]} (${ref})")
    for b in "${odd[@]}"; do
        [ "${cell[$sname,$b]}" != ERROR ] || continue
        other=$out/events/$b/$sname.jsonl
        [ "$b" != golden ] || other=$root/golden/$sname.events.jsonl
        mismatches+=("    $b: $(first_difference "$out/events/${builds[0]}/$sname.jsonl" "$other")")
    done
done

if [ ${#mismatches[@]} -gt 0 ]; then
    echo
    echo "FAIL: the builds disagree (streams under $out/events/BUILD/):"
    printf '  %s\n' "${mismatches[@]}"
    exit 1
fi
echo "ok: ${#scenarios[@]} scenario(s) identical across ${#builds[@]} build(s)$([ -n "$(ls "$root"/golden/*.events.jsonl 2>/dev/null)" ] && echo " and the goldens")"
