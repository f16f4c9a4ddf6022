#!/usr/bin/env bash
# check_symbols.sh - fail if a library or object needs anything from outside
# the pure-C subset the kernel may use.
#
#   check_symbols.sh [--nm NM] [--expect SYM]... FILE...
#
# The kernel is a pure function of its inputs (docs/architecture.md): no
# allocation outside the caller's allocator, no stdio, no clock, no unseeded
# randomness, no environment, no threads, no libm.  Rather than list what is
# forbidden (a list that is never complete) this allows only what is known to
# be pure and fails on every other undefined symbol: the symbols FILE... need
# but do not define themselves.  Symbols one member of an archive takes from
# another member are not counted.
#
# With --expect SYM (repeatable) the result is inverted: it passes only if
# every SYM is reported as impure, so the self-test proves that the check
# catches an impure object (tests/purity/impure_selftest.c).
set -euo pipefail

usage="usage: $0 [--nm NM] [--expect SYM]... FILE..."
nm="nm"
expected=()
while [ $# -gt 0 ]; do
    case "$1" in
        --nm) nm=$2; shift 2 ;;
        --expect) expected+=("$2"); shift 2 ;;
        --) shift; break ;;
        -*) echo "$usage" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }

# What a pure object may still need.  Keep this list short and explain each.
allowed() {
    case "$1" in
        # <string.h> primitives: compilers emit these for struct copies too.
        memcpy|memmove|memset|memcmp|strlen) return 0 ;;
        # <assert.h> handlers (glibc, BSD/macOS, bionic) and stack protector.
        __assert_fail|__assert_perror_fail|__assert|__assert2|__assert_rtn) return 0 ;;
        __stack_chk_fail|__stack_chk_fail_local|__stack_chk_guard) return 0 ;;
        # Sanitizer instrumentation (dev preset, matrix asan-ubsan build).
        __asan_*|__ubsan_*|__sanitizer_*|__lsan_*) return 0 ;;
        # libgcc/compiler-rt integer helpers: 64-bit division on i386,
        # __int128 arithmetic and bit counting on 64-bit targets.  The
        # float helpers (__floatdidf, __fixdfdi, __adddf3, ...) are not here.
        __divdi3|__udivdi3|__moddi3|__umoddi3|__divmoddi4|__udivmoddi4) return 0 ;;
        __divti3|__udivti3|__modti3|__umodti3|__divmodti4|__udivmodti4) return 0 ;;
        __muldi3|__multi3|__mulodi4|__muloti4) return 0 ;;
        __ashldi3|__ashrdi3|__lshrdi3|__ashlti3|__ashrti3|__lshrti3) return 0 ;;
        __popcountsi2|__popcountdi2|__popcountti2|__clzdi2|__clzti2|__ctzdi2|__ctzti2) return 0 ;;
        # i386 position-independent code.
        _GLOBAL_OFFSET_TABLE_) return 0 ;;
    esac
    return 1
}

# Why a symbol is forbidden, for the message (every unknown symbol fails).
reason() {
    case "$1" in
        malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign|valloc|reallocarray|strdup|strndup)
            echo "allocation: use the caller's qk_allocator" ;;
        *printf*|puts|fputs|putchar|fputc|putc|fwrite|fread|fopen|fclose|fflush|fgets|perror|write|read|open|close|stdout|stderr|stdin|*scanf*)
            echo "I/O: the kernel says things through events" ;;
        time|clock|clock_gettime|gettimeofday|localtime*|gmtime*|mktime|ftime|times|nanosleep|usleep|sleep)
            echo "clock: time comes from the tick counter" ;;
        rand|srand|random|srandom|rand_r|drand48|*rand48|arc4random*|getrandom|getentropy)
            echo "randomness: use the seeded per-subsystem stream (rng.h)" ;;
        getenv|secure_getenv|setenv|putenv|environ|__environ)
            echo "environment: configuration comes from the caller" ;;
        pthread_*|thrd_*|mtx_*|cnd_*|tss_*|call_once|__tls_get_addr)
            echo "threads: the caller owns any worker pool" ;;
        abort|exit|_exit|_Exit|atexit|longjmp|setjmp|_setjmp|__longjmp_chk|raise|signal)
            echo "control flow: return a qk_status instead" ;;
        __errno_location|errno)
            echo "errno: return a qk_status instead" ;;
        sin*|cos*|tan*|asin*|acos*|atan*|sqrt*|cbrt*|pow*|exp*|log*|floor*|ceil*|round*|lround*|llround*|trunc*|fmod*|fabs*|fmin*|fmax*|fma|fmaf|fmal|hypot*|modf*|frexp*|ldexp*|scalbn*|rint*|lrint*|nearbyint*|remainder*|copysign*|nan|nanf|__*sf*|__*df*|__*xf*|__*tf*|__float*|__fix*)
            echo "floating point / libm: state is integer or fixed point" ;;
        *) echo "not on the allow-list (tests/purity/check_symbols.sh)" ;;
    esac
}

# nm -A -P prints "file[member]: symbol type [value size]" (llvm-nm likewise).
declare -A defined=()
declare -A needed_by=()
listing=$("$nm" -A -P "$@")
while read -r where sym type _; do
    [ -n "$sym" ] || continue
    where=${where%:}
    where=${where##*/}
    case "$type" in
        U|w|v) needed_by[$sym]+="${needed_by[$sym]:+, }$where" ;;
        *)     defined[$sym]=1 ;;
    esac
done <<<"$listing"

if [ ${#defined[@]} -eq 0 ]; then
    echo "FAIL: $* define no symbols: wrong file, or an empty library?" >&2
    exit 1
fi

declare -A caught=()
bad=0
for sym in $(printf '%s\n' "${!needed_by[@]}" | LC_ALL=C sort); do
    [ -z "${defined[$sym]:-}" ] || continue
    allowed "$sym" && continue
    printf 'impure: %-24s needed by %s  (%s)\n' "$sym" "${needed_by[$sym]}" "$(reason "$sym")"
    caught[$sym]=1
    bad=$((bad + 1))
done

if [ ${#expected[@]} -gt 0 ]; then
    missed=()
    for sym in "${expected[@]}"; do
        [ -n "${caught[$sym]:-}" ] || missed+=("$sym")
    done
    if [ ${#missed[@]} -ne 0 ]; then
        echo "FAIL: the check did not catch: ${missed[*]}" >&2
        exit 1
    fi
    echo "ok: the check caught all ${#expected[@]} expected impure symbols"
    exit 0
fi
if [ "$bad" -ne 0 ]; then
    echo "FAIL: $bad symbol(s) the kernel must not use; see docs/architecture.md" >&2
    exit 1
fi
echo "ok: $* need only allowed symbols"
