/*
 * qk.h - public interface of the quarry simulation kernel.
 *
 * The kernel is a pure function of its inputs: it owns the world state and
 * advances it one fixed tick at a time.  Everything it needs comes from the
 * caller (memory through qk_allocator, the root seed in qk_world_config, the
 * block registry as plain data, the inputs of each tick) and everything it
 * says goes out through a caller-supplied event sink.  It never performs I/O,
 * never reads a clock, never draws unseeded randomness and keeps no floats in
 * state, so the same inputs give the same events and digests, bit for bit,
 * on every compiler, optimisation level and CPU.
 *
 * Units
 *   Block coordinates are int32 (x, z within +-QK_COORD_LIMIT, y in 0..255).
 *   Entity positions are fixed point: qk_fx, 1 block = QK_FX_ONE (4096).
 *   Angles are binary: yaw uint16 (65536 = one turn, 0 faces +z, 16384 faces
 *   -x), pitch int16 (+-16384 = straight down/up, positive looks down).
 *   Ticks are uint64; tick T is the T-th call to qk_step, counting from 0.
 *
 * Ownership
 *   A qk_world is created with qk_world_create or qk_world_restore and freed
 *   with qk_world_destroy.  All memory comes from the caller's allocator.
 *   Functions never abort, exit or longjmp; they return a qk_status and, when
 *   the caller passes a qk_diag, fill it with a static message and offset.
 *   A world is not thread-safe; distinct worlds share nothing.
 */
#ifndef QUARRY_QK_H
#define QUARRY_QK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QK_VERSION_STRING "0.1.0"

/* ===================================================================== */
/* Status and diagnostics                                                */
/* ===================================================================== */

typedef enum qk_status {
    QK_OK = 0,
    QK_ERR_NOMEM,    /* the caller's allocator refused a request */
    QK_ERR_INVALID,  /* an argument or data handed in is malformed */
    QK_ERR_RANGE,    /* a coordinate or value lies outside what is supported */
    QK_ERR_CORRUPT,  /* snapshot bytes are malformed */
    QK_ERR_VERSION,  /* snapshot of another format, or another registry */
    QK_ERR_CAPACITY, /* the caller's buffer is too small */
    QK_ERR_STATE,    /* the world is unusable after an earlier failed step */
    QK_ERR_STALE     /* a versioned read named a revision that has moved on */
} qk_status;

/* Short, stable English name of a status ("out of memory", ...). */
const char *qk_status_str(qk_status s);

/* Optional caller-owned diagnostic.  `what` is a static string; `offset` is
 * a byte offset (snapshots) or an index (inputs, layers) when meaningful. */
typedef struct qk_diag {
    qk_status code;
    const char *what;
    uint64_t offset;
} qk_diag;

/* ===================================================================== */
/* Memory                                                                */
/* ===================================================================== */

/* Lua-style allocator: nsize == 0 frees ptr and returns NULL; otherwise it
 * behaves like realloc(ptr, nsize), osize being ptr's current size (0 when
 * ptr is NULL).  Returning NULL for nsize > 0 means out of memory. */
typedef void *(*qk_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct qk_allocator {
    qk_alloc_fn fn;
    void *ud;
} qk_allocator;

/* ===================================================================== */
/* Numbers                                                               */
/* ===================================================================== */

typedef int64_t qk_fx; /* fixed point, QK_FX_SHIFT fractional bits */
#define QK_FX_SHIFT 12
#define QK_FX_ONE ((qk_fx)1 << QK_FX_SHIFT)

#define QK_CHUNK_W 16
#define QK_CHUNK_H 256
#define QK_SECTION_H 16
#define QK_SECTIONS (QK_CHUNK_H / QK_SECTION_H)
#define QK_COORD_LIMIT 30000000 /* |x|, |z| of any block */
#define QK_MAX_PLAYERS 64
#define QK_INV_SLOTS 36 /* slots of a player's inventory */
#define QK_HOTBAR 9     /* slots 0..8 of the inventory are the hotbar */
#define QK_MAX_BLOCKS 4096 /* registry size limit (blocks and items) */
#define QK_MAX_STACK 64    /* largest stack any item allows */
#define QK_MAX_RECIPES 1024

/* ===================================================================== */
/* Block registry (data handed in by the caller)                         */
/* ===================================================================== */

/* Blocks and items share one id space: every block is also an item (what a
 * player holds and places), and some entries are items only (sticks, tools),
 * which can be held and crafted but never placed. */
typedef uint16_t qk_block_id;
typedef qk_block_id qk_item_id;
#define QK_BLOCK_AIR ((qk_block_id)0)
#define QK_BLOCK_NONE ((qk_block_id)0xFFFF) /* "no block", e.g. drops nothing */

typedef struct qk_block_def {
    bool opaque;       /* stops light; hides neighbouring faces */
    bool solid;        /* collides with entities */
    bool breakable;    /* players may break it (bedrock: false) */
    uint8_t emissive;  /* block light emitted, 0..15 */
    qk_block_id drops; /* item a player gets for breaking it, or QK_BLOCK_NONE */
    /* The fields below default to sensible values when zero, so tables
     * written before they existed keep their meaning. */
    uint8_t max_stack;   /* as an item: most per slot, 1..QK_MAX_STACK; 0 = 64 */
    bool item_only;      /* an item that is never a block: cannot be placed,
                            must be neither opaque, solid nor emissive */
    bool crafting_table; /* a player within reach of it crafts on a 3x3 grid */
} qk_block_def;

/* A crafting recipe.  Shaped recipes are a w x h pattern (1..3 each), row
 * major, QK_BLOCK_AIR marking an empty cell; the pattern must be tight (its
 * first and last row and column each hold an item).  It matches a grid
 * holding the pattern at any offset, as written or mirrored left to right,
 * with every other cell empty.  Shapeless recipes list n_in ingredients
 * (1..9, repeats allowed) and match a grid holding exactly that multiset.
 * A recipe needs a crafting table when it does not fit in 2x2 (w or h of 3,
 * or more than 4 shapeless ingredients). */
#define QK_CRAFT_CELLS 9
typedef struct qk_recipe {
    bool shaped;
    uint8_t w, h;                   /* shaped */
    uint8_t n_in;                   /* shapeless */
    qk_item_id in[QK_CRAFT_CELLS];  /* shaped: w*h cells; shapeless: n_in items */
    qk_item_id out;
    uint8_t out_count;              /* 1..the output's max stack */
} qk_recipe;

/* Entry i describes block (or item) id i.  Entry 0 must be air: not
 * opaque, not solid, not emissive; air is never an item.  No two recipes
 * may match the same grid.  The kernel copies both tables; the caller may
 * free them. */
typedef struct qk_registry {
    const qk_block_def *blocks;
    uint32_t count; /* 1..QK_MAX_BLOCKS */
    const qk_recipe *recipes;
    uint32_t recipe_count; /* 0..QK_MAX_RECIPES */
} qk_registry;

/* ===================================================================== */
/* World configuration                                                   */
/* ===================================================================== */

typedef enum qk_generator {
    QK_GEN_EMPTY = 0, /* all air */
    QK_GEN_SUPERFLAT, /* horizontal layers, bottom up */
    QK_GEN_TERRAIN    /* integer-noise hills with caves */
} qk_generator;

#define QK_MAX_LAYERS 32
typedef struct qk_flat_layer {
    qk_block_id block;
    uint16_t height; /* in blocks; the sum over layers is at most 256 */
} qk_flat_layer;

/* Materials and shape of the terrain generator.  Heights are in blocks. */
typedef struct qk_terrain_params {
    qk_block_id bedrock, stone, dirt, grass;
    uint16_t base_height; /* mean surface height, 1..250 */
    uint16_t amplitude;   /* hills rise and fall about this much, 0..100 */
    uint16_t caves;       /* cave density per mille of underground voxels' band, 0..400 */
} qk_terrain_params;

/* Weather states.  Rain and thunder fall as snow on cold or high columns
 * (qk_precipitation_at); QK_WEATHER_SNOW snows everywhere. */
typedef enum qk_weather {
    QK_WEATHER_CLEAR = 0,
    QK_WEATHER_RAIN,
    QK_WEATHER_SNOW,
    QK_WEATHER_THUNDER,
    QK_WEATHER__COUNT
} qk_weather;

#define QK_DAY_DEFAULT 1440u   /* ticks per game day: one tick = one game minute */
#define QK_DAY_MIN 24u
#define QK_DAY_MAX 1440000u
#define QK_SNOW_LINE_DEFAULT 96u

typedef struct qk_world_config {
    uint64_t seed;
    /* Inclusive rectangle of loaded chunk columns. */
    int32_t cx_min, cz_min, cx_max, cz_max;
    qk_generator generator;
    qk_flat_layer layers[QK_MAX_LAYERS];
    uint32_t layer_count;
    qk_terrain_params terrain;
    /* Time and weather.  Zero values take the defaults. */
    uint32_t day_length;  /* ticks per day, QK_DAY_MIN..QK_DAY_MAX; 0 = 1440 */
    uint32_t start_time;  /* time of day at tick 0 in ticks after midnight,
                             0..day_length-1 (noon is day_length/2) */
    qk_weather weather;   /* weather at tick 0 */
    uint16_t snow_line;   /* rain falls as snow on columns whose highest
                             opaque block is at or above it; 1..255, 0 = 96 */
} qk_world_config;

/* ===================================================================== */
/* Inputs                                                                */
/* ===================================================================== */

typedef enum qk_op {
    QK_OP_JOIN = 1, /* a player enters the world at a spawn point */
    QK_OP_MOVE,     /* held movement keys and look direction */
    QK_OP_JUMP,     /* jump now, if standing on ground */
    QK_OP_PLACE,    /* place the selected hotbar block against a face */
    QK_OP_BREAK,    /* break the block at a position */
    QK_OP_SELECT,   /* select a hotbar slot */
    QK_OP_UNDO,     /* undo a recent edit transaction (a compensating one) */
    QK_OP_INV_MOVE, /* move items into an empty slot or onto the same item */
    QK_OP_INV_SPLIT,/* move half a stack into an empty slot */
    QK_OP_INV_MERGE,/* move as many as fit onto a stack of the same item */
    QK_OP_INV_SWAP, /* exchange two slots */
    QK_OP_INV_DROP, /* throw items out of the world */
    QK_OP_CRAFT,    /* craft once from inventory slots laid out on a grid */
    QK_OP_SET_TIME, /* admin: set the time of day */
    QK_OP_WEATHER,  /* admin: set the weather */
    QK_OP__COUNT
} qk_op;

/* Movement key bits of QK_OP_MOVE. */
#define QK_DIR_FORWARD 1u
#define QK_DIR_BACK 2u
#define QK_DIR_LEFT 4u
#define QK_DIR_RIGHT 8u
#define QK_DIR_MASK 15u

typedef enum qk_face {
    QK_FACE_DOWN = 0, /* -y */
    QK_FACE_UP,       /* +y */
    QK_FACE_NORTH,    /* -z */
    QK_FACE_SOUTH,    /* +z */
    QK_FACE_WEST,     /* -x */
    QK_FACE_EAST,     /* +x */
    QK_FACE__COUNT
} qk_face;

/* One inventory slot.  An empty slot is {QK_BLOCK_AIR, 0}; a full one holds
 * 1..max_stack of an item (never air).  The struct has a padding byte:
 * compare slots field by field, never with memcmp. */
typedef struct qk_slot {
    qk_item_id item;
    uint8_t count;
} qk_slot;
#define QK_SLOT_NONE 0xFFu /* "no slot": an empty craft cell, "any empty slot" */

typedef enum qk_gamemode {
    QK_MODE_SURVIVAL = 0, /* placing spends items, breaking collects drops */
    QK_MODE_CREATIVE      /* placing spends nothing, breaking collects nothing */
} qk_gamemode;

/* One input.  Within a tick, inputs apply in canonical order: clock (a
 * Lamport clock, 0 for local logs), then player id, then seq.  Two inputs
 * with the same (player, seq) in one tick are rejected as duplicates.
 * Admin ops (set_time, weather) come from player 0, the host, or from any
 * joined player; every other op needs a joined player. */
typedef struct qk_input {
    uint64_t tick;
    uint64_t clock;
    uint32_t player; /* 1..UINT32_MAX; 0 is not a player */
    uint32_t seq;
    qk_op op;
    union {
        struct {
            qk_fx x, y, z; /* feet position */
            uint16_t yaw;
            int16_t pitch;
            qk_slot inv[QK_INV_SLOTS]; /* starting inventory, given by the join rule */
            qk_gamemode mode;
        } join;
        struct {
            uint8_t dirs; /* QK_DIR_* bits */
            uint16_t yaw;
            int16_t pitch;
        } move;
        struct {
            int32_t x, y, z; /* the block clicked */
            qk_face face;    /* the new block goes on this side of it */
        } place;
        struct {
            int32_t x, y, z;
        } brk;
        struct {
            uint8_t slot; /* 0..QK_HOTBAR-1 */
        } select;
        struct {
            uint64_t txn; /* id of the player's own edit transaction */
        } undo;
        struct {
            /* move: `count` (0 = all) from `from` into `to`, which is empty
             *       or holds the same item with room for all of them;
             * split: half of `from` (rounded down, at least 1; needs 2 or
             *       more) into empty `to`, QK_SLOT_NONE = first empty slot;
             * merge: as many as fit from `from` onto `to` (same item);
             * swap:  exchange `from` and `to`;
             * drop:  `count` (0 = all) of `from` leave the world. */
            uint8_t from, to;
            uint8_t count;
        } inv;
        struct {
            /* grid[r*size+c] is the slot whose item lies in that cell, or
             * QK_SLOT_NONE; each cell uses one item, and a slot may feed
             * several cells.  size 2 is the inventory grid; size 3 needs a
             * crafting table at (x, y, z) within reach. */
            uint8_t size;
            uint8_t grid[QK_CRAFT_CELLS];
            bool has_table;
            int32_t x, y, z;
        } craft;
        struct {
            uint32_t time; /* ticks after midnight, 0..day_length-1 */
        } set_time;
        struct {
            qk_weather state;
            uint32_t duration; /* ticks until the schedule takes over; 0 = drawn */
        } weather;
    } u;
} qk_input;

/* ===================================================================== */
/* Events                                                                */
/* ===================================================================== */

typedef enum qk_event_type {
    QK_EV_SPAWN = 1, /* a player joined */
    QK_EV_PLAYER,    /* a player's physical state changed this tick */
    QK_EV_BLOCK,     /* a block changed */
    QK_EV_DROP,      /* a broken block dropped an item */
    QK_EV_SELECT,    /* a player selected a hotbar slot */
    QK_EV_REJECT,    /* an input was refused; the world is unchanged by it */
    QK_EV_DIGEST,    /* end of tick: per-subsystem digests and chain hash */
    QK_EV_LIGHT_COMMIT, /* an edit transaction committed (see Transactions) */
    QK_EV_TIME,      /* the day changed phase, or an admin set the time */
    QK_EV_WEATHER,   /* "weather_changed" */
    QK_EV_INVENTORY, /* "inventory_changed": one slot's content changed */
    QK_EV_ITEM_LOST, /* items a rule gave found no room and left the world */
    QK_EV_CRAFTED,   /* a craft input succeeded */
    QK_EV_CRAFT_REJECTED, /* a craft input was refused; nothing changed */
    QK_EV__COUNT
} qk_event_type;

typedef enum qk_cause {
    QK_CAUSE_PLACE = 1,
    QK_CAUSE_BREAK,
    QK_CAUSE_UNDO,     /* a compensating transaction (QK_OP_UNDO) */
    QK_CAUSE_GENERATE, /* world generation (transactions of qk_world_create) */
    QK_CAUSE_JOIN,     /* a joining player's starting inventory */
    QK_CAUSE_PICKUP,   /* a broken block's drop collected */
    QK_CAUSE_MOVE,     /* the inventory ops, by name */
    QK_CAUSE_SPLIT,
    QK_CAUSE_MERGE,
    QK_CAUSE_SWAP,
    QK_CAUSE_DROP,
    QK_CAUSE_CRAFT,
    QK_CAUSE_CYCLE,    /* time: the day moved on by itself */
    QK_CAUSE_SCHEDULE, /* weather: the seeded schedule */
    QK_CAUSE_COMMAND,  /* time, weather: an admin input */
    QK_CAUSE__COUNT
} qk_cause;

typedef enum qk_reason {
    QK_REASON_REACH = 1,     /* target farther than the reach limit */
    QK_REASON_OUT_OF_WORLD,  /* target outside the loaded chunks or 0..255 */
    QK_REASON_OCCUPIED,      /* place: target is not air */
    QK_REASON_NO_SUPPORT,    /* place: the clicked block is air */
    QK_REASON_INTERSECTS,    /* place: the block would overlap a player */
    QK_REASON_EMPTY_HAND,    /* place: selected slot is empty */
    QK_REASON_NOTHING,       /* break: target is air */
    QK_REASON_UNBREAKABLE,   /* break: block is not breakable */
    QK_REASON_UNKNOWN_PLAYER,/* the input names no joined player */
    QK_REASON_ALREADY_JOINED,/* join: id already in the world */
    QK_REASON_DUPLICATE,     /* same (player, seq) twice in a tick */
    QK_REASON_BAD_ARGUMENT,  /* slot or face out of range, bad block id */
    QK_REASON_FULL,          /* join: QK_MAX_PLAYERS already present */
    QK_REASON_UNKNOWN_TXN,   /* undo: no such transaction in the recent log */
    QK_REASON_NOT_YOURS,     /* undo: the transaction is another player's */
    QK_REASON_CONFLICT,      /* undo: the block has changed since */
    QK_REASON_EMPTY_SLOT,    /* inventory: the source slot is empty (merge: or
                                the target; swap: both) */
    QK_REASON_SLOT_OCCUPIED, /* inventory: the target holds another item */
    QK_REASON_STACK_FULL,    /* inventory: no room on the target stack */
    QK_REASON_NOT_ENOUGH,    /* fewer items than the op needs */
    QK_REASON_INVENTORY_FULL,/* no empty slot / the result does not fit */
    QK_REASON_NOT_PLACEABLE, /* place: the held item is not a block */
    QK_REASON_NO_RECIPE,     /* craft: the grid matches no recipe */
    QK_REASON_NEEDS_TABLE,   /* craft: a 3x3 grid without a crafting table */
    QK_REASON_NOT_A_TABLE,   /* craft: the named block is not a crafting table */
    QK_REASON__COUNT
} qk_reason;

typedef enum qk_subsys {
    QK_SUB_BLOCKS = 0,
    QK_SUB_ENTITIES,
    QK_SUB_LIGHT, /* both light channels of every loaded voxel */
    QK_SUB_INVENTORY, /* every player's slots, selection and game mode */
    QK_SUB_TIME,      /* the day clock and its phase */
    QK_SUB_WEATHER,   /* weather state, next change, its random stream */
    QK_SUB__COUNT
} qk_subsys;

/* One chunk column a transaction committed to, with its revisions after
 * the commit.  A transaction spans at most the 3x3 columns around its edit. */
#define QK_TXN_MAX_CHUNKS 9
typedef struct qk_commit_chunk {
    int32_t cx, cz;
    uint64_t geometry, light; /* qk_chunk_revs after the commit */
} qk_commit_chunk;

/* Phases of the day, from the sun curve (qk_sun_curve): night while it is
 * 0, day while it is 1, dawn and dusk in between (before and after noon). */
typedef enum qk_phase {
    QK_PHASE_NIGHT = 0,
    QK_PHASE_DAWN,
    QK_PHASE_DAY,
    QK_PHASE_DUSK,
    QK_PHASE__COUNT
} qk_phase;

typedef struct qk_event {
    uint64_t tick;
    qk_event_type type;
    union {
        struct {
            uint32_t player;
            qk_fx x, y, z;
        } spawn;
        struct {
            uint32_t player;
            qk_fx x, y, z;
            qk_fx vx, vy, vz;
            uint16_t yaw;
            int16_t pitch;
            bool on_ground;
        } player;
        struct {
            int32_t x, y, z;
            qk_block_id block, prev;
            qk_cause cause;
            uint32_t player;
        } block;
        struct {
            uint32_t player;
            qk_block_id item;
            int32_t x, y, z;
        } drop;
        struct {
            uint32_t player;
            uint8_t slot;
            qk_block_id block; /* what the slot holds, or QK_BLOCK_NONE */
        } select;
        struct {
            uint32_t player;
            uint32_t seq;
            qk_op op;
            qk_reason reason;
        } reject;
        struct {
            uint64_t sub[QK_SUB__COUNT];
            uint64_t chain;
        } digest;
        struct {
            uint64_t txn;
            uint32_t player;  /* whose edit; 0 for world generation */
            qk_cause cause;
            int32_t x, y, z;  /* the edited voxel */
            uint32_t n_chunks;/* chunks whose revisions moved, Morton order */
            qk_commit_chunk chunks[QK_TXN_MAX_CHUNKS];
        } commit;
        struct {
            uint64_t day;     /* days since day 0 */
            uint32_t time;    /* ticks after midnight */
            qk_phase phase;
            qk_fx sky;        /* the sky scalar after it (qk_time_state.sky) */
            qk_cause cause;   /* cycle or command */
        } time;
        struct {
            qk_weather old, now;
            uint64_t until;   /* tick of the next scheduled change */
            qk_cause cause;   /* schedule or command */
        } weather;
        struct {
            uint32_t player;
            uint8_t slot;
            qk_slot before, after;
            qk_cause cause;
        } inv;
        struct {
            uint32_t player;
            qk_item_id item;
            uint32_t count;
            qk_cause cause;   /* pickup: a broken block's drop had no room (crafts
                                 and undos are refused instead) */
        } lost;
        struct {
            uint32_t player;
            uint32_t recipe;  /* index in the registry's recipe table */
            uint32_t n_inputs;/* distinct items consumed, ascending id */
            qk_slot inputs[QK_CRAFT_CELLS];
            qk_slot output;
            bool table;       /* crafted on a crafting table */
        } crafted;
        struct {
            uint32_t player;
            uint32_t seq;
            qk_reason reason;
        } craft_rejected;
    } u;
} qk_event;

typedef void (*qk_event_fn)(void *ud, const qk_event *ev);

typedef struct qk_sink {
    qk_event_fn fn; /* may be NULL: events are dropped */
    void *ud;
} qk_sink;

/* Stable lower-case names used in event streams and scenarios. */
const char *qk_op_name(qk_op op);
const char *qk_event_name(qk_event_type t);
const char *qk_cause_name(qk_cause c);
const char *qk_reason_name(qk_reason r);
const char *qk_subsys_name(qk_subsys s);
const char *qk_face_name(qk_face f);
const char *qk_weather_name(qk_weather w);
const char *qk_phase_name(qk_phase p);
const char *qk_mode_name(qk_gamemode m);

/* ===================================================================== */
/* World lifetime                                                        */
/* ===================================================================== */

typedef struct qk_world qk_world;

/* Creates a world at tick 0 and generates every chunk of cfg's rectangle.
 * Errors: QK_ERR_INVALID (bad config or registry), QK_ERR_RANGE (rectangle
 * outside the coordinate limit or larger than 4096 columns), QK_ERR_NOMEM.
 * On error *out is NULL and nothing is leaked. */
qk_status qk_world_create(qk_world **out, const qk_world_config *cfg,
                          const qk_registry *reg, const qk_allocator *alloc,
                          qk_diag *diag);

void qk_world_destroy(qk_world *w);

/* ===================================================================== */
/* Stepping                                                              */
/* ===================================================================== */

/* Runs tick T = qk_world_tick(w): applies `inputs` (all must carry tick T) in
 * canonical order, simulates, emits events through `sink`, and ends the tick
 * with a QK_EV_DIGEST event.  Reorders `inputs` in place.
 * Errors: QK_ERR_INVALID (an input for another tick, or an unknown op; the
 * world is unchanged), QK_ERR_NOMEM (the world is then unusable and every
 * later call returns QK_ERR_STATE). */
qk_status qk_step(qk_world *w, qk_input *inputs, size_t n,
                  const qk_sink *sink, qk_diag *diag);

/* ===================================================================== */
/* Queries                                                               */
/* ===================================================================== */

/* The tick the next qk_step will run (= number of steps taken). */
uint64_t qk_world_tick(const qk_world *w);

const qk_world_config *qk_world_config_of(const qk_world *w);

/* Block at a voxel.  QK_ERR_RANGE outside the loaded chunks or 0..255. */
qk_status qk_block_at(const qk_world *w, int32_t x, int32_t y, int32_t z,
                      qk_block_id *out);

/* The world's copy of block `id`'s registry entry, or NULL for an id the
 * registry does not have.  Readers such as the renderer ask it whether a
 * block is opaque. */
const qk_block_def *qk_block_def_of(const qk_world *w, qk_block_id id);

/* Copies section sy (0..QK_SECTIONS-1, bottom up) of column (cx, cz):
 * out[4096] gets its block ids, voxel (y & 15) << 8 | z << 4 | x.  For
 * readers of whole columns (the renderer's mesher): one call instead of
 * 4,096 qk_block_at.  O(4096).  QK_ERR_RANGE for an unloaded column or sy
 * out of range (out untouched). */
qk_status qk_section_blocks(const qk_world *w, int32_t cx, int32_t cz, uint32_t sy,
                            qk_block_id *out);

/* Light at a voxel: skylight and block light, each 0..15.  The lit state
 * is the unique fixed point of L = max(source, max over the 6 neighbours of
 * L - 1), opaque voxels holding only their own emission; skylight's source
 * is 15 above the column's highest opaque block.  It is always up to date
 * after qk_world_create, qk_world_restore and every qk_step.
 * QK_ERR_RANGE outside the loaded chunks or 0..255. */
qk_status qk_light_at(const qk_world *w, int32_t x, int32_t y, int32_t z,
                      uint8_t *sky, uint8_t *block);

/* Per-chunk revisions: `geometry` counts block changes in the column (a
 * renderer re-meshes when it moves), `light` counts committed light changes
 * (it re-uploads light only).  A light-only change never moves `geometry`. */
typedef struct qk_chunk_revs {
    uint64_t geometry;
    uint64_t light;
} qk_chunk_revs;
qk_status qk_chunk_revisions(const qk_world *w, int32_t cx, int32_t cz,
                             qk_chunk_revs *out);

typedef struct qk_player_state {
    uint32_t id;
    qk_fx x, y, z;
    qk_fx vx, vy, vz;
    uint16_t yaw;
    int16_t pitch;
    uint8_t dirs;
    bool on_ground;
    uint8_t slot;                 /* selected hotbar slot, 0..QK_HOTBAR-1 */
    qk_slot inv[QK_INV_SLOTS];    /* inv[0..QK_HOTBAR) is the hotbar */
    qk_gamemode mode;
} qk_player_state;

/* Number of players; players are indexed 0..n-1 in ascending id order. */
uint32_t qk_player_count(const qk_world *w);
qk_status qk_player_at(const qk_world *w, uint32_t index, qk_player_state *out);
qk_status qk_player_get(const qk_world *w, uint32_t id, qk_player_state *out);

typedef struct qk_digests {
    uint64_t sub[QK_SUB__COUNT];
    uint64_t chain; /* H(t) after the last step; a seed-derived H(-1) before */
} qk_digests;

void qk_world_digests(const qk_world *w, qk_digests *out);

/* Digest of one subsystem's share of one chunk column (QK_SUB_BLOCKS and
 * QK_SUB_LIGHT), for tools that localise a divergence.  QK_ERR_RANGE if the chunk
 * is not loaded, QK_ERR_INVALID for a subsystem without per-chunk digests. */
qk_status qk_chunk_digest(qk_world *w, int32_t cx, int32_t cz, qk_subsys sub,
                          uint64_t *out);

/* Bytes currently held from the allocator, and loaded chunk count. */
size_t qk_world_memory(const qk_world *w);
uint32_t qk_chunk_count(const qk_world *w);

/* ===================================================================== */
/* Time of day, weather and crafting                                     */
/* ===================================================================== */

/* Simulation time is the tick counter: tick T runs at day clock
 * start_time + T (ticks after day 0's midnight) until an admin set_time
 * moves it.  Nothing reads a wall clock.
 *
 * The sun's brightness over the day is a fixed-point curve: 0 through the
 * night, 1 through the day, rising and falling smoothly (a smoothstep of the
 * sun's height) around 06:00 and 18:00; full at noon, lowest at midnight.
 * The sky scalar is what skylight is multiplied by:
 *     sky = (QK_SKY_NIGHT + (1 - QK_SKY_NIGHT) * sun) * weather factor
 * with weather factor 1 (clear), 11/16 (rain, snow) or 121/256 (thunder).
 * Light data never changes as time passes; readers scale it. */
#define QK_SKY_NIGHT ((qk_fx)(QK_FX_ONE / 5))

/* Sun brightness, 0..QK_FX_ONE, at `time` ticks after midnight of a day of
 * `day_length` ticks (a pure function; same curve for every world): the
 * true curve rounded to the nearest unit, exactly symmetric around noon.
 * `time` is taken modulo the day; day_length 0 means QK_DAY_DEFAULT. */
qk_fx qk_sun_curve(uint32_t time, uint32_t day_length);

typedef struct qk_time_state {
    uint64_t day;         /* days since day 0 */
    uint32_t time;        /* ticks after midnight, 0..day_length-1 */
    uint32_t day_length;
    qk_phase phase;
    qk_fx sun;            /* qk_sun_curve(time, day_length) */
    qk_fx sky;            /* sky scalar: sun and weather, QK_FX_ONE = full */
    qk_weather weather;
    uint64_t weather_until; /* tick of the next scheduled weather change */
} qk_time_state;

/* The clock of the last tick stepped (of tick 0 before the first step). */
void qk_world_time(const qk_world *w, qk_time_state *out);

/* Effective skylight at a voxel: skylight x sky scalar, in fixed point
 * (0..15 * QK_FX_ONE).  QK_ERR_RANGE outside the loaded world. */
qk_status qk_sky_effective(const qk_world *w, int32_t x, int32_t y, int32_t z,
                           qk_fx *out);

/* What falls on column (x, z) now: QK_WEATHER_CLEAR (nothing), RAIN or
 * SNOW (thunder falls as rain).  Rain and thunder fall as snow on a column
 * whose highest opaque block is at or above the snow line, or that lies in
 * a cold region (a seeded 128x128-block pattern).  QK_ERR_RANGE outside
 * the loaded world. */
qk_status qk_precipitation_at(const qk_world *w, int32_t x, int32_t z,
                              qk_weather *out);

/* Matches a crafting grid (size 2 or 3, grid[r*size+c], QK_BLOCK_AIR for
 * empty cells) against the world's recipes.  Returns the recipe index, or
 * -1 when none matches.  `table`: whether 3x3-only recipes may match.
 * O(recipes) with an early reject on the grid's item count. */
int32_t qk_craft_match(const qk_world *w, const qk_item_id *grid, uint32_t size,
                       bool table);

/* The world's copy of recipe i, or NULL. */
const qk_recipe *qk_recipe_at(const qk_world *w, uint32_t i);
uint32_t qk_recipe_count(const qk_world *w);

/* ===================================================================== */
/* Transactions and workers                                              */
/* ===================================================================== */

/* Every block edit is an edit transaction with an id from one counter that
 * only grows (world generation takes ids 1..chunk count, in key order).
 * During a step, edits change blocks at once, in canonical input order;
 * their light work runs after the inputs, each transaction against an
 * immutable view of the 3x3 columns around its edit, writing copies of the
 * sections it touches.  Commits then go in id order: a commit checks that
 * the geometry and light revisions it read are still current (else the
 * work is redone against the newer state), swaps its sections in, moves
 * the revisions of the columns whose light changed and emits one
 * QK_EV_LIGHT_COMMIT.  Every transaction of a tick commits within that
 * tick, so between steps nothing is pending.  Because a commit is always
 * computed against the state all earlier transactions left, the events
 * and digests do not depend on how many workers ran the work. */

/* Runs task(arg, i, worker) for every i in 0..n-1 and returns when all
 * are done.  `worker` (0..count-1) names the thread running the call; two
 * calls running at the same time never share one.  Tasks never allocate
 * through the world's allocator and never touch the same memory. */
typedef void (*qk_task_fn)(void *arg, uint32_t i, uint32_t worker);
typedef struct qk_workers {
    uint32_t count; /* 1..QK_MAX_WORKERS */
    void (*run)(void *ud, uint32_t n, qk_task_fn task, void *arg);
    void *ud;
} qk_workers;
#define QK_MAX_WORKERS 64

/* Lets later steps run light work on the caller's workers (NULL: on the
 * calling thread).  The pool must outlive its use by w; the kernel copies
 * the struct.  Output never depends on it.  Errors: QK_ERR_INVALID (count),
 * QK_ERR_NOMEM (per-worker scratch). */
qk_status qk_world_set_workers(qk_world *w, const qk_workers *workers);

/* Id the next transaction will get. */
uint64_t qk_txn_next(const qk_world *w);

/* A column's last commits, newest first (the kernel keeps QK_TXN_HISTORY
 * per column; they travel in snapshots). */
#define QK_TXN_HISTORY 4
typedef struct qk_txn_record {
    uint64_t txn, tick;       /* tick: the tick it committed in (0 for generation) */
    qk_cause cause;
    uint32_t player;
    uint64_t geometry, light; /* the column's revisions right after it */
} qk_txn_record;
/* Fills out[0..n) (n <= QK_TXN_HISTORY) and returns n.  0 for an
 * unloaded column. */
uint32_t qk_txn_history(const qk_world *w, int32_t cx, int32_t cz,
                        qk_txn_record out[QK_TXN_HISTORY]);

/* Transactions created but not committed.  Always 0 between steps (see
 * above); a stepping tool that stops inside a tick would see them. */
uint32_t qk_txn_pending(const qk_world *w);

/* Versioned read: copies a column's light as it is at light revision `rev`
 * into out[QK_CHUNK_LIGHT_BYTES]: for channel 0 (sky) then 1 (block), for
 * each section bottom up, 2048 bytes of nibbles (voxel i = (y&15)<<8|z<<4|x
 * in byte i/2, low nibble first).  QK_ERR_STALE if the column's light has
 * moved past `rev` (or `rev` is from the future): the caller gets a
 * consistent view or none.  QK_ERR_RANGE for an unloaded column. */
#define QK_CHUNK_LIGHT_BYTES (2 * QK_SECTIONS * 2048)
qk_status qk_light_read(const qk_world *w, int32_t cx, int32_t cz, uint64_t rev,
                        uint8_t *out);

/* ===================================================================== */
/* Snapshots                                                             */
/* ===================================================================== */

/* A snapshot is the whole state as little-endian bytes, independent of the
 * host and of the in-memory representation (palettes are written compacted),
 * so snapshot(restore(s)) == s and restoring then stepping gives the same
 * events and digests as never stopping. */

/* Exact byte size qk_snapshot_write will need. */
size_t qk_snapshot_size(const qk_world *w);

/* Writes the snapshot into buf[0..cap).  QK_ERR_CAPACITY if cap is short
 * (buf's contents are then undefined); QK_ERR_STATE after a failed step. */
qk_status qk_snapshot_write(const qk_world *w, uint8_t *buf, size_t cap,
                            size_t *written);

/* Rebuilds a world from snapshot bytes.  The registry must be the one the
 * snapshot was taken with (QK_ERR_VERSION otherwise).  Malformed bytes give
 * QK_ERR_CORRUPT with diag->offset at the first bad byte; never a crash. */
qk_status qk_world_restore(qk_world **out, const uint8_t *buf, size_t len,
                           const qk_registry *reg, const qk_allocator *alloc,
                           qk_diag *diag);

/* ===================================================================== */
/* Saves: a world record and one record per chunk column                  */
/* ===================================================================== */

/* A save splits the state so that a store (adapters/region) can keep each
 * column on its own and skip what it can regenerate:
 *  - the world record: configuration, registry hash, tick, chain, clock,
 *    weather and its stream, the transaction counter and undo log, and
 *    every player with its inventory (little-endian, XXH3-checked);
 *  - one chunk record per column.  A column exactly as world creation left
 *    it (blocks, light revisions and commit history all untouched) is the
 *    one byte QK_CHUNK_GENERATED: loading regenerates it from the seed and
 *    generator in the world record.  A column whose blocks were never
 *    edited but whose light a neighbour's edit changed is QK_CHUNK_RELIT:
 *    its revisions and last commits, the blocks regenerated.  Any other
 *    column is QK_CHUNK_STORED: its revisions, last commits and 16
 *    sections in canonical palette form.
 * Light is never stored: it is the unique fixed point of the blocks and
 * loading relights (docs/formats.md says why).  The bytes depend only on
 * the state, so save(load(save(w))) == save(w) byte for byte, and loading
 * then stepping gives the same events and digests as never stopping. */
#define QK_CHUNK_GENERATED 0u
#define QK_CHUNK_STORED 1u
#define QK_CHUNK_RELIT 2u
/* Largest chunk record: kind, revisions, history, 16 raw sections. */
#define QK_CHUNK_RECORD_MAX                                                    \
    (1 + 8 + 8 + 1 + QK_TXN_HISTORY * 41 + QK_SECTIONS * (2 + 2 * 4096))

/* Exact size of the world record, and the record itself (QK_ERR_CAPACITY
 * when cap is short; QK_ERR_STATE after a failed step or while loading). */
size_t qk_save_world_size(const qk_world *w);
qk_status qk_save_world(const qk_world *w, uint8_t *buf, size_t cap, size_t *written);

/* Writes column (cx, cz)'s record (at most QK_CHUNK_RECORD_MAX bytes;
 * buf[0] is its kind).  QK_ERR_RANGE for a column outside the world.
 * Reads w only: columns may be encoded from several threads at once. */
qk_status qk_save_chunk(const qk_world *w, int32_t cx, int32_t cz, uint8_t *buf, size_t cap,
                        size_t *written);

/* Loading is three calls.  qk_load_begin checks a world record against the
 * registry (QK_ERR_VERSION for another registry or format, QK_ERR_CORRUPT
 * with diag->offset otherwise) and creates the world it describes, every
 * column generated; the world cannot step until qk_load_finish.
 * qk_load_chunk installs one column's record, once per column: on any
 * error (QK_ERR_CORRUPT with diag->offset into rec, QK_ERR_RANGE, or
 * QK_ERR_INVALID for a column given twice) the column stays as generated,
 * so a caller may go on and salvage the rest of the world.
 * qk_load_finish requires a record for every column (QK_ERR_INVALID with
 * diag->offset = the key-order index of the first one missing), relights,
 * and makes the world ready to step; on error the world stays loading and
 * the caller destroys it. */
qk_status qk_load_begin(qk_world **out, const uint8_t *rec, size_t len, const qk_registry *reg,
                        const qk_allocator *alloc, qk_diag *diag);
qk_status qk_load_chunk(qk_world *w, int32_t cx, int32_t cz, const uint8_t *rec, size_t len,
                        qk_diag *diag);
qk_status qk_load_finish(qk_world *w, qk_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_QK_H */
