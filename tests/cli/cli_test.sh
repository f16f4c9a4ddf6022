#!/bin/sh
# cli_test.sh - end-to-end tests of the quarry executable.
#
# usage: cli_test.sh QUARRY SOURCE_DIR
# Checks exit codes, "file:line:col: message" errors on stderr, that a
# failed run leaves no output file, `quarry diff` wording, and the
# accept -> check cycle with its manifest.  Needs the kernel linked.
set -u
Q=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); }
no() { fails=$((fails + 1)); echo "FAILED: $*" >&2; }

# expect_rc RC CMD...: run, keep stdout/stderr in $T/out, $T/err
expect_rc() {
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        no "exit $got, wanted $want: $*"; sed 's/^/    /' "$T/err" "$T/out" | head -20 >&2
    fi
}
has() { # has FILE REGEX
    if grep -Eq -- "$2" "$1"; then ok; else no "$1 lacks /$2/:"; sed 's/^/    /' "$1" | head -20 >&2; fi
}

# ---- bad input: exit 2, file:line:col on stderr, no output file ---------
cp "$SRC/tests/cli/bad/"*.jsonl "$T/"
awk 'NR == 1' "$T/bad_json.jsonl" > "$T/huge_line.jsonl"
head -c 10485760 /dev/zero | tr '\0' 'x' | sed 's/^/{"tick":1,"n":"/' >> "$T/huge_line.jsonl"
printf '\n' >> "$T/huge_line.jsonl"
head -c 4096 "$Q" > "$T/binary.jsonl"
for f in bad_json unknown_op tick_backwards missing_header_field unknown_block \
         absurd_coords empty huge_line binary; do
    rm -f "$T/o.jsonl"
    expect_rc 2 "$Q" run "$T/$f.jsonl" --pack-dir "$SRC/packs" -o "$T/o.jsonl"
    has "$T/err" "^$T/$f.jsonl:[0-9]+:[0-9]+: "
    if [ -e "$T/o.jsonl" ] || ls "$T"/o.jsonl.tmp* >/dev/null 2>&1; then
        no "$f left an output file"; else ok; fi
done
has "$T/err" "binary file"
expect_rc 2 "$Q" run "$T/huge_line.jsonl" --pack-dir "$SRC/packs"
has "$T/err" "huge_line.jsonl:2:1: line is longer than 1048576 bytes"
expect_rc 2 "$Q" run "$T/unknown_op.jsonl" --pack-dir "$SRC/packs"
has "$T/err" 'unknown_op.jsonl:2:27: unknown op "jmp" \(expected one of join, move, jump, place, break, select, undo, inv_move, inv_split, inv_merge, inv_swap, inv_drop, craft, set_time, weather\)'
expect_rc 2 "$Q" run "$T/unknown_op.jsonl" --pack-dir "$T/nowhere"
has "$T/err" 'pack "default" not found'

# ---- usage -------------------------------------------------------------
expect_rc 2 "$Q"
expect_rc 2 "$Q" frobnicate
expect_rc 2 "$Q" run
expect_rc 2 "$Q" run a b
expect_rc 2 "$Q" run x --ticks
expect_rc 2 "$Q" run x --ticks=-3
expect_rc 2 "$Q" diff onlyone
expect_rc 0 "$Q" --version
has "$T/out" '^quarry [0-9]+\.[0-9]+\.[0-9]+ '
for c in run check diff accept txn-status; do
    expect_rc 0 "$Q" "$c" --help
    has "$T/out" "^usage: quarry $c"
    expect_rc 0 "$Q" help "$c"
done
expect_rc 0 "$Q" help
has "$T/out" 'accept'
has "$T/out" '^  txn-status '
expect_rc 0 "$Q" run --help
has "$T/out" '--threads N'
expect_rc 0 "$Q" check --help
has "$T/out" '--threads N'

# ---- run, restore, diff ------------------------------------------------
W="$SRC/tests/cli/good/walk.jsonl"
expect_rc 0 "$Q" run "$W" --pack-dir "$SRC/packs" -o "$T/a.jsonl"
expect_rc 0 "$Q" run "$W" --pack-dir "$SRC/packs"
if cmp -s "$T/out" "$T/a.jsonl"; then ok; else no "stdout and -o differ"; fi
has "$T/a.jsonl" '^\{"quarry":"events","format":1,"kernel":"'
expect_rc 0 "$Q" run "$W" --pack-dir "$SRC/packs" -o "$T/r.jsonl" --restore-at 1 --restore-at 17
if cmp -s "$T/r.jsonl" "$T/a.jsonl"; then ok; else no "--restore-at changed the output"; fi
expect_rc 0 "$Q" run "$W" --pack-dir "$SRC/packs" -o "$T/long.jsonl" --ticks 500
has "$T/long.jsonl" '^\{"tick":499,"type":"digest"'

expect_rc 0 "$Q" diff "$T/a.jsonl" "$T/r.jsonl"
# change one field of one player event: "y" of the first one at tick 3
awk '!done && /"tick":3,"type":"player"/ { sub(/"y":[-0-9]+/, "\"y\":12345"); done = 1 } { print }' \
    "$T/a.jsonl" > "$T/b.jsonl"
expect_rc 1 "$Q" diff "$T/a.jsonl" "$T/b.jsonl"
has "$T/out" 'tick 3: player event, field "y": .*a\.jsonl has [0-9]+, .*b\.jsonl has 12345'
head -n 20 "$T/a.jsonl" > "$T/short.jsonl"
expect_rc 1 "$Q" diff "$T/short.jsonl" "$T/a.jsonl"
has "$T/out" 'short\.jsonl ends after line 20'
expect_rc 2 "$Q" diff "$T/a.jsonl" "$T/does-not-exist.jsonl"
has "$T/err" 'does-not-exist.jsonl: cannot open'

# ---- --threads: light workers never change the bytes --------------------
for bad in 0 65 -1 abc 4x ""; do
    expect_rc 2 "$Q" run "$W" --pack-dir "$SRC/packs" --threads "$bad"
    has "$T/err" "--threads wants a number of light workers from 1 to 64, got '$bad'"
    expect_rc 2 "$Q" check "$W" --pack-dir "$SRC/packs" --threads="$bad"
    has "$T/err" "--threads wants a number of light workers from 1 to 64"
done
expect_rc 2 "$Q" run "$W" --threads
has "$T/err" 'option --threads needs a value'
# light_storm: hundreds of edits, several transactions per tick
LS="$SRC/scenarios/light_storm.jsonl"
expect_rc 0 "$Q" run "$LS" -o "$T/ls.jsonl"
expect_rc 0 "$Q" run "$LS" -o "$T/ls1.jsonl" --threads 1
expect_rc 0 "$Q" run "$LS" -o "$T/ls4.jsonl" --threads 4
expect_rc 0 "$Q" run "$LS" -o "$T/ls64r.jsonl" --threads=64 --restore-at 100 --restore-at 250
if cmp -s "$T/ls.jsonl" "$T/ls1.jsonl" && cmp -s "$T/ls1.jsonl" "$T/ls4.jsonl" &&
   cmp -s "$T/ls1.jsonl" "$T/ls64r.jsonl"; then ok; else no "--threads changed light_storm's stream"; fi
has "$T/ls4.jsonl" '"type":"light_commit","txn":[0-9]+,"player":[0-9]+,"cause":"(place|break)",'
expect_rc 0 "$Q" diff "$T/ls1.jsonl" "$T/ls4.jsonl"

# ---- undo: the scenario op, end to end ------------------------------------
# txn 18 is the break of tick 12 (16 columns take ids 1..16 at generation,
# the place of tick 10 is 17); 99 is no transaction
awk '{ print } /"op":"select"/ {
  print "{\"tick\":15,\"player\":1,\"op\":\"undo\",\"txn\":18}"
  print "{\"tick\":16,\"player\":1,\"op\":\"undo\",\"seq\":40,\"txn\":99}" }' "$W" > "$T/undo.jsonl"
expect_rc 0 "$Q" run "$T/undo.jsonl" --pack-dir "$SRC/packs" -o "$T/undo.events"
has "$T/undo.events" '^\{"tick":15,"type":"block","x":2,"y":6,"z":3,"block":"grass","prev":"air","cause":"undo","player":1\}$'
has "$T/undo.events" '^\{"tick":15,"type":"light_commit","txn":[0-9]+,"player":1,"cause":"undo","x":2,"y":6,"z":3,"chunks":\[\[0,0,[0-9]+,[0-9]+\]\]\}$'
has "$T/undo.events" '^\{"tick":16,"type":"reject","player":1,"seq":40,"op":"undo","reason":"unknown_txn"\}$'
printf '%s\n' '{"tick":57,"player":1,"op":"undo","txn":0}' >> "$T/undo.jsonl"
expect_rc 2 "$Q" run "$T/undo.jsonl" --pack-dir "$SRC/packs"
has "$T/err" 'undo\.jsonl:16:41: "txn" must be an integer from 1 to 9223372036854775807, got 0'

# ---- txn-status ------------------------------------------------------------
expect_rc 0 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 12 0 0
has "$T/out" '^scenario walk, after tick 12, column \(0, 0\)$'
has "$T/out" '^revisions: geometry [0-9]+, light [0-9]+$'
has "$T/out" '^next txn: 19$'
has "$T/out" '^last commits \(newest first, at most 4\):$'
has "$T/out" '^  txn 18  tick 12  break  player 1  -> geometry [0-9]+, light [0-9]+$'
has "$T/out" '^  txn 17  tick 10  place  player 1  -> '
has "$T/out" '  tick 0  generate  player 0  -> geometry [0-9]+, light [0-9]+$'
has "$T/out" '^pending: none \(every transaction commits within its tick\)$'
has "$T/out" '^light_commit events of tick 12 touching the column:$'
has "$T/out" '^  \{"tick":12,"type":"light_commit","txn":18,"player":1,"cause":"break","x":2,"y":6,"z":3,'
# the revisions it reports are those of the newest commit, and of the event
geo=$(sed -n 's/^revisions: geometry \([0-9]*\), light \([0-9]*\)$/\1 \2/p' "$T/out")
has "$T/out" "^  txn 18  tick 12  break  player 1  -> geometry ${geo% *}, light ${geo#* }\$"
has "$T/out" "\"chunks\":\\[\\[0,0,${geo% *},${geo#* }\\]\\]\\}\$"
expect_rc 0 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 11 0 0
has "$T/out" '^light_commit events of tick 11 touching the column: none$'
expect_rc 0 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick=12 0 0 --json
if [ "$(wc -l < "$T/out")" -eq 1 ]; then ok; else no "--json is not one line"; fi
has "$T/out" '^\{"scenario":"walk","tick":12,"cx":0,"cz":0,"geometry":[0-9]+,"light":[0-9]+,"next_txn":19,"history":\[\{"txn":18,"tick":12,"cause":"break","player":1,"geometry":[0-9]+,"light":[0-9]+\},\{"txn":17,"tick":10,"cause":"place",'
has "$T/out" '\],"pending":0,"commits":\[\{"tick":12,"type":"light_commit","txn":18,[^]]*\]\]\}\]\}$'
# a column far from the edits, negative coordinates: only its generation
expect_rc 0 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --json --tick 12 -2 -1
has "$T/out" '^\{"scenario":"walk","tick":12,"cx":-2,"cz":-1,"geometry":[0-9]+,"light":[0-9]+,"next_txn":19,"history":\[\{"txn":[0-9]+,"tick":0,"cause":"generate","player":0,[^]]*\}\],"pending":0,"commits":\[\]\}$'
# exit 2: past the end, not loaded, usage
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 60 0 0
has "$T/err" 'walk\.jsonl: tick 60 is past the end: the scenario runs ticks 0 to 59$'
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 2 0
has "$T/err" 'column \(2, 0\) is not loaded: the scenario loads columns \(-2, -2\) to \(1, 1\)$'
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 0 -3
has "$T/err" 'column \(0, -3\) is not loaded'
if [ -s "$T/out" ]; then no "txn-status printed a report for an unloaded column"; else ok; fi
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" 0 0
has "$T/err" 'which tick'
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 0
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 0 0 1
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 0 x
has "$T/err" "CZ wants a chunk coordinate \(an integer\), got 'x'"
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 0 4294967296
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick -1 0 0
expect_rc 2 "$Q" txn-status "$W" --pack-dir "$SRC/packs" --tick 5 0 0 --yaml
has "$T/err" "unknown option '--yaml'"
expect_rc 2 "$Q" txn-status "$T/unknown_op.jsonl" --pack-dir "$SRC/packs" --tick 1 0 0
has "$T/err" 'unknown_op.jsonl:2:27: unknown op'

# ---- light expectations: a right level passes, a wrong one and a voxel
# outside the loaded chunks fail with a sentence (exit 1), a bad level is a
# parse error with its position (exit 2)
cp "$W" "$T/light.jsonl"
printf '%s\n' '{"expect":"light","tick":2,"pos":[0,9,0],"sky":15,"block":0,"note":"open sky"}' \
    '{"expect":"light","tick":2,"pos":[0,6,0],"block":14,"note":"wrong on purpose"}' \
    '{"expect":"light","tick":2,"pos":[40,7,0],"sky":15}' >> "$T/light.jsonl"
expect_rc 1 "$Q" run "$T/light.jsonl" --pack-dir "$SRC/packs" -o "$T/o.jsonl"
has "$T/err" 'light\.jsonl:[0-9]+: expectation failed: tick 2: light at \[0,6,0\] is sky 0 block 0, expected block 14'
has "$T/err" 'light\.jsonl:[0-9]+: expectation failed: tick 2: light at \[40,7,0\] is outside the loaded world, expected sky 15$'
if grep -q 'open sky\|\[0,9,0\]' "$T/err"; then no "a passing light expectation was reported"; else ok; fi
printf '%s\n' '{"expect":"light","tick":2,"pos":[0,9,0],"sky":16}' >> "$T/light.jsonl"
expect_rc 2 "$Q" run "$T/light.jsonl" --pack-dir "$SRC/packs" -o "$T/o.jsonl"
has "$T/err" 'light\.jsonl:[0-9]+:48: "sky" must be an integer from 0 to 15, got 16'

# ---- accept and check --------------------------------------------------
mkdir -p "$T/proj/scenarios" "$T/proj/packs"
cp "$SRC/packs/default.json" "$SRC/packs/recipes.json" "$T/proj/packs/"
cp "$W" "$T/proj/scenarios/walk.jsonl"
sed 's/"name":"walk"/"name":"walk_two"/; s/"seed":42/"seed":7/' "$W" > "$T/proj/scenarios/walk_two.jsonl"
cd "$T/proj"
expect_rc 1 "$Q" check
has "$T/out" '^MISSING walk: no golden, run quarry accept$'
has "$T/out" '^0 passed, 2 failed$'
expect_rc 2 "$Q" accept
has "$T/err" 'reason'
SOURCE_DATE_EPOCH=86400 expect_rc 0 "$Q" accept --reason "first goldens" --by tester
has golden/MANIFEST.json '"accepted_at": "1970-01-02T00:00:00Z"'
has golden/MANIFEST.json '"accepted_by": "tester"'
has golden/MANIFEST.json '"reason": "first goldens"'
has golden/MANIFEST.json '"stream_hash": "[0-9a-f]{16}"'
if [ -f golden/walk.events.jsonl ] && [ -f golden/walk_two.events.jsonl ]; then ok; else no "goldens missing"; fi
cp golden/MANIFEST.json "$T/m1"
SOURCE_DATE_EPOCH=86400 expect_rc 0 "$Q" accept --reason "first goldens" --by tester
if cmp -s golden/MANIFEST.json "$T/m1"; then ok; else no "manifest not deterministic"; fi
expect_rc 0 "$Q" check
has "$T/out" '^PASS walk  60 ticks  [0-9]+ events  expectations 4/4$'
has "$T/out" '^2 passed, 0 failed$'
expect_rc 0 "$Q" check -j 2 scenarios/walk_two.jsonl scenarios
has "$T/out" '^3 passed, 0 failed$'
head -n 1 "$T/out" | grep -q '^PASS walk ' && ok || no "-j output not in name order"
cp "$T/out" "$T/check_j2"
expect_rc 0 "$Q" check -j 2 --threads 3 scenarios/walk_two.jsonl scenarios
if cmp -s "$T/out" "$T/check_j2"; then ok; else no "check --threads changed the report"; fi
expect_rc 0 "$Q" check --threads=2

# a hand-edited golden fails against the manifest
cp golden/walk.events.jsonl "$T/g"
sed -i '5s/"ground":1/"ground":0/' golden/walk.events.jsonl
expect_rc 1 "$Q" check scenarios/walk.jsonl
has "$T/out" '^FAIL walk: golden differs from its manifest entry: re-accept with quarry accept$'
cp "$T/g" golden/walk.events.jsonl

# a behaviour change shows as the first divergence: another seed draws
# another weather schedule (and moves the chain) from tick 0 on; the header
# difference is noted beside it
sed 's/"seed":42/"seed":43/' "$W" > scenarios/walk.jsonl
expect_rc 1 "$Q" check scenarios/walk.jsonl
has "$T/out" '^FAIL walk: line [0-9]+, tick 0: digest differs in weather'
has "$T/out" '(the headers differ too, in scenario_hash)'
has "$T/out" "bisect inside that tick's weather"
cp "$W" scenarios/walk.jsonl

# failing expectations: check reports the line, accept refuses without --force
printf '%s\n' '{"expect":"block","tick":40,"pos":[0,6,0],"block":"glass","note":"wrong on purpose"}' >> scenarios/walk_two.jsonl
expect_rc 1 "$Q" check scenarios/walk_two.jsonl
has "$T/out" 'FAIL walk_two: '
expect_rc 1 "$Q" accept scenarios/walk_two.jsonl --reason "try"
has "$T/out" '^REFUSED walk_two'
has "$T/err" 'walk_two.jsonl:1[0-9]: expectation failed: tick 40: block at \[0,6,0\] is grass, expected glass'
expect_rc 0 "$Q" accept scenarios/walk_two.jsonl --reason "forced" --force
expect_rc 1 "$Q" check scenarios/walk_two.jsonl
has "$T/out" '^FAIL walk_two: expect line 1[0-9] \(tick 40\): block at \[0,6,0\] is grass, expected glass \(wrong on purpose\)$'

# a malformed scenario in check: exit 2, error on stderr
cp "$T/unknown_op.jsonl" scenarios/
expect_rc 2 "$Q" check
has "$T/err" 'unknown_op.jsonl:2:27: unknown op'
has "$T/out" '^1 passed, 2 failed$'

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
