#!/bin/sh
# Regenerates the golden images in tests/render/golden/ from scenes.txt:
#     tests/render/bake_goldens.sh build/dev/cli/quarry
# Run it on purpose (a renderer change, a new Mesa); commit the PNGs with
# the GL_RENDERER line it prints (docs/architecture.md, "The GL edge").
set -eu
quarry=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
grep -v '^#' "$here/scenes.txt" | while read -r name scenario args; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086 # args are words
    "$quarry" bake "$root/scenarios/$scenario" $args -o "$here/golden/$name.png"
    echo "wrote tests/render/golden/$name.png"
done
