#!/bin/sh
# cli_test.sh - end-to-end tests of the quarry executable.
#
# usage: cli_test.sh QUARRY SOURCE_DIR [PRELOAD]
# PRELOAD (sanitizer builds): what quarry processes that render (check
# --report bakes pictures) get as LD_PRELOAD, to keep Mesa's driver loaded.
# Checks exit codes, "file:line:col: message" errors on stderr, that a
# failed run leaves no output file, `quarry diff` wording, and the
# accept -> check cycle with its manifest.  Needs the kernel linked.
set -u
Q=$1
SRC=$2
PRELOAD=${3:-}
. "$SRC/tests/cli/lib.sh"

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
for c in run check diff accept txn-status region golden; do
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

# ---- region inspect / verify ------------------------------------------------
# Region files from the fuzz seeds (tests/fuzz/gen_region_seeds.c), without
# their leading mode byte.  seed_mixed: region (0,0), 6 columns: generated
# ones at (0,0) (17,2) (31,31), a 9-byte raw record at (0,1), zstd records at
# (3,7) (2000 bytes) and (5,5); bad_record_crc: the same with (5,5) damaged.
RS="$SRC/tests/fuzz/corpus/region"
tail -c +2 "$RS/seed_mixed" > "$T/r.0.0.1.qr"
expect_rc 0 "$Q" region inspect "$T/r.0.0.1.qr"
has "$T/out" "^$T/r\\.0\\.0\\.1\\.qr: region \\(0,0\\), format 1, 6 chunks\$"
has "$T/out" '^ +cx +cz  enc   kind +stored +raw +ratio  crc$'
has "$T/out" '^ +0 +0  raw   generated +1 +1 +1\.00  ok$'
has "$T/out" '^ +0 +1  raw   stored +9 +9 +1\.00  ok$'
has "$T/out" '^ +3 +7  zstd  stored +[0-9]+ +2000 +[0-9]+\.[0-9][0-9]  ok$'
has "$T/out" '^6 chunks: 3 generated, 0 relit, 3 stored; file 562 bytes, raw 2312 bytes, ratio 4\.11$'
expect_rc 0 "$Q" region inspect --json "$T/r.0.0.1.qr"
if [ "$(wc -l < "$T/out")" -eq 1 ]; then ok; else no "region inspect --json is not one line"; fi
has "$T/out" '^\{"file":"[^"]*r\.0\.0\.1\.qr","rx":0,"rz":0,"format":1,"name_agrees":true,"chunks":\[\{"cx":0,"cz":0,"encoding":"raw","kind":"generated","stored":1,"raw":1,"ratio":1\.00,"crc":"ok"\},'
has "$T/out" '\],"summary":\{"chunks":6,"generated":3,"relit":0,"stored":3,"bad":0,"size":562,"raw":2312,"ratio":4\.11\}\}$'
# a damaged record: every column still listed, the bad one named, exit 1
tail -c +2 "$RS/bad_record_crc" > "$T/r.0.0.2.qr"
expect_rc 1 "$Q" region inspect "$T/r.0.0.2.qr"
has "$T/out" '^ +5 +5  zstd  \? +[0-9]+ +- +-  BAD$'
has "$T/out" '^ +31 +31  raw   generated +1 +1 +1\.00  ok$'
has "$T/out" '^6 chunks: 3 generated, 0 relit, 2 stored, 1 BAD; '
has "$T/err" 'r\.0\.0\.2\.qr: region \(0,0\): chunk \(5,5\): byte [0-9]+: record CRC mismatch: stored [0-9a-f]{8}, computed [0-9a-f]{8}$'
expect_rc 1 "$Q" region inspect "$T/r.0.0.2.qr" --json
has "$T/out" '\{"cx":5,"cz":5,"encoding":"zstd","kind":"\?","stored":[0-9]+,"raw":null,"ratio":null,"crc":"bad","error":"[^"]*record CRC mismatch[^"]*"\}'
# the header's region against the file name's
cp "$T/r.0.0.1.qr" "$T/r.1.0.1.qr"
expect_rc 1 "$Q" region inspect "$T/r.1.0.1.qr"
has "$T/err" 'r\.1\.0\.1\.qr: region \(0,0\): the file name says region \(1,0\)$'
# unreadable file, bad header: exit 2, the error on stderr, no listing
tail -c +2 "$RS/bad_magic" > "$T/magic.qr"
expect_rc 2 "$Q" region inspect "$T/magic.qr"
has "$T/err" 'magic\.qr: byte 0: not a quarry region file \(bad magic\)$'
if [ -s "$T/out" ]; then no "region inspect listed a file it cannot parse"; else ok; fi
tail -c +2 "$RS/bad_format_2" > "$T/future.qr"
expect_rc 2 "$Q" region inspect "$T/future.qr"
has "$T/err" 'future\.qr: byte 8: region format 2 is newer than this build reads \(1\)$'
tail -c +2 "$RS/bad_truncated" > "$T/cut.qr"
expect_rc 2 "$Q" region inspect "$T/cut.qr" --json
has "$T/err" 'cut\.qr: region \(0,0\): chunk \(5,5\): byte [0-9]+: record of [0-9]+ bytes at byte [0-9]+ runs past the end of the file'
expect_rc 2 "$Q" region inspect "$T/nowhere.qr"
has "$T/err" 'nowhere\.qr: cannot read: No such file or directory$'
# verify: no save there is exit 2 (saves themselves: the persistence tests)
expect_rc 2 "$Q" region verify "$T/nowhere"
# usage
expect_rc 2 "$Q" region
expect_rc 2 "$Q" region frob "$T/r.0.0.1.qr"
has "$T/err" "no such subcommand 'frob'"
expect_rc 2 "$Q" region inspect
has "$T/err" 'inspect which file'
expect_rc 2 "$Q" region inspect "$T/r.0.0.1.qr" "$T/r.1.0.1.qr"
expect_rc 2 "$Q" region inspect "$T/r.0.0.1.qr" --pack x
has "$T/err" "unknown option '--pack' for inspect"
expect_rc 2 "$Q" region verify
has "$T/err" 'verify which directory'
expect_rc 2 "$Q" region verify "$T" --json
expect_rc 2 "$Q" region verify "$T" --pack
has "$T/err" 'option --pack needs a value'
expect_rc 0 "$Q" region --help
has "$T/out" '^usage: quarry region inspect FILE \[--json\]$'
expect_rc 0 "$Q" help region
has "$T/out" '^       quarry region verify DIR \[--pack FILE\]$'
expect_rc 0 "$Q" help
has "$T/out" '^  region +inspect a region file, verify a save$'

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

# ---- saves: run --save-at / --from / --reload-at, region verify -----------
S="$SRC/scenarios/persistence_parity.jsonl"
expect_rc 2 "$Q" run "$S" --save-at 10
has "$T/err" "--save-at needs --save DIR"
expect_rc 2 "$Q" run "$S" --save "$T/s0"
has "$T/err" "--save DIR needs --save-at T"
expect_rc 2 "$Q" run "$S" --save-at x --save "$T/s0"
expect_rc 0 "$Q" run "$S" --ticks 120 -o "$T/straight120.jsonl"
expect_rc 0 "$Q" run "$S" --ticks 120 --save-at 100 --save "$T/s1" -o "$T/saving120.jsonl"
if cmp -s "$T/straight120.jsonl" "$T/saving120.jsonl"; then ok; else no "saving changed the stream"; fi
if [ -f "$T/s1/world.qw" ] && [ "$(ls "$T/s1/region" | wc -l)" -eq 4 ]; then ok; else no "save lacks world.qw or its 4 region files"; fi
expect_rc 0 "$Q" region verify "$T/s1" --pack "$SRC/packs/default.json"
has "$T/out" "generation 1, tick 100, 4 regions, 16 chunks .*: ok$"
# the resumed stream is the header and the straight run's lines from tick 100
expect_rc 0 "$Q" run "$S" --ticks 120 --from "$T/s1" -o "$T/resumed120.jsonl"
{ head -n 1 "$T/straight120.jsonl"; grep -E '^\{"tick":(1[01][0-9])[,}]' "$T/straight120.jsonl"; } > "$T/tail120.jsonl"
if cmp -s "$T/tail120.jsonl" "$T/resumed120.jsonl"; then ok; else no "resumed stream differs: $(cmp "$T/tail120.jsonl" "$T/resumed120.jsonl" 2>&1)"; fi
expect_rc 0 "$Q" run "$S" --ticks 120 --reload-at 5 --reload-at 105 -o "$T/reload120.jsonl"
if cmp -s "$T/straight120.jsonl" "$T/reload120.jsonl"; then ok; else no "--reload-at changed the stream"; fi
# a save of another world, a save past the run, no save at all
expect_rc 2 "$Q" run "$SRC/scenarios/torch.jsonl" --from "$T/s1"
has "$T/err" "the save holds another world"
expect_rc 2 "$Q" run "$S" --ticks 10 --from "$T/s1"
has "$T/err" "the save is at tick 100, past the run's 10 ticks"
expect_rc 2 "$Q" run "$S" --from "$T/nothing"
has "$T/err" "nothing/world.qw"
# a damaged record: verify names file, region and chunk (exit 1); resuming refuses (exit 2)
cp -r "$T/s1" "$T/s2"
f="$T/s2/region/$(ls -S "$T/s2/region" | head -n 1)" # the largest: stored records at its end
size=$(wc -c < "$f")
printf '\377' | dd of="$f" bs=1 seek=$((size - 20)) conv=notrunc status=none
expect_rc 1 "$Q" region verify "$T/s2" --pack "$SRC/packs/default.json"
has "$T/out" "r\.-?[0-9]+\.-?[0-9]+\.1\.qr: region \(-?[0-9]+,-?[0-9]+\): chunk \(-?[0-9]+,-?[0-9]+\): byte [0-9]+: record CRC mismatch"
expect_rc 2 "$Q" run "$S" --ticks 120 --from "$T/s2"
has "$T/err" "r\.-?[0-9]+\.-?[0-9]+\.1\.qr: region \(-?[0-9]+,-?[0-9]+\): chunk \("
# salvage loads the rest and names what it could not keep
expect_rc 0 "$Q" run "$S" --ticks 120 --from "$T/s2" --salvage
has "$T/err" "salvaged \(the column comes back as generated\): .*r\.-?[0-9]+\.-?[0-9]+\.1\.qr: region \(-?[0-9]+,-?[0-9]+\): chunk \("
expect_rc 2 "$Q" run "$S" --salvage
has "$T/err" "--salvage goes with --from DIR"
# the original save is untouched by all this
expect_rc 0 "$Q" region verify "$T/s1"

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

# ---- golden workflow: pending streams, status, review, CI writes nothing ----
# (walk_two's golden was forced above with a failing expectation; earlier
# checks outside CI may have left pending streams)
rm -f golden/*.new
sed -i 's/"ticks":60/"ticks":61/' scenarios/walk.jsonl # the scenario changes
expect_rc 1 env CI=true "$Q" check scenarios/walk.jsonl
has "$T/out" "CI: the new stream is not written"
if [ ! -e golden/walk.events.jsonl.new ]; then ok; else no "check wrote in CI"; fi
expect_rc 1 env CI= "$Q" check scenarios/walk.jsonl --junit "$T/j.xml"
has "$T/out" "wrote .*golden/walk\.events\.jsonl\.new: review with quarry golden review"
if [ -f golden/walk.events.jsonl.new ]; then ok; else no "no pending stream"; fi
has "$T/j.xml" '<testsuite name="quarry check" tests="1" failures="1" errors="0"'
has "$T/j.xml" '<testcase classname="quarry.worldtests" name="walk" time="[0-9.]+">'
has "$T/j.xml" '<failure message="FAIL walk: '
printf '{}\n' > golden/ghost.events.jsonl
expect_rc 1 "$Q" golden status
has "$T/out" '^PENDING walk: .*walk\.events\.jsonl\.new awaits review'
has "$T/out" '^OK walk_two  accepted [0-9TZ:-]+ by .+$'
has "$T/out" '^ORPHANED ghost: .*ghost\.events\.jsonl has no scenario$'
has "$T/out" '^1 ok, 2 need attention$'
rm golden/ghost.events.jsonl
# review, driven by a script: the diff, then reject
printf 'r\n' > "$T/answers"
expect_rc 0 env CI= sh -c "\"$Q\" golden review --why try < \"$T/answers\""
has "$T/out" '^walk \(1 of 1\):$'
has "$T/out" 'golden ends after line'
has "$T/out" 'rejected: removed .*walk\.events\.jsonl\.new'
if [ ! -e golden/walk.events.jsonl.new ]; then ok; else no "reject kept the pending stream"; fi
expect_rc 1 "$Q" golden status scenarios
has "$T/out" '^STALE walk: the scenario changed \(scenario_hash [0-9a-f]{16}, now [0-9a-f]{16}\)$'
expect_rc 2 env CI=true "$Q" golden review --why try
# check again, then accept through review
expect_rc 1 env CI= "$Q" check scenarios/walk.jsonl
printf 'a\n' > "$T/answers"
expect_rc 0 env CI= sh -c "\"$Q\" golden review --why 'walk runs one tick longer' --by tester < \"$T/answers\""
has "$T/out" '^ACCEPTED walk '
has golden/MANIFEST.json '"reason": "walk runs one tick longer"'
if [ ! -e golden/walk.events.jsonl.new ]; then ok; else no "accept kept the pending stream"; fi
expect_rc 0 "$Q" golden status scenarios/walk.jsonl
has "$T/out" '^OK walk  accepted .* by tester$'
# golden accept by name
expect_rc 2 "$Q" golden accept walk
has "$T/err" "--why TEXT is required"
expect_rc 0 "$Q" golden accept walk --why "again" --by tester
has "$T/out" '^ACCEPTED walk '
expect_rc 2 "$Q" golden frob

# a malformed scenario in check: exit 2, error on stderr
cp "$T/unknown_op.jsonl" scenarios/
expect_rc 2 "$Q" check
has "$T/err" 'unknown_op.jsonl:2:27: unknown op'
has "$T/out" '^1 passed, 2 failed$'

# ---- bisect: exit codes, the summary, the --json shape -----------------
B="$T/bisect"
mkdir -p "$B"
BS="$SRC/scenarios/torch.jsonl"
sed 's/"pos":\[-8,6,5\],"face"/"pos":[-8,6,6],"face"/' "$BS" > "$B/torch_moved.jsonl"
expect_rc 0 "$Q" bisect "$BS" "$BS"
has "$T/out" '^no divergence in 80 ticks$'
expect_rc 1 "$Q" bisect "$BS" "$B/torch_moved.jsonl" --pack-dir "$SRC/packs"
has "$T/out" '^first divergence at tick 2 in blocks,light, chunk \(-1,0\), voxel \(-8,7,5\): block torch vs air; [0-9,]+ later differences follow from it$'
expect_rc 1 "$Q" bisect "$BS" "$B/torch_moved.jsonl" --pack-dir "$SRC/packs" --json
has "$T/out" '^\{"found":true,"tick":2,"subsystems":\["blocks","light"\],"chunk":\[-1,0\],"voxel":\[-8,7,5\],"player":null,"field":"block","a":"torch","b":"air","event_line":1,"event_a":"\{\\"tick\\":2,.*"later_differences":[0-9]+,"ticks_compared":80,"descended":true\}$'
expect_rc 0 "$Q" bisect "$BS" "$B/torch_moved.jsonl" --pack-dir "$SRC/packs" --ticks 2
expect_rc 0 "$Q" bisect "$BS" --against "$SRC/golden/torch.events.jsonl"
expect_rc 1 "$Q" bisect "$B/torch_moved.jsonl" --against "$SRC/golden/torch.events.jsonl" --pack-dir "$SRC/packs"
has "$T/out" '^first divergence at tick 2 in blocks,light; [0-9,]+ later differences follow from it$'
has "$T/out" 'no column, voxel or field descent'
expect_rc 1 "$Q" run "$B/torch_moved.jsonl" --pack-dir "$SRC/packs" -o "$B/moved.events.jsonl" # its expect lines fail
expect_rc 1 "$Q" bisect "$SRC/golden/torch.events.jsonl" "$B/moved.events.jsonl" --json
has "$T/out" '^\{"found":true,"tick":2,"subsystems":\["blocks","light"\],"chunk":null,"voxel":null,.*"ticks_compared":80,"descended":false\}$'
expect_rc 0 "$Q" bisect "$SRC/golden/torch.events.jsonl" "$SRC/golden/torch.events.jsonl"
# bad usage and bad input: exit 2
expect_rc 2 "$Q" bisect "$BS"
expect_rc 2 "$Q" bisect "$BS" "$BS" "$BS"
expect_rc 2 "$Q" bisect "$BS" "$SRC/golden/torch.events.jsonl"
has "$T/err" 'give two of a kind'
expect_rc 2 "$Q" bisect "$BS" "$BS" --ticks 0
expect_rc 2 "$Q" bisect "$BS" --against "$BS"
has "$T/err" 'torch.jsonl:1:1: not an event stream'
expect_rc 2 "$Q" bisect "$BS" "$B/nothing.jsonl"
head -n 3 "$SRC/golden/torch.events.jsonl" > "$B/cut.events.jsonl"
printf '%s\n' '{"tick":0,"type":"digest","blocks":"zz"}' >> "$B/cut.events.jsonl"
expect_rc 2 "$Q" bisect "$SRC/golden/torch.events.jsonl" "$B/cut.events.jsonl"
has "$T/err" 'cut.events.jsonl:4:[0-9]+: digest line: "blocks" must be 16 lowercase hex digits'
expect_rc 2 "$Q" bisect "$T/unknown_op.jsonl" "$BS" --pack-dir "$SRC/packs"
has "$T/err" 'unknown_op.jsonl:2:27: unknown op'
expect_rc 0 "$Q" help bisect
has "$T/out" '^usage: quarry bisect A B'

# ---- check --report: one self-contained HTML file for QA -------------------
# Its own project, built like $T/proj: walk passes, walk_two fails an expect
# line (its golden forced), the accept reason needs escaping.
RP="$T/report_proj"
mkdir -p "$RP/scenarios" "$RP/packs"
cp "$SRC/packs/default.json" "$SRC/packs/recipes.json" "$RP/packs/"
cp "$W" "$RP/scenarios/walk.jsonl"
sed 's/"name":"walk"/"name":"walk_two"/; s/"seed":42/"seed":7/' "$W" > "$RP/scenarios/walk_two.jsonl"
printf '%s\n' '{"expect":"block","tick":40,"pos":[0,6,0],"block":"glass","note":"wrong <on> purpose"}' >> "$RP/scenarios/walk_two.jsonl"
SOURCE_DATE_EPOCH=86400 expect_rc 0 "$Q" accept "$RP/scenarios" --reason 'QA <sign-off> & "go"' --by tester --force
R="$T/rep/nested"
SOURCE_DATE_EPOCH=86400 expect_rc 1 env LD_PRELOAD="$PRELOAD" "$Q" check "$RP/scenarios" --report "$R"
has "$T/out" '^FAIL walk_two: expect line'
if [ -f "$R/index.html" ] && [ "$(ls -A "$R" | tr '\n' ' ')" = "index.html results.json " ]; then ok
else no "report: not index.html and results.json alone in $R"; fi
H="$R/index.html"
has "$H" '^<!DOCTYPE html>'
has "$H" '</html>$'
if grep -Eq 'https?://|<script|<link' "$H"; then no "report refers outside itself"; else ok; fi
# its only src= are the pictures, embedded as data URIs
if grep -Eo 'src="[^"]{0,22}' "$H" | grep -vq '^src="data:image/png;base64,$'; then
    no "report: a src= that is not an embedded PNG"; else ok; fi
has "$H" 'Written 1970-01-02T00:00:00Z \(UTC\) by quarry [0-9]+\.[0-9]+\.[0-9]+'
has "$H" '2 scenarios: 1 passed, 1 failed, 0 missing a golden, 0 errors'
has "$H" '<a href="#s1">walk</a></td><td><span class="b PASS">PASS</span></td><td class="n">60</td>'
has "$H" '<a href="#s2">walk_two</a></td><td><span class="b FAIL">FAIL</span>'
has "$H" '<section id="s2">'
has "$H" '<td>FAIL</td><td>block at \[0,6,0\] is grass, expected glass</td><td>wrong &lt;on&gt; purpose</td>'
has "$H" '<td>pass</td><td>block at \[1,7,3\] is stone</td><td>placed on top of grass</td>'
has "$H" 'QA &lt;sign-off&gt; &amp; &quot;go&quot;'
if grep -q '<sign-off>' "$H"; then no "report: the reason is not escaped"; else ok; fi
has "$H" '<tr><th>Light commits</th><td class="n">[0-9]+</td></tr>'
has "$H" '<tr><th>Step time p99</th><td class="n">[0-9.]+ &#181;s</td></tr>'
has "$H" '<svg '
has "$H" '<polyline class="line" points="'
has "$H" '>tick 59</text>'
has "$H" '<img alt="walk after its last tick" width="320" height="200" src="data:image/png;base64,iVBOR'
has "$H" '<img alt="walk_two after its last tick" width="320" height="200" src="data:image/png;base64,'
if grep -q 'have no baked picture' "$H"; then no "report: pictures missing here"; else ok; fi
# without EGL the pictures are missing, and the report says why
expect_rc 1 env __EGL_VENDOR_LIBRARY_FILENAMES=/nonexistent "$Q" check "$RP/scenarios" --report "$T/rep_noegl"
has "$T/rep_noegl/index.html" '2 of 2 scenarios have no baked picture of their final world'
has "$T/rep_noegl/index.html" 'Final world: no picture \(no renderer here: '
if grep -q 'src=' "$T/rep_noegl/index.html"; then no "report: a picture without EGL"; else ok; fi
# a divergence is shown, and a missing golden gets its badge
sed 's/"ticks":60/"ticks":61/' "$RP/scenarios/walk.jsonl" > "$RP/walk.jsonl" && mv "$RP/walk.jsonl" "$RP/scenarios/walk.jsonl"
cp "$W" "$RP/scenarios/walk_new.jsonl" && sed -i 's/"name":"walk"/"name":"walk_new"/' "$RP/scenarios/walk_new.jsonl"
expect_rc 1 env CI=true LD_PRELOAD="$PRELOAD" "$Q" check "$RP/scenarios" --report "$T/rep2" -j 3
has "$T/rep2/index.html" '<h3>First divergence from the golden</h3>'
has "$T/rep2/index.html" 'href="#s2">walk_new</a></td><td><span class="b MISSING">MISSING</span>'
rm "$RP/scenarios/walk_new.jsonl" && cp "$W" "$RP/scenarios/walk.jsonl"
# the same check twice: the same document but for the timing numbers
SOURCE_DATE_EPOCH=86400 expect_rc 1 env LD_PRELOAD="$PRELOAD" "$Q" check "$RP/scenarios" --report "$T/rep3" -j 2
sed -E 's/[0-9]+(\.[0-9]+)?/N/g' "$H" > "$T/rep_a"
sed -E 's/[0-9]+(\.[0-9]+)?/N/g' "$T/rep3/index.html" > "$T/rep_b"
if cmp -s "$T/rep_a" "$T/rep_b"; then ok; else no "report structure differs between runs"; diff "$T/rep_a" "$T/rep_b" | head -10 >&2; fi
# a report directory that cannot be made: exit 2 before checking anything
: > "$T/plainfile"
expect_rc 2 "$Q" check "$RP/scenarios" --report "$T/plainfile/rep"
has "$T/err" "--report .*plainfile/rep: cannot create the directory: Not a directory"
if [ -s "$T/out" ]; then no "check ran despite a bad --report"; else ok; fi
expect_rc 2 "$Q" check "$RP/scenarios" --report
expect_rc 0 "$Q" check --help
has "$T/out" '--report DIR'

# ---- repl: a script on stdin gets the lines a person would see ------------
# build_and_break: player 1's stone at (0,7,-1) appears at tick 6 and is
# broken at tick 30; the b run breaks (0,7,0) at tick 30 instead.
RB="$SRC/scenarios/build_and_break.jsonl"
cat > "$T/repl.in" <<'SCRIPT'
where
step 5
block 0 7 -1
goto 50
snapshot s50
goto 10
restore s50
where
goto 0
watch block 0 7 -1
run
events 6 6 block
player 1 on_ground
inv 3
bogus
goto 999
SCRIPT
expect_rc 0 "$Q" repl "$RB" --against "$SRC/golden/build_and_break.events.jsonl" < "$T/repl.in"
cat > "$T/repl.want" <<'WANT'
tick 0 of 100, the runs agree
tick 5
block 0 7 -1: air
tick 50
snapshot s50 at tick 50
tick 10
tick 50
tick 50 of 100, the runs agree
tick 0
watch 1: block 0 7 -1 = air
watch 1 (block 0 7 -1) changed at tick 6: air -> stone
tick 7
{"tick":6,"type":"block","x":0,"y":7,"z":-1,"block":"stone","prev":"air","cause":"place","player":1}
player 1 on_ground: true
inv 3: selected 0; 0: 64 cobblestone
error: unknown command 'bogus' (help lists them)
error: tick 999 is past the end (100)
WANT
if diff "$T/repl.want" "$T/out" >&2; then ok; else no "repl transcript differs"; fi
# back and forth through a checkpoint: the digests of stepping straight there
printf 'goto 80\nhash\ngoto 3\ngoto 80\nhash\n' | "$Q" repl "$RB" > "$T/out" 2>&1
if [ "$(sed -n 2,8p "$T/out")" = "$(sed -n 11,17p "$T/out")" ] && [ "$(wc -l < "$T/out")" -eq 17 ]; then ok
else no "repl: hash after goto back and forth differs"; sed 's/^/    /' "$T/out" >&2; fi
# two runs: `run` stops where they part, with the bisector's descent
sed 's/"op":"break","pos":\[0,7,-1\]/"op":"break","pos":[0,7,0]/' "$RB" > "$T/bb_b.jsonl"
printf 'run\nwhere\nhash\ndiff\nbisect\n' > "$T/repl2.in"
expect_rc 0 "$Q" repl "$RB" --b "$T/bb_b.jsonl" --pack-dir "$SRC/packs" < "$T/repl2.in"
has "$T/out" '^the runs part at tick 30$'
has "$T/out" '^first divergence at tick 30 in blocks,light, chunk \(0,-1\), voxel \(0,7,-1\): block air vs stone; '
has "$T/out" '^tick 31 of 100, the runs parted at tick 30$'
has "$T/out" '^blocks +[0-9a-f]{16} [0-9a-f]{16} differs$'
has "$T/out" '^entities +([0-9a-f]{16}) \1$'
has "$T/out" '198 later differences follow from it$'
# usage and bad input: exit 2, file:line:col
expect_rc 2 "$Q" repl
expect_rc 2 "$Q" repl "$RB" --against x --b y
printf '{"quarry":"events"}\n{"tick":1,"type":"digest"}\n' > "$T/bad.events.jsonl"
expect_rc 2 "$Q" repl "$RB" --against "$T/bad.events.jsonl" < /dev/null
has "$T/err" "bad.events.jsonl:2:1: expected an event of tick 0"
expect_rc 2 "$Q" repl "$T/bad_json.jsonl" --pack-dir "$SRC/packs" < /dev/null
has "$T/err" "^$T/bad_json.jsonl:[0-9]+:[0-9]+: "

# ---- shards merged into one report; the metamorphic translation check ---
# Two shards, each with --report, merged: every scenario named once, in the
# merged page and in junit.xml, whose totals add up; a page identical to one
# from a single unsharded check.  Bad merge input: exit 2 at file:line:col.
M="$T/merge"
mkdir -p "$M"
n_sc=$(ls "$SRC/scenarios/"*.jsonl | wc -l)
SOURCE_DATE_EPOCH=1700000000 CI=1 LD_PRELOAD="$PRELOAD" "$Q" check --shard 1/2 --report "$M/s1" --junit "$M/s1.xml" \
    "$SRC/scenarios" > "$M/s1.out" 2>&1
SOURCE_DATE_EPOCH=1700000000 CI=1 LD_PRELOAD="$PRELOAD" "$Q" check --shard 2/2 --report "$M/s2" "$SRC/scenarios" \
    > "$M/s2.out" 2>&1
expect_rc 0 "$Q" report merge "$M/all" "$M/s1" "$M/s2"
has "$T/out" "^merged $n_sc scenarios from 2 inputs: $n_sc passed, 0 did not$"
for f in index.html junit.xml results.json; do
    if [ -s "$M/all/$f" ]; then ok; else no "report merge wrote no $f"; fi; done
for sc in "$SRC/scenarios/"*.jsonl; do
    n=$(basename "$sc" .jsonl)
    c=$(grep -c "^<h2>$n <span" "$M/all/index.html")
    j=$(grep -c "<testcase classname=\"quarry.worldtests\" name=\"$n\"" "$M/all/junit.xml")
    if [ "$c" -eq 1 ] && [ "$j" -eq 1 ]; then ok; else no "merged report names $n $c/$j times"; fi
done
has "$M/all/junit.xml" "<testsuite name=\"quarry check\" tests=\"$n_sc\" failures=\"0\" errors=\"0\""
t1=$(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)".*/\1/p' "$M/s1.xml")
t2=$(grep -c '"outcome"' "$M/s2/results.json")
if [ $((t1 + t2)) -eq "$n_sc" ] && [ "$t1" -gt 0 ] && [ "$t2" -gt 0 ]; then ok
else no "shard totals $t1 + $t2 != $n_sc"; fi
# merged names are in order
grep -o '<testcase classname="quarry.worldtests" name="[a-z_0-9]*"' "$M/all/junit.xml" \
    | sed 's/.*name="//; s/"$//' > "$M/names"
if sort -c "$M/names" 2>/dev/null; then ok; else no "merged scenarios are not in name order"; fi
expect_rc 2 "$Q" report merge "$M/x" "$M/s1" "$M/s1"
has "$T/err" "is in both"
mkdir -p "$M/bad"
printf '{"quarry":"check-results","format":1,\n"scenarios":[{"name":"a",' > "$M/bad/results.json"
expect_rc 2 "$Q" report merge "$M/x" "$M/s1" "$M/bad"
has "$T/err" "^$M/bad/results.json:2:[0-9]+: "
printf '{"quarry":"check-results","format":1,\n"scenarios":[{"name":"a","outcome":7}]}' \
    > "$M/bad/results.json"
expect_rc 2 "$Q" report merge "$M/x" "$M/bad"
has "$T/err" "^$M/bad/results.json:2:[0-9]+: \"outcome\" must be a string"
expect_rc 2 "$Q" report merge "$M/x" "$M/none"
has "$T/err" "$M/none/results.json:0:0: cannot open"
expect_rc 2 "$Q" report merge "$M/x"
expect_rc 2 "$Q" report frob
# --translate: the terrain scenario is refused (a line, not a crash), a
# superflat one passes, bad values are usage errors; stderr stays silent
# when it is not a terminal (no progress line)
expect_rc 1 "$Q" check --translate 3,-2 "$SRC/scenarios/terrain_caves.jsonl" \
    "$SRC/scenarios/torch.jsonl"
has "$T/out" "^ERROR terrain_caves: --translate 3,-2 refused: .*terrain generator is not translation invariant"
has "$T/out" "^PASS torch  translated by 3,-2 chunks  "
if [ -s "$T/err" ]; then no "check wrote to stderr off a terminal"; else ok; fi
expect_rc 0 "$Q" check --translate -1,4 "$SRC/scenarios/weather_cycle.jsonl"
has "$T/out" '^  note: 3 "falls" parts of sky expect lines not checked'
for v in 3 3,x ,2 3,-2,1 99999999,0; do expect_rc 2 "$Q" check --translate "$v"; done
expect_rc 2 "$Q" check --translate 1,1 --heavy

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
