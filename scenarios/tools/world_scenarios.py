#!/usr/bin/env python3
"""
world_scenarios.py - writes the worldtests of the world's rules:
scenarios/day_night.jsonl, weather_cycle.jsonl, crafting_basic.jsonl and
inventory_ops.jsonl, with their expectations computed from the rules.

Run from anywhere: `python3 scenarios/tools/world_scenarios.py`.  The
output is deterministic, so rerunning it rewrites the same bytes.

Why a script: expectations must come from the rules, never from the
engine's output.  This file holds a second, deliberately plain
implementation of the rules as docs/architecture.md and qk.h state them:
  - the sun curve (the true curve, rounded to the nearest 1/4096, computed
    here with floating point: the kernel promises exactly that), the sky
    scalar and the phases;
  - the weather schedule (splitmix64 streams, rejection sampling, the
    transition table and durations of sky.c's header comment);
  - cold regions (hashed 128x128 cells);
  - the inventory rules: join, pickup (matching stacks first, then the
    first empty slot, the rest lost), place, the inventory ops and their
    refusals, crafting against packs/recipes.json (shaped at any offset,
    mirrored, shapeless; tables within reach for 3x3).
Each scenario states what it means by hand as well (a planks count, a
phase name) and the script asserts the model agrees before writing.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FX = 4096
MASK = (1 << 64) - 1
SKY_NIGHT = FX // 5
WEATHERS = ["clear", "rain", "snow", "thunder"]
FACTOR = {"clear": FX, "rain": FX * 11 // 16, "snow": FX * 11 // 16, "thunder": FX * 121 // 256}
TRANSITION = {"clear": [0, 5, 2, 3], "rain": [7, 0, 0, 3], "snow": [8, 2, 0, 0],
              "thunder": [4, 6, 0, 0]}
EYE = 6635          # kernel/src/player.c: eyes above the feet, fx
REACH2 = (FX * 9 // 2) ** 2


def load_pack():
    with open(os.path.join(ROOT, "packs", "default.json")) as f:
        pack = json.load(f)
    with open(os.path.join(ROOT, "packs", pack["recipes"])) as f:
        recipes = json.load(f)["recipes"]
    things = {b["name"]: b for b in pack["blocks"]}
    for it in pack.get("items", []):
        things[it["name"]] = dict(it, item_only=True)
    return things, recipes


PACK, RECIPES = load_pack()


def stack(item):
    return PACK[item].get("stack", 64)


# ---- the sky ----------------------------------------------------------------

def sun(t, L):
    h = -math.cos(2 * math.pi * t / L)
    b = min(1.0, max(0.0, 2 * h + 0.5))
    return int(math.floor(b * b * (3 - 2 * b) * FX + 0.5))


def sky(t, L, weather):
    base = SKY_NIGHT + (FX - SKY_NIGHT) * sun(t, L) // FX
    return base * FACTOR[weather] // FX


def phase(t, L):
    s = sun(t, L)
    if s == 0:
        return "night"
    if s == FX:
        return "day"
    return "dawn" if t < L // 2 else "dusk"


# ---- seeded streams (kernel/src/rng.h) --------------------------------------

def mix64(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_seed(seed, stream):
    return mix64(seed ^ mix64((stream * 0xD1B54A32D192ED03) & MASK))


class Stream:
    def __init__(self, seed, stream):
        self.s = stream_seed(seed, stream)

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        limit = MASK - (MASK % n)
        while True:
            v = self.next()
            if v < limit:
                return v % n


def duration(rng, state, L):
    base, span = {"clear": (L // 2, L), "rain": (L // 4, L // 2), "snow": (L // 4, L // 2),
                  "thunder": (L // 8, L // 4)}[state]
    return max(1, base + rng.below(span))


def next_state(rng, state):
    d = rng.below(10)
    for i, w in enumerate(TRANSITION[state]):
        if d < w:
            return WEATHERS[i]
        d -= w
    raise AssertionError


def cold(seed, x, z):
    cs = stream_seed(seed, 4)
    h = mix64(cs ^ ((x // 128) & MASK))
    h = mix64(h ^ 0)
    h = mix64(h ^ ((z // 128) & MASK))
    return h % 4 == 0


# ---- the inventory model ----------------------------------------------------

EMPTY = (None, 0)


class Player:
    def __init__(self, pid, spawn, inv, mode="survival"):
        self.id = pid
        self.spawn = spawn
        self.inv = [EMPTY] * 36
        for i, s in enumerate(inv):
            if s is None:
                continue
            item, count = (s, stack(s)) if isinstance(s, str) else (s["item"], s["count"])
            self.inv[i] = (item, count)
        self.mode = mode
        self.slot = 0
        self.lost = {}

    def give(self, item, n):
        """The pickup rule; returns how many found no room."""
        for i in range(36):
            it, c = self.inv[i]
            if it == item and c < stack(item) and n:
                k = min(n, stack(item) - c)
                self.inv[i] = (item, c + k)
                n -= k
        for i in range(36):
            if self.inv[i] == EMPTY and n:
                k = min(n, stack(item))
                self.inv[i] = (item, k)
                n -= k
        return n

    def total(self, item):
        return sum(c for it, c in self.inv if it == item)

    def reach(self, x, y, z):
        sx, sy, sz = self.spawn
        px, py, pz = sx * FX + FX // 2, sy * FX + EYE, sz * FX + FX // 2
        d = (x * FX + FX // 2 - px, y * FX + FX // 2 - py, z * FX + FX // 2 - pz)
        return sum(v * v for v in d) <= REACH2


def take(inv, i, n):
    it, c = inv[i]
    inv[i] = EMPTY if c == n else (it, c - n)


def inv_op(p, op, a):
    """Applies an inventory op to p; returns a reject reason or None."""
    f = a.get("from")
    t = a.get("to", 255)
    n = a.get("count", 0)
    inv = p.inv
    if f >= 36 or (t != 255 and t >= 36) or f == t:
        return "bad_argument"
    if op == "inv_swap":
        if inv[f] == EMPTY and inv[t] == EMPTY:
            return "empty_slot"
        inv[f], inv[t] = inv[t], inv[f]
        return None
    if inv[f] == EMPTY:
        return "empty_slot"
    it, c = inv[f]
    if op == "inv_drop":
        k = n or c
        if k > c:
            return "not_enough"
        take(inv, f, k)
        return None
    if op == "inv_split":
        if t == 255:
            t = next((i for i in range(36) if inv[i] == EMPTY), None)
            if t is None:
                return "inventory_full"
        elif inv[t] != EMPTY:
            return "slot_occupied"
        if c < 2:
            return "not_enough"
        take(inv, f, c // 2)
        inv[t] = (it, c // 2)
        return None
    ti, tc = inv[t]
    if ti not in (None, it):
        return "slot_occupied"
    room = stack(it) - tc
    if op == "inv_move":
        k = n or c
        if k > c:
            return "not_enough"
        if k > room:
            return "stack_full"
    else:  # merge
        if room == 0:
            return "stack_full"
        k = min(c, room)
    take(inv, f, k)
    inv[t] = (it, tc + k)
    return None


def pattern_of(recipe):
    rows = recipe["shape"]
    return [[recipe["key"][ch] if ch != " " else None for ch in r] for r in rows]


def trim(grid):
    rows = [r for r in range(len(grid)) if any(grid[r])]
    cols = [c for c in range(len(grid[0])) if any(grid[r][c] for r in range(len(grid)))]
    if not rows:
        return []
    return [[grid[r][c] for c in range(cols[0], cols[-1] + 1)] for r in range(rows[0], rows[-1] + 1)]


def match(grid, table):
    """Index of the recipe the item grid matches, or None."""
    g = trim(grid)
    items = sorted(x for row in grid for x in row if x)
    for i, r in enumerate(RECIPES):
        if "shape" in r:
            pat = pattern_of(r)
            big = len(pat) == 3 or len(pat[0]) == 3
            ok = g == pat or g == [row[::-1] for row in pat]
        else:
            big = len(r["ingredients"]) > 4
            ok = items == sorted(r["ingredients"])
        if ok:
            return i if (table or not big) else "needs_table"
    return None


def recipe_name(i):
    return RECIPES[i].get("name", RECIPES[i]["result"]["item"])


# ---- scenario assembly ------------------------------------------------------

class Scenario:
    def __init__(self, name, seed, ticks, world, players, note):
        self.name, self.seed, self.ticks = name, seed, ticks
        self.header = {"quarry": "scenario", "format": 1, "name": name, "seed": seed,
                       "pack": "default", "ticks": ticks, "world": world,
                       "players": players, "note": note}
        self.lines = []

    def input(self, line):
        self.lines.append(line)

    def expect(self, line):
        self.lines.append(line)

    def write(self):
        path = os.path.join(ROOT, "scenarios", self.name + ".jsonl")
        with open(path, "w") as f:
            f.write(json.dumps(self.header, separators=(",", ":")) + "\n")
            for l in self.lines:
                f.write(json.dumps(l, separators=(",", ":")) + "\n")
        n_in = sum("op" in l for l in self.lines)
        print(f"wrote {path}: {n_in} inputs, {len(self.lines) - n_in} expectations")


FLAT = [["bedrock", 1], ["stone", 3], ["dirt", 2], ["grass", 1]]  # ground top y=6
SMALL = {"min": [-1, -1], "max": [0, 0]}


def day_night():
    L = 1440
    s = Scenario("day_night", 11, 2 * L, {"generator": "superflat", "chunks": SMALL,
                                          "layers": FLAT, "day_length": L, "start_time": 0},
                 [{"id": 1, "name": "watcher", "spawn": [0, 7, 0]}],
                 "Two full days from midnight with a 1440-tick day (a tick is a game "
                 "minute), under a sky held clear by command: the sky scalar at midnight, "
                 "dawn, noon and dusk, and a time event at every phase change. Generated by "
                 "scenarios/tools/world_scenarios.py from its own model of the sun curve.")
    # what the curve means, by hand: dark at midnight, half-risen sun at 06:00,
    # full at noon, half-set at 18:00
    assert sun(0, L) == 0 and sun(360, L) == FX // 2 and sun(720, L) == FX
    assert sun(1080, L) == FX // 2 and sky(0, L, "clear") == SKY_NIGHT
    assert sky(720, L, "clear") == FX
    prev = phase(0, L)
    changes = []
    for t in range(1, 2 * L):
        ph = phase(t % L, L)
        if ph != prev:
            changes.append((t, ph))
        prev = ph
    assert [p for _, p in changes] == ["dawn", "day", "dusk", "night"] * 2, changes
    # the sky alone: the weather held clear by command for both days
    s.input({"tick": 0, "op": "weather", "state": "clear", "duration": 2 * L,
             "note": "clear skies for the whole test, so the sky scalar is the sun's alone"})
    s.expect({"expect": "event", "tick": 0,
              "match": {"type": "weather_changed", "old": "clear", "new": "clear",
                        "until": 2 * L, "cause": "command"}})
    names = {0: "midnight", 360: "sunrise (06:00)", 720: "noon", 1080: "sunset (18:00)"}
    for day in range(2):
        for t in (0, 300, 360, 420, 720, 1020, 1080, 1140, 1439):
            tick = day * L + t
            e = {"expect": "sky", "tick": tick, "day": day, "time": t, "phase": phase(t, L),
                 "sun": sun(t, L), "sky": sky(t, L, "clear")}
            if t in names:
                e["note"] = names[t]
            s.expect(e)
    for tick, ph in changes:
        s.expect({"expect": "event", "tick": tick,
                  "match": {"type": "time", "phase": ph, "cause": "cycle",
                            "time": tick % L, "sky": sky(tick % L, L, "clear")}})
    s.write()


def weather_cycle():
    L, seed, start = 1440, 5, 330
    world = {"generator": "superflat", "chunks": SMALL, "layers": FLAT, "day_length": L,
             "start_time": start, "snow_line": 10}
    s = Scenario("weather_cycle", seed, L + 60, world,
                 [{"id": 1, "name": "builder", "spawn": [0, 7, 0],
                   "hotbar": [{"item": "stone", "count": 8}]}],
                 "Spawn at dawn and run a whole game day: a stone pillar raises one column "
                 "to the snow line, rain is turned on by command for 240 ticks and then the "
                 "seeded schedule takes over, and later the sky is cleared by command. "
                 "Generated by scenarios/tools/world_scenarios.py, whose own model of the "
                 "weather stream gives the expected schedule.")
    # where rain falls as rain: a column outside any cold cell
    cells = [(x, z) for x in (-16, 15) for z in (-16, 15)]
    warm = [c for c in cells if not cold(seed, *c)]
    assert warm and (2 // 128, 0) in [(x // 128, z // 128) for x, z in cells]
    wx, wz = warm[0]
    for i, y in enumerate(range(6, 10)):
        s.input({"tick": 10 + i, "player": 1, "op": "place", "pos": [2, y, 0], "face": "up"})
    rng = Stream(seed, 3)
    state = "clear"
    until = duration(rng, state, L)
    assert until > 120, "the first scheduled change must come after the command"
    events = []  # (tick, old, new, cause)
    tick_cmd_rain, tick_cmd_clear = 120, 1000
    s.input({"tick": tick_cmd_rain, "op": "weather", "state": "rain", "duration": 240,
             "note": "rain by command; the schedule changes it at tick 360"})
    s.input({"tick": tick_cmd_clear, "op": "weather", "state": "clear",
             "note": "cleared by command; how long it lasts is drawn from the stream"})
    weather_at = {}
    for t in range(L + 60):
        if t >= until:
            new = next_state(rng, state)
            d = duration(rng, new, L)
            events.append((t, state, new, "schedule", t + d))
            state, until = new, t + d
        if t == tick_cmd_rain:
            events.append((t, state, "rain", "command", t + 240))
            state, until = "rain", t + 240
        if t == tick_cmd_clear:
            d = duration(rng, "clear", L)
            events.append((t, state, "clear", "command", t + d))
            state, until = "clear", t + d
        weather_at[t] = state
    # commands apply during the inputs, the schedule after physics: order the
    # events of a tick like the kernel does
    events.sort(key=lambda e: (e[0], e[3] != "command"))
    assert any(e[3] == "schedule" and e[0] == 360 for e in events)
    for t, old, new, cause, nxt in events:
        s.expect({"expect": "event", "tick": t,
                  "match": {"type": "weather_changed", "old": old, "new": new, "until": nxt,
                            "cause": cause}})
    for t in (0, 119, 120, 359, 360, 700, 999, 1000, L + 59):
        tod = (start + t) % L
        w = weather_at[t]
        e = {"expect": "sky", "tick": t, "time": tod, "weather": w, "sky": sky(tod, L, w)}
        s.expect(e)
    # what falls where while it rains: snow on the pillar (at the snow line),
    # rain on a warm column
    s.expect({"expect": "sky", "tick": 200, "weather": "rain", "at": [2, 0], "falls": "snow",
              "note": "the pillar reaches y=10, the snow line"})
    s.expect({"expect": "sky", "tick": 200, "at": [wx, wz],
              "falls": "snow" if cold(seed, wx, wz) else "rain"})
    s.expect({"expect": "sky", "tick": 5, "at": [2, 0], "falls": "clear"})
    s.expect({"expect": "inventory", "tick": 13, "player": 1, "slot": 0, "item": "stone",
              "count": 4, "note": "four placed, four left"})
    s.write()


def crafting_basic():
    layers = [["bedrock", 1], ["stone", 2], ["oak_log", 1]]  # logs at y=3
    players = [
        Player(1, (0, 4, 0), []),
        Player(2, (-12, 4, -12), [{"item": "oak_planks", "count": 3},
                                  {"item": "stick", "count": 2},
                                  {"item": "oak_planks", "count": 2}]),
        Player(3, (10, 4, 10), ["dirt"] * 36),
        Player(4, (-10, 4, 10), ["dirt"] * 35 + [{"item": "oak_log", "count": 2}]),
    ]
    hdr = [{"id": 1, "name": "crafter", "spawn": [0, 4, 0]},
           {"id": 2, "name": "far_away", "spawn": [-12, 4, -12],
            "inventory": [{"item": "oak_planks", "count": 3}, {"item": "stick", "count": 2},
                          {"item": "oak_planks", "count": 2}]},
           {"id": 3, "name": "hoarder", "spawn": [10, 4, 10], "inventory": ["dirt"] * 36,
            "note": "every slot full of dirt"},
           {"id": 4, "name": "packed", "spawn": [-10, 4, 10],
            "inventory": ["dirt"] * 35 + [{"item": "oak_log", "count": 2}]}]
    s = Scenario("crafting_basic", 3, 60, {"generator": "superflat", "chunks": SMALL,
                                           "layers": layers}, hdr,
                 "Break logs, craft planks, sticks and a crafting table, place it, craft a "
                 "wooden pickaxe on it (3x3) and fail to craft one far from it; a full "
                 "inventory loses a drop and refuses a craft whose output has no room. "
                 "Generated by scenarios/tools/world_scenarios.py from its own model of the "
                 "inventory and crafting rules.")
    P = {p.id: p for p in players}
    blocks = {}

    def inp(line):
        s.input(line)
        return line

    def inv_expect(tick, pid, note=None):
        p = P[pid]
        for i, (it, c) in enumerate(p.inv):
            if it:
                e = {"expect": "inventory", "tick": tick, "player": pid, "slot": i,
                     "item": it, "count": c}
                if note:
                    e["note"] = note
                    note = None
                s.expect(e)

    def brk(tick, pid, pos):
        inp({"tick": tick, "player": pid, "op": "break", "pos": list(pos)})
        assert P[pid].reach(*pos)
        old = blocks.get(pos, "oak_log")
        blocks[pos] = "air"
        left = P[pid].give(PACK[old]["drops"], 1)
        if left:
            s.expect({"expect": "event", "tick": tick,
                      "match": {"type": "item_lost", "player": pid, "item": PACK[old]["drops"],
                                "count": left, "cause": "pickup"}})

    def craft(tick, pid, grid, table=None, why=None):
        line = {"tick": tick, "player": pid, "op": "craft", "grid": grid}
        if table:
            line["table"] = list(table)
        inp(line)
        p = P[pid]
        items = [[p.inv[c][0] if c is not None else None for c in row] for row in grid]
        reason = None
        if len(grid) == 3 and not table:
            reason = "needs_table"
        elif table and (blocks.get(table) != "crafting_table"):
            reason = "not_a_table"
        elif table and not p.reach(*table):
            reason = "reach"
        need = {}
        for row in grid:
            for c in row:
                if c is not None:
                    need[c] = need.get(c, 0) + 1
        if not reason and any(p.inv[c][1] < k for c, k in need.items()):
            reason = "not_enough"
        r = None if reason else match(items, table is not None)
        if not reason and r is None:
            reason = "no_recipe"
        if r == "needs_table":
            reason, r = "needs_table", None
        if not reason:
            trial = list(p.inv)
            for c, k in need.items():
                take(trial, c, k)
            saved = p.inv
            p.inv = trial
            res = RECIPES[r]["result"]
            if p.give(res["item"], res.get("count", 1)):
                p.inv = saved
                reason = "inventory_full"
        assert reason == why, (tick, reason, why)
        if reason:
            s.expect({"expect": "event", "tick": tick,
                      "match": {"type": "craft_rejected", "player": pid, "reason": reason}})
        else:
            res = RECIPES[r]["result"]
            s.expect({"expect": "event", "tick": tick,
                      "match": {"type": "crafted", "player": pid, "recipe": recipe_name(r),
                                "item": res["item"], "count": res.get("count", 1),
                                "table": 1 if table else 0}})

    for i, pos in enumerate([(1, 3, 0), (-1, 3, 0), (0, 3, 1)]):
        brk(5 + i, 1, pos)
    inv_expect(7, 1, "three logs broken, three picked up")
    assert P[1].inv[0] == ("oak_log", 3)
    for t in (10, 11, 12):
        craft(t, 1, [[0, None], [None, None]])
    assert P[1].total("oak_planks") == 12 and P[1].total("oak_log") == 0
    s.expect({"expect": "inventory", "tick": 12, "player": 1, "item": "oak_planks", "total": 12,
              "note": "three logs, four planks each"})
    craft(15, 1, [[1, None], [1, None]])
    craft(20, 1, [[1, 1], [1, 1]])
    inv_expect(20, 1, "sticks and a crafting table")
    table_slot = next(i for i, (it, _) in enumerate(P[1].inv) if it == "crafting_table")
    assert table_slot < 9
    inp({"tick": 25, "player": 1, "op": "select", "slot": table_slot})
    inp({"tick": 26, "player": 1, "op": "place", "pos": [2, 3, 0], "face": "up"})
    take(P[1].inv, table_slot, 1)
    blocks[(2, 4, 0)] = "crafting_table"
    s.expect({"expect": "block", "tick": 26, "pos": [2, 4, 0], "block": "crafting_table"})
    craft(30, 1, [[1, 1, 1], [None, 0, None], [None, 0, None]], (2, 4, 0))
    s.expect({"expect": "inventory", "tick": 30, "player": 1, "item": "wooden_pickaxe",
              "total": 1, "note": "crafted on the table"})
    inv_expect(30, 1)
    craft(35, 2, [[0, 0], [0, 0]], None, "not_enough")  # a table needs 4 planks, 3 held
    craft(36, 2, [[0, 0, 2], [None, 1, None], [None, 1, None]], (2, 4, 0), "reach")
    craft(37, 2, [[0, 0, 2], [None, 1, None], [None, 1, None]], None, "needs_table")
    craft(38, 2, [[0, None], [2, None]], None, None)  # sticks need no table
    inv_expect(38, 2, "the 2x2 grid works anywhere")
    brk(40, 3, (11, 3, 10))
    s.expect({"expect": "inventory", "tick": 40, "player": 3, "item": "oak_log", "total": 0,
              "note": "no room: the log was lost"})
    craft(41, 4, [[35, None], [None, None]], None, "inventory_full")
    inv_expect(41, 4)
    s.expect({"expect": "inventory", "tick": 41, "player": 4, "item": "oak_log", "total": 2,
              "note": "a refused craft changes nothing"})
    s.write()


def inventory_ops():
    inv = [{"item": "stone", "count": 64}, {"item": "torch", "count": 10},
           {"item": "torch", "count": 5}, "wooden_pickaxe", "snowball",
           None, {"item": "stone", "count": 5}]
    full = ["dirt"] * 35 + [{"item": "dirt", "count": 63}]
    hdr = [{"id": 1, "name": "sorter", "spawn": [0, 7, 0], "inventory": inv},
           {"id": 2, "name": "full", "spawn": [5, 7, 5], "inventory": full}]
    P = {1: Player(1, (0, 7, 0), inv), 2: Player(2, (5, 7, 5), full)}
    s = Scenario("inventory_ops", 9, 40, {"generator": "superflat", "chunks": SMALL,
                                          "layers": FLAT}, hdr,
                 "Split, merge, swap, move and drop stacks, each refusal once, and a full "
                 "inventory that tops up its one short stack and then loses a drop. "
                 "Generated by scenarios/tools/world_scenarios.py from its own model of the "
                 "inventory rules.")
    assert stack("snowball") == 16 and stack("wooden_pickaxe") == 1
    ops = [
        (5, "inv_split", {"from": 0}, None),
        (6, "inv_merge", {"from": 2, "to": 1}, None),
        (7, "inv_swap", {"from": 3, "to": 9}, None),
        (8, "inv_move", {"from": 5, "to": 20, "count": 10}, None),
        (9, "inv_move", {"from": 20, "to": 0}, None),
        (10, "inv_drop", {"from": 4, "count": 6}, None),
        (11, "inv_move", {"from": 1, "to": 0}, "slot_occupied"),
        (12, "inv_merge", {"from": 5, "to": 0}, None),
        (13, "inv_merge", {"from": 1, "to": 0}, "slot_occupied"),
        (14, "inv_merge", {"from": 6, "to": 0}, "stack_full"),
        (15, "inv_split", {"from": 9}, "not_enough"),
        (16, "inv_drop", {"from": 2}, "empty_slot"),
        (17, "inv_move", {"from": 4, "to": 4}, "bad_argument"),
        (18, "inv_drop", {"from": 9}, None),
        (19, "inv_move", {"from": 6, "to": 7, "count": 6}, "not_enough"),
        (20, "inv_split", {"from": 0, "to": 1}, "slot_occupied"),
        (21, "inv_swap", {"from": 30, "to": 31}, "empty_slot"),
        (22, "inv_move", {"from": 6, "to": 5, "count": 2}, None),
    ]
    for tick, op, args, why in ops:
        s.input(dict({"tick": tick, "player": 1, "op": op}, **args))
        got = inv_op(P[1], op, args)
        assert got == why, (tick, op, got, why)
        if why:
            s.expect({"expect": "event", "tick": tick,
                      "match": {"type": "reject", "player": 1, "op": op, "reason": why}})
        for i, (it, c) in enumerate(P[1].inv):
            touched = i in (args.get("from"), args.get("to"))
            if touched or tick == 22:
                e = {"expect": "inventory", "tick": tick, "player": 1, "slot": i}
                e.update({"item": it, "count": c} if it else {"item": None})
                s.expect(e)
    # by hand: 64 + 5 stone in, 10 + 5 torches, 16 - 6 snowballs, the pickaxe dropped
    assert P[1].total("stone") == 69 and P[1].total("torch") == 15
    assert P[1].total("snowball") == 10 and P[1].total("wooden_pickaxe") == 0
    for item in ("stone", "torch", "snowball", "wooden_pickaxe"):
        s.expect({"expect": "inventory", "tick": 22, "player": 1, "item": item,
                  "total": P[1].total(item)})
    # the full inventory: grass drops dirt; the one short stack takes the first,
    # the second is lost
    for tick, pos in ((30, [5, 6, 6]), (31, [6, 6, 5])):
        s.input({"tick": tick, "player": 2, "op": "break", "pos": pos})
        left = P[2].give("dirt", 1)
        if left:
            s.expect({"expect": "event", "tick": tick,
                      "match": {"type": "item_lost", "player": 2, "item": "dirt", "count": 1,
                                "cause": "pickup"}})
        else:
            s.expect({"expect": "inventory", "tick": tick, "player": 2, "slot": 35,
                      "item": "dirt", "count": 64, "note": "the short stack topped up"})
    assert P[2].total("dirt") == 36 * 64
    s.input({"tick": 32, "player": 2, "op": "inv_split", "from": 0})
    s.expect({"expect": "event", "tick": 32,
              "match": {"type": "reject", "player": 2, "op": "inv_split",
                        "reason": "inventory_full"}})
    s.write()


if __name__ == "__main__":
    day_night()
    weather_cycle()
    crafting_basic()
    inventory_ops()
