#!/bin/sh
# The `quarry bake` command end to end:
#   - each scene of scenes.txt baked and compared with its golden PNG
#     (render_png_compare: each channel within 8, at most 0.5% of pixels
#     beyond), the differing pixels printed on failure;
#   - with no usable EGL (the vendor library or the driver missing) bake
#     exits 2 saying so, writes nothing, and `quarry run` still works;
#   - bad usage exits 2.
# usage: bake_test.sh QUARRY COMPARE SOURCE_DIR [PRELOAD]
# PRELOAD (sanitizer builds): librender_keep_mesa.so, preloaded into every
# quarry process so LeakSanitizer sees Mesa's allocations (keep_mesa.c).
set -u
quarry=$1 compare=$2 root=$3
if [ -n "${4:-}" ]; then
    LD_PRELOAD=$4
    export LD_PRELOAD
fi
here="$root/tests/render"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bake_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

grep -v '^#' "$here/scenes.txt" > "$tmp/scenes"
while read -r name scenario args; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086
    if ! "$quarry" bake "$root/scenarios/$scenario" $args -o "$tmp/$name.png"; then
        bad "bake $name"
        continue
    fi
    "$compare" "$tmp/$name.png" "$here/golden/$name.png" || bad "golden $name"
done < "$tmp/scenes"

# No EGL: three ways to break it.
for env in "__EGL_VENDOR_LIBRARY_FILENAMES=/nonexistent" \
           "__EGL_VENDOR_LIBRARY_DIRS=/nonexistent" \
           "EGL_DRIVERS_PATH=/nonexistent LIBGL_DRIVERS_PATH=/nonexistent"; do
    # shellcheck disable=SC2086
    env $env "$quarry" bake "$root/scenarios/torch.jsonl" -o "$tmp/none.png" --size 16x16 \
        2> "$tmp/err"
    rc=$?
    [ "$rc" = 2 ] || bad "no EGL ($env): exit $rc, want 2"
    grep -q "quarry bake: cannot render on this machine: " "$tmp/err" \
        || { bad "no EGL ($env): message"; cat "$tmp/err"; }
    [ ! -e "$tmp/none.png" ] || bad "no EGL ($env): wrote a picture"
    # shellcheck disable=SC2086
    env $env "$quarry" run "$root/scenarios/torch.jsonl" -o "$tmp/torch.events" \
        || bad "quarry run without EGL ($env)"
    cmp -s "$tmp/torch.events" "$root/golden/torch.events.jsonl" \
        || bad "quarry run without EGL ($env): stream differs from its golden"
done

# Bad usage: exit 2, nothing written.
expect2() {
    "$quarry" bake "$@" 2> "$tmp/err"
    rc=$?
    [ "$rc" = 2 ] || bad "bake $*: exit $rc, want 2"
    grep -q "quarry bake" "$tmp/err" || bad "bake $*: no message"
}
t="$root/scenarios/torch.jsonl"
expect2 "$t"
expect2 "$t" -o "$tmp/x.png" --size 0x5
expect2 "$t" -o "$tmp/x.png" --size 12
expect2 "$t" -o "$tmp/x.png" --camera 1,2,3
expect2 "$t" -o "$tmp/x.png" --camera 1,2,3,4,5 --orbit
expect2 "$t" -o "$tmp/x.png" --tick 80
expect2 "$t" -o "$tmp/x.png" --bogus
expect2 --save "$tmp/nosave" --pack "$root/packs/default.json" -o "$tmp/x.png"
expect2 "$t" -o "$tmp/no/such/dir/x.png" --size 8x8
[ ! -e "$tmp/x.png" ] || bad "bad usage wrote a picture"

# A save bakes like the scenario it came from.
if "$quarry" run "$t" --save-at 80 --save "$tmp/save" -o "$tmp/s.events" &&
   "$quarry" bake --save "$tmp/save" --pack "$root/packs/default.json" --orbit \
        --size 96x64 -o "$tmp/save.png"; then
    "$compare" "$tmp/save.png" "$here/golden/torch_orbit.png" || bad "save vs scenario"
else
    bad "bake --save"
fi

[ "$fail" = 0 ] && echo "bake_test: all ok"
exit "$fail"
