#!/usr/bin/env python3
"""
light_scenarios.py - writes scenarios/torch.jsonl, skylight_caves.jsonl and
light_storm.jsonl, with expected light levels computed from the rules.

Run from anywhere: `python3 scenarios/tools/light_scenarios.py`.  The output
is deterministic (the storm uses its own LCG, no `random`), so rerunning it
rewrites the same bytes.

Why a script: the expectations of the light scenarios must come from the
rules of light, never from the engine's output.  This file holds a second,
deliberately naive implementation of those rules (kernel/src/light.h,
docs/formats.md "Light"): every voxel of the loaded world gets
    L = max(source, max over its 6 neighbours of L - 1),
opaque voxels keep their source only, skylight's source is 15 above the
column's highest opaque block; computed by a bucketed flood from the
sources over the whole loaded world, from scratch, after every change.  The
hand-written scenarios also state their values as formulas (Manhattan
distance from a torch, and so on) and the script asserts that the oracle
agrees with them before writing a line.

It also mirrors the kernel's rules for inputs (reach 4.5 blocks from the
eyes to the clicked block's centre, in the kernel's fixed point; a non-air
clicked block; an air target; a solid block may not be placed into a
player), applying each tick's inputs in the kernel's order (clock, player,
seq), and refuses to write a scenario with an input the kernel would
reject: the block state the expectations are computed on is then the
kernel's too.  The storm only ever picks legal actions.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FX = 4096
EYE = 6635          # kernel/src/player.c
HALF_W = 1228
HEIGHT = 7372
REACH_FX = FX * 9 // 2
FACES = {"down": (0, -1, 0), "up": (0, 1, 0), "north": (0, 0, -1),
         "south": (0, 0, 1), "west": (-1, 0, 0), "east": (1, 0, 0)}
FLAT = [["bedrock", 1], ["stone", 3], ["dirt", 2], ["grass", 1]]  # ground top y=6


def load_pack():
    with open(os.path.join(ROOT, "packs", "default.json")) as f:
        return {b["name"]: b for b in json.load(f)["blocks"]}


PACK = load_pack()


def opaque(name):
    return PACK[name]["opaque"]


def emission(name):
    return PACK[name].get("emissive", 0)


class World:
    """A superflat world, its edits, and its players (who never move)."""

    def __init__(self, chunks, layers, players):
        (cx0, cz0), (cx1, cz1) = chunks
        self.x0, self.x1 = cx0 * 16, cx1 * 16 + 15
        self.z0, self.z1 = cz0 * 16, cz1 * 16 + 15
        self.base = []
        for name, h in layers:
            self.base += [name] * h
        self.edits = {}
        self.players = {p["id"]: p for p in players}

    def loaded(self, x, y, z):
        return self.x0 <= x <= self.x1 and self.z0 <= z <= self.z1 and 0 <= y <= 255

    def block(self, x, y, z):
        if (x, y, z) in self.edits:
            return self.edits[(x, y, z)]
        return self.base[y] if y < len(self.base) else "air"

    def hand(self, pid):
        p = self.players[pid]
        return p["hotbar"][p.get("slot", 0)] if p.get("slot", 0) < len(p["hotbar"]) else None

    def reach2(self, pid, x, y, z):
        sx, sy, sz = self.players[pid]["spawn"]
        px, py, pz = sx * FX + FX // 2, sy * FX, sz * FX + FX // 2
        d = (x * FX + FX // 2 - px, y * FX + FX // 2 - (py + EYE), z * FX + FX // 2 - pz)
        return sum(v * v for v in d)

    def overlaps(self, pid, x, y, z):
        sx, sy, sz = self.players[pid]["spawn"]
        mn = (sx * FX + FX // 2 - HALF_W, sy * FX, sz * FX + FX // 2 - HALF_W)
        mx = (sx * FX + FX // 2 + HALF_W, sy * FX + HEIGHT, sz * FX + FX // 2 + HALF_W)
        c = (x * FX, y * FX, z * FX)
        return all(mn[a] < c[a] + FX and mx[a] > c[a] for a in range(3))

    def why_not(self, inp):
        """None if the kernel accepts the input, else its reject reason."""
        pid, op = inp["player"], inp["op"]
        if op == "select":
            self.players[pid]["slot"] = inp["slot"]
            return None
        x, y, z = inp["pos"]
        if op == "place":
            d = FACES[inp["face"]]
            t = (x + d[0], y + d[1], z + d[2])
            if not self.loaded(x, y, z) or not self.loaded(*t):
                return "out_of_world"
            if self.reach2(pid, x, y, z) > REACH_FX * REACH_FX:
                return "reach"
            if self.block(x, y, z) == "air":
                return "no_support"
            if self.block(*t) != "air":
                return "occupied"
            held = self.hand(pid)
            if held is None:
                return "empty_hand"
            if PACK[held]["solid"] and any(self.overlaps(q, *t) for q in self.players):
                return "intersects_player"
            self.edits[t] = held
            return None
        if op == "break":
            if not self.loaded(x, y, z):
                return "out_of_world"
            if self.reach2(pid, x, y, z) > REACH_FX * REACH_FX:
                return "reach"
            old = self.block(x, y, z)
            if old == "air":
                return "nothing_to_break"
            if not PACK[old].get("breakable", True):
                return "unbreakable"
            self.edits[(x, y, z)] = "air"
            return None
        raise ValueError(op)

    # ---- the oracle ----------------------------------------------------
    def light(self):
        """Both channels of every loaded voxel up to a height above which
        everything is open sky (sky 15, block 0).  Returns get(x,y,z)."""
        top = max([len(self.base)] + [k[1] + 1 for k, v in self.edits.items() if v != "air"])
        Y = min(256, top + 16)  # no light path from a source reaches y >= Y except sky 15
        W, D = self.x1 - self.x0 + 1, self.z1 - self.z0 + 1
        n = W * D * Y
        op = bytearray(n)
        src_sky = bytearray(n)
        src_blk = bytearray(n)

        def idx(x, y, z):
            return (y * D + (z - self.z0)) * W + (x - self.x0)

        for y in range(Y):
            name = self.base[y] if y < len(self.base) else "air"
            o, e = opaque(name), emission(name)
            start = y * D * W
            for i in range(start, start + D * W):
                op[i] = o
                src_blk[i] = e
        for (x, y, z), name in self.edits.items():
            if y < Y:
                i = idx(x, y, z)
                op[i] = opaque(name)
                src_blk[i] = emission(name)
        for z in range(self.z0, self.z1 + 1):
            for x in range(self.x0, self.x1 + 1):
                h = -1
                for y in range(Y - 1, -1, -1):
                    if op[idx(x, y, z)]:
                        h = y
                        break
                for y in range(h + 1, Y):
                    src_sky[idx(x, y, z)] = 15

        def flood(src):
            L = bytearray(src)
            buckets = [[] for _ in range(16)]
            for i in range(n):
                if L[i] > 1:
                    buckets[L[i]].append(i)
            plane = W * D
            for lvl in range(15, 1, -1):
                for i in buckets[lvl]:
                    if L[i] != lvl:
                        continue
                    xx = i % W
                    zz = (i // W) % D
                    yy = i // plane
                    nb = []
                    if xx > 0: nb.append(i - 1)
                    if xx < W - 1: nb.append(i + 1)
                    if zz > 0: nb.append(i - W)
                    if zz < D - 1: nb.append(i + W)
                    if yy > 0: nb.append(i - plane)
                    if yy < Y - 1: nb.append(i + plane)
                    for j in nb:
                        if not op[j] and L[j] < lvl - 1:
                            L[j] = lvl - 1
                            buckets[lvl - 1].append(j)
            return L

        sky, blk = flood(src_sky), flood(src_blk)

        def get(x, y, z):
            assert self.loaded(x, y, z)
            if y >= Y:
                return 15, 0
            i = idx(x, y, z)
            return sky[i], blk[i]
        return get


class Scenario:
    def __init__(self, name, ticks, seed, chunks, players, note, layers=FLAT):
        self.name, self.ticks = name, ticks
        self.header = {"quarry": "scenario", "format": 1, "name": name, "seed": seed,
                       "pack": "default", "ticks": ticks,
                       "world": {"generator": "superflat",
                                 "chunks": {"min": list(chunks[0]), "max": list(chunks[1])},
                                 "layers": layers},
                       "players": players, "note": note}
        self.world = World(chunks, layers, [dict(p) for p in players])
        self.inputs = []    # (tick, dict)
        self.expects = []   # (tick, kind, dict, formula or None)
        self.hand_checked = 0

    def do(self, tick, player, op, **kw):
        line = {"tick": tick, "player": player, "op": op}
        line.update(kw)
        self.inputs.append(line)

    def light(self, tick, pos, sky=None, block=None, note=None):
        """Expect light; sky/block are the hand-computed levels to assert
        against the oracle ("oracle" = take the oracle's value)."""
        self.expects.append((tick, "light", {"pos": list(pos), "sky": sky, "block": block,
                                             "note": note}))

    def block(self, tick, pos, name, note=None):
        self.expects.append((tick, "block", {"pos": list(pos), "block": name, "note": note}))

    def event(self, tick, match, note=None):
        self.expects.append((tick, "event", {"match": match, "note": note}))

    def build(self):
        ticks_in = sorted({l["tick"] for l in self.inputs})
        assert [l["tick"] for l in self.inputs] == sorted(l["tick"] for l in self.inputs), \
            "inputs must be ordered by tick"
        by_tick = {}
        seq = {}
        for l in self.inputs:
            seq[l["player"]] = seq.get(l["player"], 0) + 1
            by_tick.setdefault(l["tick"], []).append((l.get("clock", 0), l["player"],
                                                      seq[l["player"]], l))
        exp_ticks = sorted({e[0] for e in self.expects})
        resolved = []
        for t in range(self.ticks):
            for _, _, _, l in sorted(by_tick.get(t, []), key=lambda k: k[:3]):
                why = self.world.why_not(l)
                if why:
                    sys.exit(f"{self.name}: tick {t}: {l} would be rejected ({why})")
            if t not in exp_ticks:
                continue
            get = self.world.light() if any(e[1] == "light" for e in self.expects
                                             if e[0] == t) else None
            for tick, kind, e in self.expects:
                if tick != t:
                    continue
                out = {"expect": kind, "tick": t}
                if kind == "light":
                    s, b = get(*e["pos"])
                    out["pos"] = e["pos"]
                    for key, have in (("sky", s), ("block", b)):
                        want = e[key]
                        if want is None:
                            continue
                        if want != "oracle":
                            if want != have:
                                sys.exit(f"{self.name}: tick {t} {e['pos']}: {key} by hand "
                                         f"{want}, oracle {have}")
                            self.hand_checked += 1
                        out[key] = have
                elif kind == "block":
                    have = self.world.block(*e["pos"])
                    if e["block"] == "?":  # the model's own state (the storm)
                        e = dict(e, block=have)
                    if have != e["block"]:
                        sys.exit(f"{self.name}: tick {t} {e['pos']}: block {have}, "
                                 f"expected {e['block']}")
                    out["pos"], out["block"] = e["pos"], e["block"]
                else:
                    out["match"] = e["match"]
                if e.get("note"):
                    out["note"] = e["note"].replace("{block}", self.world.block(*e["pos"])
                                                    if "pos" in e else "")
                resolved.append(out)
        path = os.path.join(ROOT, "scenarios", self.name + ".jsonl")
        with open(path, "w") as f:
            f.write(json.dumps(self.header, separators=(",", ":")) + "\n")
            for l in self.inputs:
                f.write(json.dumps(l, separators=(",", ":")) + "\n")
            for e in resolved:
                f.write(json.dumps(e, separators=(",", ":")) + "\n")
        print(f"wrote {path}: {len(self.inputs)} inputs, {len(resolved)} expectations "
              f"({self.hand_checked} levels checked by hand against the oracle)")


def manhattan(a, b):
    return sum(abs(a[i] - b[i]) for i in range(3))


def torch_level(pos, torches):
    """Block light in open air above flat ground: the nearest torch by
    Manhattan distance (every shortest path stays in the air)."""
    return max([0] + [14 - manhattan(pos, t) for t in torches])


# ---------------------------------------------------------------------------
def torch():
    players = [
        {"id": 1, "name": "surface", "spawn": [-8, 7, 3], "hotbar": ["torch"],
         "note": "places a torch on the surface at [-8,7,5], two blocks south of it"},
        {"id": 2, "name": "digger_west", "spawn": [-11, 7, 24], "hotbar": ["torch"],
         "note": "the three diggers stand on the grass over a tunnel at y=5, z=24"},
        {"id": 3, "name": "digger_mid", "spawn": [-4, 7, 24]},
        {"id": 4, "name": "digger_east", "spawn": [3, 7, 24]},
        {"id": 5, "name": "border", "spawn": [0, 7, 12], "hotbar": ["torch"],
         "note": "torches on both sides of the chunk border between x=-1 and x=0"},
        {"id": 6, "name": "corner", "spawn": [-16, 7, -16], "hotbar": ["torch"],
         "note": "torches in the four chunks that meet at x=-17|-16, z=-17|-16"},
    ]
    s = Scenario("torch", 80, 3, ((-2, -2), (1, 1)), players,
                 "Block light of torches (emissive 14): on the surface, in a sealed "
                 "tunnel, across a chunk border and at a four-chunk corner, all at "
                 "negative coordinates too; placed and removed.")
    # (a) the surface torch, 0..15 along -x: crosses the chunk border x=-17|-16.
    T = (-8, 7, 5)
    s.do(2, 1, "place", pos=[-8, 6, 5], face="up", note="a torch on the grass")
    # (b) a tunnel at y=5 under the grass, x=-13..4, dug without opening the
    # roof (the kernel has no line-of-sight rule), so it is sealed from the start.
    for k, x in enumerate(range(-13, -7)):
        s.do(1 + k, 2, "break", pos=[x, 5, 24])
    for k, x in enumerate(range(-7, 0)):
        s.do(1 + k, 3, "break", pos=[x, 5, 24])
    for k, x in enumerate(range(0, 5)):
        s.do(1 + k, 4, "break", pos=[x, 5, 24])
    s.inputs.sort(key=lambda l: l["tick"])  # stable: per tick, file order kept
    s.do(10, 1, "break", pos=list(T), note="remove the surface torch")
    CT = (-12, 5, 24)
    s.do(20, 2, "place", pos=[-12, 4, 24], face="up", note="a torch in the dark tunnel")
    s.do(30, 2, "break", pos=list(CT), note="remove the tunnel torch")
    # (c) both sides of the x=-1|0 border, then the four-chunk corner.
    A, B = (-3, 7, 10), (2, 7, 10)
    s.do(40, 5, "place", pos=[-3, 6, 10], face="up", note="west of the border (chunk -1)")
    s.do(41, 5, "place", pos=[2, 6, 10], face="up", note="east of the border (chunk 0)")
    C = [(-18, 7, -18), (-15, 7, -18), (-18, 7, -15), (-15, 7, -15)]
    for k, c in enumerate(C):
        s.do(50 + k, 6, "place", pos=[c[0], 6, c[2]], face="up",
             note=f"corner torch {k + 1} of 4, chunk [{c[0] // 16},{c[2] // 16}]")
    s.do(60, 6, "break", pos=list(C[0]), note="remove corner torch 1: the others relight "
         "its chunk")

    # expectations -------------------------------------------------------
    for d in range(16):
        p = (T[0] - d, T[1], T[2])
        s.light(2, p, block=max(0, 14 - d),
                sky=15 if d == 0 else None,
                note=("at the torch: 14, and open sky above the flat ground" if d == 0 else
                      f"{d} step{'s' if d > 1 else ''} west of the torch: 14 - {d}"
                      + (" (chunk -2: the border x=-17|-16 is between 8 and 9 steps)"
                         if d == 9 else "") + (" (light reaches 14 voxels, no further)"
                                               if d >= 14 else "")))
    s.light(2, (-7, 8, 6), block=11, note="diagonal: 3 steps by Manhattan distance, "
            "light spreads in diamonds")
    s.light(2, (-8, 6, 5), block=0, sky=0, note="the grass under the torch is opaque: "
            "it holds only its own emission (none)")
    s.event(10, {"type": "block", "x": -8, "y": 7, "z": 5, "block": "air", "prev": "torch"},
            note="the surface torch is broken")
    for p in [T, (-9, 7, 5), (-12, 7, 5), (-17, 7, 5)]:
        s.light(11, p, block=0, note="the surface torch's light is gone by the next tick")
    for p in [(-12, 5, 24), (-5, 5, 24), (0, 5, 24), (4, 5, 24)]:
        s.light(7, p, sky=0, block=0, note="the dug tunnel is dark: its grass roof was "
                "never opened")
    for d in range(16):
        p = (CT[0] + d, CT[1], CT[2])
        s.light(20, p, sky=0, block=max(0, 14 - d),
                note=(f"tunnel, {d} steps east of the torch" if d else
                      "the tunnel torch: block 14, no sky underground")
                + (" (the border x=-1|0 is between 11 and 12 steps)" if d == 12 else ""))
    s.light(20, (-12, 7, 24), sky=15, block=0, note="the surface right over the tunnel "
            "torch: no light leaks through the ground")
    s.light(20, (-13, 5, 24), block=13, note="one step west, the tunnel's last voxel")
    s.light(20, (-14, 5, 24), block=0, note="the tunnel's west end wall (dirt) is dark")
    s.light(20, (-12, 5, 25), block=0, note="the tunnel's side wall is dark")
    for p in [CT, (-11, 5, 24), (-6, 5, 24)]:
        s.light(31, p, sky=0, block=0, note="tunnel torch removed: dark again by the "
                "next tick")
    s.light(40, B, block=torch_level(B, [A]), note="before the east torch: 14 - 5 from "
            "the west torch across the border")
    for x in range(-6, 6):
        p = (x, 7, 10)
        s.light(41, p, block=torch_level(p, [A, B]),
                note=f"x={x}: the brighter of the two torches"
                + (" (chunk -1 side of the border)" if x == -1 else "")
                + (" (chunk 0 side of the border)" if x == 0 else ""))
    for p in [(-1, 7, 12), (0, 8, 8), (-1, 9, 10), (0, 7, 15)]:
        s.light(41, p, block=torch_level(p, [A, B]),
                note=f"off the line: max(14 - {manhattan(p, A)}, 14 - {manhattan(p, B)})")
    s.light(50, (-16, 7, -16), block=torch_level((-16, 7, -16), C[:1]),
            note="corner, one torch so far (4 steps)")
    for p in [(-17, 7, -17), (-16, 7, -17), (-17, 7, -16), (-16, 7, -16), (-20, 7, -20),
              (-13, 7, -20), (-20, 7, -13), (-13, 7, -13), (-16, 9, -16)]:
        s.light(53, p, block=torch_level(p, C),
                note=f"corner, chunk [{p[0] // 16},{p[2] // 16}]: max over the four "
                "torches of 14 - distance")
    for p in [C[0], (-20, 7, -20), (-21, 7, -18), (-17, 7, -17)]:
        s.light(61, p, block=torch_level(p, C[1:]),
                note="corner torch 1 removed: the three others still light its chunk "
                "(max of 14 - distance)")
    s.build()


# ---------------------------------------------------------------------------
def skylight_caves():
    SX, SZ = -16, -8  # the shaft; the pocket runs west of it, into chunk -2
    players = [
        {"id": 1, "name": "miner", "spawn": [-17, 7, -8], "hotbar": ["stone", "glass"],
         "note": "stands on the grass right over the pocket it digs"},
        {"id": 2, "name": "builder", "spawn": [3, 7, 3], "hotbar": ["stone"],
         "note": "builds a stone pillar with an overhang at [5..6,7..8,5]"},
    ]
    s = Scenario("skylight_caves", 60, 11, ((-2, -2), (1, 1)), players,
                 "Skylight over a flat world: 15 everywhere above the ground, 0 in a "
                 "sealed pocket; open a shaft and the sky pours in (15 straight down, "
                 "one less per step sideways); seal it and the pocket is dark by the next "
                 "tick; glass lets the sky in undimmed; an overhang shades by one.")
    # the pocket: y=5 at x=-17..-19, y=4 at x=-17..-18 (all z=-8), under the grass
    pocket = [(SX - 1, 5, SZ), (SX - 1, 4, SZ), (SX - 2, 5, SZ), (SX - 2, 4, SZ),
              (SX - 3, 5, SZ)]
    for k, p in enumerate(pocket):
        s.do(1 + k, 1, "break", pos=list(p), note="dig the pocket under the grass "
             "(no line-of-sight rule: the roof stays shut)" if k == 0 else None)
    s.do(8, 1, "break", pos=[SX, 5, SZ], note="the shaft's lower block: still sealed")
    s.do(12, 1, "break", pos=[SX, 6, SZ], note="open the shaft to the sky")
    s.do(16, 1, "break", pos=[SX, 4, SZ], note="deepen the shaft by one")
    s.do(20, 1, "place", pos=[SX, 6, SZ - 1], face="south", note="seal the shaft with stone")
    s.do(30, 1, "break", pos=[SX, 6, SZ], note="open it again")
    s.do(32, 1, "select", slot=1)
    s.do(32, 1, "place", pos=[SX, 6, SZ - 1], face="south", note="cover it with glass")
    s.do(5, 2, "place", pos=[5, 6, 5], face="up", note="pillar")
    s.do(6, 2, "place", pos=[5, 7, 5], face="up", note="pillar, second block")
    s.do(7, 2, "place", pos=[5, 8, 5], face="east", note="the overhang at [6,8,5]")
    for l in s.inputs:
        if "note" in l and l["note"] is None:
            del l["note"]
    s.inputs.sort(key=lambda l: l["tick"])

    for p, note in [((0, 7, 0), "on the ground at the origin"),
                    ((-1, 7, -1), "on the ground, negative coordinates"),
                    ((-32, 7, -32), "the loaded world's north-west corner"),
                    ((31, 7, 31), "the loaded world's south-east corner"),
                    ((-17, 100, 5), "high above the ground"),
                    ((-5, 255, -30), "the top of the world")]:
        s.light(0, p, sky=15, block=0, note="open sky: " + note)
    s.light(0, (0, 6, 0), sky=0, block=0, note="the grass is opaque")
    s.light(0, (-5, 2, -5), sky=0, block=0, note="deep in the stone")
    for p in pocket:
        s.light(7, p, sky=0, note="the sealed pocket is dark")
    s.light(8, (SX, 5, SZ), sky=0, note="the shaft's bottom, roof still on: dark")
    # open: column (SX,SZ) has its highest opaque block at y=4 now
    open1 = {(SX, 6, SZ): 15, (SX, 5, SZ): 15, (SX - 1, 5, SZ): 14, (SX - 2, 5, SZ): 13,
             (SX - 3, 5, SZ): 12, (SX - 1, 4, SZ): 13, (SX - 2, 4, SZ): 12}
    notes = {(SX, 6, SZ): "15 in the shaft, open to the sky",
             (SX, 5, SZ): "the shaft's bottom: still 15 (no decay straight down)",
             (SX - 1, 5, SZ): "one step sideways into the pocket: 14 (chunk -2)",
             (SX - 2, 5, SZ): "two steps sideways: 13",
             (SX - 3, 5, SZ): "three steps: 12",
             (SX - 1, 4, SZ): "sideways then down: 13 (the shaft's floor is dirt)",
             (SX - 2, 4, SZ): "the pocket's far bottom corner: 12"}
    for p, v in open1.items():
        s.light(12, p, sky=v, note="shaft open: " + notes[p])
    s.light(12, (SX - 4, 5, SZ), sky=0, note="the pocket's west wall is dark")
    s.light(12, (SX - 1, 6, SZ), sky=0, note="the miner's grass over the pocket is opaque")
    open2 = {(SX, 4, SZ): 15, (SX - 1, 4, SZ): 14, (SX - 1, 5, SZ): 14, (SX - 2, 4, SZ): 13,
             (SX - 2, 5, SZ): 13, (SX - 3, 5, SZ): 12}
    for p, v in open2.items():
        s.light(16, p, sky=v, note="shaft one deeper: the sky reaches y=4 undimmed" if
                v == 15 else f"deeper shaft, the pocket: {v}")
    for p in [(SX, 6, SZ), (SX, 5, SZ), (SX, 4, SZ), (SX - 1, 5, SZ), (SX - 2, 4, SZ),
              (SX - 3, 5, SZ)]:
        s.light(21, p, sky=0, note="sealed with stone: dark again by the next tick"
                if p != (SX, 6, SZ) else "the stone seal itself (opaque)")
    s.block(20, (SX, 6, SZ), "stone", note="the seal")
    s.light(30, (SX - 2, 4, SZ), sky=13, note="open again: the pocket relights")
    s.block(32, (SX, 6, SZ), "glass", note="the glass cover")
    s.light(33, (SX, 6, SZ), sky=15, note="the glass itself: not opaque, so open sky")
    for p, v in [((SX, 4, SZ), 15), ((SX - 1, 5, SZ), 14), ((SX - 3, 5, SZ), 12)]:
        s.light(33, p, sky=v, note="under glass: the sky comes straight down through it "
                "undimmed" if v == 15 else "under glass, as when open")
    s.light(7, (6, 7, 5), sky=14, block=0, note="under the overhang: no open sky above, "
            "so one less than its open neighbours")
    s.light(7, (6, 9, 5), sky=15, note="on top of the overhang: open sky")
    s.light(7, (5, 9, 5), sky=15, note="on top of the pillar")
    s.light(7, (5, 8, 5), sky=0, note="the pillar is stone")
    s.light(59, (SX - 3, 5, SZ), sky=12, note="still lit under the glass at the end")
    s.build()


# ---------------------------------------------------------------------------
class Lcg:
    """Knuth's MMIX LCG: fixed across Python versions, unlike `random`."""

    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.s >> 33) % n


def light_storm():
    # Four players around the x=-1|0, z=-1|0 corner, two around x=-17|-16.
    spots = [(-3, -3), (2, -3), (-3, 2), (2, 2), (-19, -1), (-14, 0)]
    players = [{"id": i + 1, "name": f"p{i + 1}", "spawn": [x, 7, z],
                "hotbar": ["torch", "glowstone", "stone"], "mode": "creative"}
               for i, (x, z) in enumerate(spots)]
    players[0]["note"] = ("every player holds torch, glowstone, stone and acts every tick; "
                          "creative, so placing never runs out")
    s = Scenario("light_storm", 500, 1234, ((-2, -2), (1, 1)), players,
                 "Six players place and break torches, glowstone and stone every tick for "
                 "500 ticks around two four-chunk corners (x=-1|0, z=-1|0 and "
                 "x=-17|-16, z=-1|0); generated by scenarios/tools/light_scenarios.py, "
                 "which also computed the expected light from the rules. It must replay "
                 "deterministically and end at the fixed point.")
    w = s.world
    rng = Lcg(0x5eed)
    slot = {p["id"]: 0 for p in players}
    placed = set()
    for t in range(500):
        for p in players:
            pid = p["id"]
            sx, _, sz = p["spawn"]
            near = [(x, y, z) for x in range(sx - 4, sx + 5) for z in range(sz - 4, sz + 5)
                    for y in range(7, 11)
                    if w.reach2(pid, x, y, z) <= (REACH_FX * 19 // 20) ** 2]
            breakable = sorted(v for v in placed if v in near and w.block(*v) != "air")
            if breakable and (rng.next(100) < 45 or len(breakable) > 30):
                v = breakable[rng.next(len(breakable))]
                line = {"tick": t, "player": pid, "op": "break", "pos": list(v)}
                assert w.why_not(dict(line)) is None
                placed.discard(v)
                s.inputs.append(line)
                continue
            want = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2][rng.next(10)]
            if want != slot[pid]:
                line = {"tick": t, "player": pid, "op": "select", "slot": want}
                w.why_not(dict(line))
                slot[pid] = want
                s.inputs.append(line)
            held = players[pid - 1]["hotbar"][want]
            moves = []
            for c in near:
                if w.block(*c) == "air":
                    continue
                for face in sorted(FACES):
                    d = FACES[face]
                    tgt = (c[0] + d[0], c[1] + d[1], c[2] + d[2])
                    if not (7 <= tgt[1] <= 11) or not w.loaded(*tgt) or w.block(*tgt) != "air":
                        continue
                    if PACK[held]["solid"] and any(w.overlaps(q, *tgt) for q in w.players):
                        continue
                    moves.append((c, face, tgt))
            # clicks on the grass count too (y=6 is below `near`'s range)
            for x in range(sx - 4, sx + 5):
                for z in range(sz - 4, sz + 5):
                    c = (x, 6, z)
                    tgt = (x, 7, z)
                    if w.reach2(pid, *c) > (REACH_FX * 19 // 20) ** 2:
                        continue
                    if w.block(*tgt) != "air":
                        continue
                    if PACK[held]["solid"] and any(w.overlaps(q, *tgt) for q in w.players):
                        continue
                    moves.append((c, "up", tgt))
            c, face, tgt = moves[rng.next(len(moves))]
            line = {"tick": t, "player": pid, "op": "place", "pos": list(c), "face": face}
            assert w.why_not(dict(line)) is None, line
            placed.add(tgt)
            s.inputs.append(line)
    # replay from scratch in build(): reset the model
    s.world = World(((-2, -2), (1, 1)), FLAT, [dict(p) for p in players])
    probes = [(-1, 7, -1), (0, 7, 0), (-1, 7, 0), (0, 7, -1), (-1, 8, -1), (0, 9, 0),
              (-5, 7, 3), (4, 8, -5), (-6, 7, -6), (5, 7, 5), (-1, 10, 0), (0, 7, -7),
              (-17, 7, -1), (-16, 7, 0), (-17, 8, 0), (-16, 7, -1), (-21, 7, 2),
              (-12, 7, -3), (-9, 7, 0), (-16, 12, -1), (-3, 6, -3), (-24, 7, -1)]
    for p in probes:
        s.light(250, p, sky="oracle", block="oracle", note="mid-storm ({block} here)")
        s.light(499, p, sky="oracle", block="oracle", note="after 500 ticks of edits "
                "({block} here); the value is the rules' fixed point for the final blocks")
    # the blocks the model ends with, so a model/kernel disagreement on the
    # edits shows as a block failure before it shows as a light one
    for x, y, z in probes[:12]:
        s.expects.append((499, "block", {"pos": [x, y, z], "block": "?", "note":
                                         "the model's final block here"}))
    s.expects.sort(key=lambda e: e[0])
    s.build()


if __name__ == "__main__":
    torch()
    skylight_caves()
    light_storm()
