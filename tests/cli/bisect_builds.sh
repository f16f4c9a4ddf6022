#!/bin/sh
# bisect_builds.sh - `quarry bisect SCENARIO --build-a BIN --build-b BIN`,
# its desync bundle and `quarry replay-bundle`.
#
# usage: bisect_builds.sh QUARRY SOURCE_DIR
# Building a second quarry with a planted change is too heavy for a test, so
# build B is a wrapper script around the same quarry that swaps the SCENARIO
# argument of `run` and `probe` for a copy with one input changed (the break
# at tick 30 moves by one voxel): the two "builds" part deterministically,
# and the in-process `quarry bisect A B` of the two scenarios says where.
set -u
Q=$1
SRC=$2
. "$SRC/tests/cli/lib.sh"
same() { # same FILE FILE
    if cmp -s "$1" "$2"; then ok; else no "$1 and $2 differ:"; diff "$1" "$2" | head -10 >&2; fi
}

A=$SRC/scenarios/build_and_break.jsonl
mkdir "$T/scen" "$T/packs"
cp "$SRC/packs/"*.json "$T/packs/"
sed 's/"op":"break","pos":\[0,7,-1\]/"op":"break","pos":[0,7,0]/' "$A" > "$T/scen/b.jsonl"
# build_b: the real quarry, with run's and probe's SCENARIO replaced.
# build_c: build_b that also refuses every checkpoint (another snapshot format).
cat > "$T/build_b" <<WRAP
#!/bin/sh
cmd=\$1; shift
case \$cmd in run|probe) shift; exec "$Q" "\$cmd" "$T/scen/b.jsonl" "\$@";; esac
exec "$Q" "\$cmd" "\$@"
WRAP
cat > "$T/build_c" <<WRAP
#!/bin/sh
for a in "\$@"; do [ "\$a" = --from-snapshot ] && { echo "snapshot refused: another format" >&2; exit 2; }; done
exec "$T/build_b" "\$@"
WRAP
printf '#!/bin/sh\n[ "$1" = --version ] && { echo "quarry broken"; exit 0; }\necho "boom: kernel on fire" >&2\nexit 3\n' > "$T/build_bad"
chmod +x "$T/build_b" "$T/build_c" "$T/build_bad"

# ---- the two-binary bisect names what the in-process one names --------
expect_rc 1 "$Q" bisect "$A" "$T/scen/b.jsonl" --pack-dir "$SRC/packs"
head -1 "$T/out" > "$T/inproc.txt"
"$Q" bisect "$A" "$T/scen/b.jsonl" --pack-dir "$SRC/packs" --json > "$T/inproc.json"
expect_rc 1 "$Q" bisect "$A" --build-a "$Q" --build-b "$T/build_b"
head -1 "$T/out" > "$T/builds.txt"
has "$T/out" '^first divergence at tick 30 in blocks,light, chunk \(0,-1\), voxel \(0,7,-1\): block air vs stone; [0-9]+ later differences follow from it$'
same "$T/inproc.txt" "$T/builds.txt"
has "$T/out" '^  segment replays: 6 \(2 full runs, then probes at the tick\)$'
expect_rc 1 "$Q" bisect "$A" --build-a "$Q" --build-b "$T/build_b" --json
has "$T/out" '"tick":30,"subsystems":\["blocks","light"\],"chunk":\[0,-1\],"voxel":\[0,7,-1\],"player":null,"field":"block","a":"air","b":"stone"'
has "$T/out" '"descended":true,"segment_replays":6\}$'
# the same report as the in-process one, key for key
sed 's/,"segment_replays":[0-9]*//' "$T/out" > "$T/b1"
same "$T/b1" "$T/inproc.json"
# the same build twice: no divergence, two full runs and no probe
expect_rc 0 "$Q" bisect "$A" --build-a "$Q" --build-b "$Q"
has "$T/out" '^no divergence in 100 ticks$'
has "$T/out" 'segment replays: 2 \(2 full runs\)'
# a build that refuses the checkpoint is replayed from tick 0, and says so
expect_rc 1 "$Q" bisect "$A" --build-a "$Q" --build-b "$T/build_c"
has "$T/err" '^quarry bisect: build B refused its checkpoint at tick 0 \(snapshot refused: another format\): replaying from tick 0$'
has "$T/out" 'voxel \(0,7,-1\): block air vs stone'
has "$T/out" 'segment replays: 7 '
# a player field: B's player 1 walks where A's stands still at first
P=$SRC/scenarios/walk_superflat.jsonl
awk 'NR == 2 { sub(/"tick":[0-9]+/, "\"tick\":3") } { print }' "$P" > "$T/scen/b.jsonl"
if ! cmp -s "$P" "$T/scen/b.jsonl"; then
    "$Q" bisect "$P" "$T/scen/b.jsonl" --pack-dir "$SRC/packs" | head -1 > "$T/inproc.txt"
    expect_rc 1 "$Q" bisect "$P" --build-a "$Q" --build-b "$T/build_b"
    head -1 "$T/out" > "$T/builds.txt"
    same "$T/inproc.txt" "$T/builds.txt"
    has "$T/out" 'segment replays: [2-6] '
fi
sed 's/"op":"break","pos":\[0,7,-1\]/"op":"break","pos":[0,7,0]/' "$A" > "$T/scen/b.jsonl"

# ---- bad builds and usage: exit 2 with the child's stderr --------------
expect_rc 2 "$Q" bisect "$A" --build-a "$Q" --build-b "$T/build_bad"
has "$T/err" 'build B \(.*build_bad\) failed to run the scenario \(exit 3\)'
has "$T/err" '^boom: kernel on fire$'
expect_rc 2 "$Q" bisect "$A" --build-a "$Q" --build-b "$T/no_such_build"
has "$T/err" 'build B .* could not be started'
expect_rc 2 "$Q" bisect "$A" --build-a "$Q"
expect_rc 2 "$Q" bisect "$A" "$A" --build-a "$Q" --build-b "$Q"
expect_rc 2 "$Q" bisect "$A" "$A" --bundle "$T/x.json"
expect_rc 2 "$Q" probe "$A"
expect_rc 2 "$Q" probe "$A" --tick 100
has "$T/err" 'tick 100 is past the scenario'
expect_rc 2 "$Q" probe "$A" --tick 5 --column 1
expect_rc 2 "$Q" probe "$A" --tick 5 --from-snapshot "$T/scen/b.jsonl"
has "$T/err" 'b.jsonl: snapshot refused: .* at byte [0-9]+'

# ---- probe: canonical lines, the same from a checkpoint ----------------
expect_rc 0 "$Q" probe "$A" --tick 70 --snapshot-out "$T/cp.snap"
has "$T/out" '^\{"leaf":"column","column":\[-2,-2\],"blocks":"[0-9a-f]{16}","light":"[0-9a-f]{16}"\}$'
has "$T/out" '^\{"leaf":"player","id":1,"entities":\{"x":"-?[0-9]+",'
has "$T/out" '^\{"leaf":"clock","time":\{"day_length":'
expect_rc 0 "$Q" probe "$A" --tick 70 --column 0,-1
cp "$T/out" "$T/rows0"
has "$T/rows0" '^\{"leaf":"row","column":\[0,-1\],"y":0,"blocks":\[\["bedrock",256\]\],"sky":\[\[0,256\]\],"block_light":\[\[0,256\]\]\}$'
expect_rc 0 "$Q" probe "$A" --tick 70 --column 0,-1 --from-snapshot "$T/cp.snap"
same "$T/rows0" "$T/out"
if [ "$(wc -l < "$T/rows0")" -eq 256 ]; then ok; else no "a column probe is not 256 rows"; fi

# ---- the bundle round trip ---------------------------------------------
expect_rc 1 "$Q" bisect "$A" --build-a "$Q" --build-b "$T/build_b" --bundle "$T/d.bundle"
has "$T/d.bundle" '^  "quarry": "desync-bundle",$'
has "$T/d.bundle" '^  "format": 1,$'
has "$T/d.bundle" '"version": "quarry [0-9]'
has "$T/d.bundle" '"xxh3": "[0-9a-f]{16}"'
has "$T/d.bundle" '"tick": 0,$'
has "$T/d.bundle" '"snapshot": "[A-Za-z0-9+/]+=*"'
has "$T/d.bundle" '"\{\\"leaf\\":\\"row\\",\\"column\\":\[0,-1\],\\"y\\":7,'
expect_rc 1 "$Q" replay-bundle "$T/d.bundle" --build-a "$Q" --build-b "$T/build_b"
has "$T/err" 'reproduced: the same divergence as the bundle.s'
has "$T/out" 'voxel \(0,7,-1\): block air vs stone'
expect_rc 0 "$Q" replay-bundle "$T/d.bundle" --build-a "$Q" --build-b "$Q"
has "$T/err" 'not reproduced: the builds now agree'
expect_rc 1 "$Q" replay-bundle "$T/d.bundle"
has "$T/out" "^reproduced: from the checkpoint at tick 0 this quarry gets build A's leaves at tick 30:"
# a moved bundle still works: it holds its scenario and pack
mv "$T/d.bundle" "$T/moved.bundle"
expect_rc 1 "$Q" replay-bundle "$T/moved.bundle"

# ---- damaged bundles: exit 2 naming the byte or the member -------------
head -c 300 "$T/moved.bundle" > "$T/cut.bundle"
expect_rc 2 "$Q" replay-bundle "$T/cut.bundle"
has "$T/err" 'cut.bundle:[0-9]+:[0-9]+: not a desync bundle: .* \(byte [0-9]+\)'
sed 's/^  "format": 1,/  "format": 2,/' "$T/moved.bundle" > "$T/f2.bundle"
expect_rc 2 "$Q" replay-bundle "$T/f2.bundle"
has "$T/err" 'f2.bundle:3:13: bundle member "format": must be 1'
sed 's/"snapshot": "..../"snapshot": "!!!!/' "$T/moved.bundle" > "$T/b64.bundle"
expect_rc 2 "$Q" replay-bundle "$T/b64.bundle"
has "$T/err" 'bundle member "checkpoint.snapshot": not base64 at character 0'
sed 's/"snapshot": "..../"snapshot": "AAAA/' "$T/moved.bundle" > "$T/sum.bundle"
expect_rc 2 "$Q" replay-bundle "$T/sum.bundle"
has "$T/err" 'bundle member "checkpoint.xxh3": the snapshot.s bytes hash to [0-9a-f]{16} \(damaged\)'
sed 's/"builds": \[/"builds": 7, "x": [/' "$T/moved.bundle" > "$T/bl.bundle"
expect_rc 2 "$Q" replay-bundle "$T/bl.bundle"
expect_rc 2 "$Q" replay-bundle "$T/nowhere.bundle"
expect_rc 2 "$Q" replay-bundle "$T/moved.bundle" --build-a "$Q"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
