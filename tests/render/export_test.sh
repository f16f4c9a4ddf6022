#!/bin/sh
# quarry export-gltf end to end: a scenario at a tick and a save give .glb
# files with a valid header whose bytes repeat; bad usage and bad input are
# exit 2 with a message.  Usage: export_test.sh QUARRY SOURCE_DIR
set -u
Q=$1
SRC=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/quarry-export.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
no() { echo "FAIL: $*" >&2; fail=1; }
header_ok() { [ "$(head -c 4 "$1")" = "glTF" ] && [ "$(od -An -tu4 -j8 -N4 "$1" | tr -d ' ')" = "$(wc -c < "$1" | tr -d ' ')" ]; }

"$Q" export-gltf "$SRC/scenarios/torch.jsonl" --tick 3 -o "$T/a.glb" || no "export of a scenario"
"$Q" export-gltf "$SRC/scenarios/torch.jsonl" --tick 3 -o "$T/b.glb" || no "second export"
header_ok "$T/a.glb" || no "header of a.glb"
cmp -s "$T/a.glb" "$T/b.glb" || no "two exports differ"
"$Q" run "$SRC/scenarios/torch.jsonl" --save-at 3 --save "$T/save" -o /dev/null || no "save"
"$Q" export-gltf --save "$T/save" --pack "$SRC/packs/default.json" -o "$T/s.glb" || no "export of a save"
header_ok "$T/s.glb" || no "header of s.glb"
expect2() { # expect2 NEEDLE ARGS...: exit 2 and NEEDLE on stderr
    needle=$1; shift
    "$Q" export-gltf "$@" 2> "$T/err"; rc=$?
    [ $rc -eq 2 ] || no "exit $rc (want 2) for: $*"
    grep -q -- "$needle" "$T/err" || no "no '$needle' in: $(cat "$T/err")"
}
expect2 "past the end" "$SRC/scenarios/torch.jsonl" --tick 999999 -o "$T/x.glb"
expect2 "which tick" "$SRC/scenarios/torch.jsonl" -o "$T/x.glb"
expect2 "-o OUT.glb" "$SRC/scenarios/torch.jsonl" --tick 1
printf '{"quarry":"scenario",\n  bad' > "$T/bad.jsonl"
expect2 "bad.jsonl:1:" "$T/bad.jsonl" --tick 1 -o "$T/x.glb"
expect2 "no save here" --save "$T/nothing" --pack "$SRC/packs/default.json" -o "$T/x.glb"
expect2 "cannot" "$SRC/scenarios/torch.jsonl" --tick 1 -o "$T/no/dir/x.glb"
[ ! -e "$T/x.glb" ] || no "a failed export left a file"
[ $fail -eq 0 ] && echo "export-gltf: ok"
exit $fail
