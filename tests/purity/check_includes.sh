#!/usr/bin/env bash
# check_includes.sh - the kernel includes only the headers it is allowed.
#
#   check_includes.sh [--expect-fail] DIR...
#
# docs/architecture.md: kernel sources include <stdint.h>, <stddef.h>,
# <stdbool.h>, <string.h>, <limits.h>, <assert.h>, the header-only
# "xxhash.h", and their own headers under DIR... and nothing else, so no
# stdio, stdlib, time or math can slip in.  The nm check (check_symbols.sh)
# sees what is called; this one sees what is merely declared or inlined.
#
# One exception: kernel/src/hash.h, the only door to xxhash, includes
# <stdlib.h> itself, just before xxhash.h (which includes it anyway), so that
# it can stub out xxhash's unused malloc/free; see the comment there.
set -euo pipefail

expect_fail=0
if [ "${1:-}" = --expect-fail ]; then expect_fail=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--expect-fail] DIR..." >&2; exit 2; }

bad=0 nfiles=0
while IFS= read -r -d '' file; do
    nfiles=$((nfiles + 1))
    while IFS=: read -r line text; do
        header=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*)[>"].*/\1/' <<<"$text")
        case "$text" in
            *'<'*) case "$header" in
                       stdint.h|stddef.h|stdbool.h|string.h|limits.h|assert.h|xxhash.h) continue ;;
                   esac
                   case "$file:$header" in */kernel/src/hash.h:stdlib.h) continue ;; esac ;;
            *) [ "$header" = xxhash.h ] && continue
               [ -f "$(dirname "$file")/$header" ] && continue
               found=0
               for dir in "$@"; do [ -f "$dir/$header" ] && found=1; done
               [ $found -eq 1 ] && continue ;;
        esac
        echo "forbidden include: $file:$line: $text"
        bad=$((bad + 1))
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file" || true)
done < <(find "$@" -type f \( -name '*.c' -o -name '*.h' \) -print0 | LC_ALL=C sort -z)

[ "$nfiles" -gt 0 ] || { echo "FAIL: no .c/.h files under $*" >&2; exit 1; }
if [ "$expect_fail" -eq 1 ]; then
    [ "$bad" -gt 0 ] || { echo "FAIL: expected forbidden includes, found none: the check is broken" >&2; exit 1; }
    echo "ok: the check caught $bad forbidden include(s), as expected"
    exit 0
fi
[ "$bad" -eq 0 ] || { echo "FAIL: $bad forbidden include(s) in the kernel" >&2; exit 1; }
echo "ok: $nfiles kernel file(s) include only allowed headers"
