#!/usr/bin/env bash
# check_no_floats.sh - fail if kernel sources or objects use floating point.
#
#   check_no_floats.sh [--objdump OBJDUMP] [--src DIR]... [--expect-fail] [FILE...]
#
# Floats round differently across compilers, flags and CPUs, so nothing in
# the kernel may use them (docs/architecture.md: integers and fixed point
# only).  Two independent looks:
#   --src DIR  every .c/.h under DIR, comments and string literals removed,
#              must not name float, double, _FloatN, __float128, float_t,
#              double_t, nor include <math.h>, <float.h>, <fenv.h>,
#              <complex.h> or <tgmath.h>;
#   FILE...    the disassembly of each object or library must not contain a
#              floating-point arithmetic, compare or conversion instruction
#              (x87, SSE/AVX scalar or packed, FMA; or the AArch64 FP set).
#              Plain vector moves and logic (movdqa, movups, pxor, xorps)
#              are fine: compilers use them to copy and clear integer memory.
# With --expect-fail the verdict is inverted, for the self-test.
set -euo pipefail

usage="usage: $0 [--objdump OBJDUMP] [--src DIR]... [--expect-fail] [FILE...]"
objdump=objdump
expect_fail=0
srcdirs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --objdump) objdump=$2; shift 2 ;;
        --src) srcdirs+=("$2"); shift 2 ;;
        --expect-fail) expect_fail=1; shift ;;
        --) shift; break ;;
        -*) echo "$usage" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ ${#srcdirs[@]} -gt 0 ] || [ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }

bad=0

# --- sources ----------------------------------------------------------------
# perl-base is Essential in Debian, so it is always there.  Comments and
# literals become blanks of the same line count, so line numbers still hold.
strip_c='
    s{ ("(?:\\.|[^"\\\n])*") | (\x27(?:\\.|[^\x27\\\n])*\x27) | (/\*.*?\*/) | (//[^\n]*) }
     { defined $1 ? "\"\"" : defined $2 ? "0" : do { (my $n = $+) =~ s/[^\n]//g; $n } }gsex;
'
float_tokens='\b(float|double|_Float[0-9]+x?|__float128|__float80|float_t|double_t)\b'
float_headers='^[[:space:]]*#[[:space:]]*include[[:space:]]*<(math|float|fenv|complex|tgmath)\.h>'
nsrc=0
for dir in ${srcdirs[@]+"${srcdirs[@]}"}; do
    [ -d "$dir" ] || { echo "FAIL: no such directory: $dir" >&2; exit 1; }
    while IFS= read -r -d '' file; do
        nsrc=$((nsrc + 1))
        hits=$(perl -0777 -pe "$strip_c" "$file" |
               grep -nE -e "$float_tokens" -e "$float_headers" || true)
        [ -n "$hits" ] || continue
        while IFS= read -r hit; do
            echo "float in source: $file:${hit%%:*}: ${hit#*:}"
            bad=$((bad + 1))
        done <<<"$hits"
    done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0 | LC_ALL=C sort -z)
done

# --- objects ----------------------------------------------------------------
x86_fp='^(f(ld|st|i?add|i?sub|i?subr|i?mul|i?div|i?divr|i?com|ucom|xch|chs|abs|sqrt|rndint|scale|prem|sin|cos|sincos|ptan|patan|yl2x|2xm1|tst|xam|n?stcw|ldcw|n?stsw|n?init|i?ld|i?st|isttp|cmov|free|decstp|incstp)[a-z0-9]*|v?(add|sub|mul|div|sqrt|min|max|rcp|rsqrt|hadd|hsub|addsub|round|dp|cmp[a-z]*|u?comi)(ss|sd|ps|pd)|v?cvt[a-z0-9]*|vf(n?m(add|sub)|maddsub|msubadd)[0-9]*(ss|sd|ps|pd)|v?(ld|st)mxcsr)$'
a64_fp='^(f(add|sub|mul|nmul|div|madd|msub|nmadd|nmsub|sqrt|cvt[a-z]*|cmp|cmpe|ccmp|ccmpe|csel|min|max|minnm|maxnm|abs|neg|rint[a-z]|mla|mls|recpe|rsqrte|frint[a-z0-9]*)|[su]cvtf)$'
nins=0
for file in "$@"; do
    [ -f "$file" ] || { echo "FAIL: no such file: $file" >&2; exit 1; }
    listing=$("$objdump" -d --no-show-raw-insn "$file")
    nins=$((nins + $(grep -cE $'^ *[0-9a-f]+: *\t' <<<"$listing" || true)))
    case "$listing" in
        *aarch64*) fp=$a64_fp ;;
        *) fp=$x86_fp ;;
    esac
    member=$file func='?'
    # Only headers and lines whose op could be floating point reach the
    # (slow) shell loop: every pattern above starts with f, v, cvt or [su]cvtf,
    # ends in ss/sd/ps/pd, or is an mxcsr access.
    candidates=$(grep -E -e 'file format' -e '^[0-9a-f]+ <.*>:$' \
        -e $'^ *[0-9a-f]+: *\t([a-z0-9.]+ )*(f[a-z0-9]*|v[a-z0-9]*|cvt[a-z0-9]*|[su]cvtf|[a-z0-9]*(ss|sd|ps|pd)|(ld|st)mxcsr)([ \t]|$)' \
        <<<"$listing" || true)
    while IFS= read -r line; do
        case "$line" in
            *'file format'*) member=${line%%:*} ;;
            [0-9a-f]*' <'*'>:') func=${line#*<}; func=${func%>:} ;;
            *)  # GNU "  1f:\tmulsd ...", LLVM "  1f:   \tmulsd\t..."
                ins=${line#*$'\t'}
                read -ra words <<<"$ins"
                # skip prefixes, so "lock add" or "rep stos" reads as the op
                op=
                for op in ${words[@]+"${words[@]}"}; do
                    case "$op" in
                        lock|rep|repz|repnz|repe|repne|notrack|bnd|data16|addr32|cs|ds|es|ss|fs|gs|rex*) ;;
                        *) break ;;
                    esac
                done
                if [[ -n $op && $op =~ $fp ]]; then
                    echo "float instruction: $member: $func: $ins"
                    bad=$((bad + 1))
                fi ;;
        esac
    done <<<"$candidates"
done

if [ "$nsrc" -eq 0 ] && [ ${#srcdirs[@]} -gt 0 ]; then
    echo "FAIL: no .c/.h files under ${srcdirs[*]}" >&2; exit 1
fi
if [ "$nins" -eq 0 ] && [ $# -gt 0 ]; then
    echo "FAIL: no instructions disassembled from $*" >&2; exit 1
fi
if [ "$expect_fail" -eq 1 ]; then
    [ "$bad" -gt 0 ] || { echo "FAIL: expected floating point, found none: the check is broken" >&2; exit 1; }
    echo "ok: the check caught $bad use(s) of floating point, as expected"
    exit 0
fi
[ "$bad" -eq 0 ] || { echo "FAIL: $bad use(s) of floating point in the kernel" >&2; exit 1; }
echo "ok: $nsrc source file(s) and $nins instruction(s) free of floating point"
