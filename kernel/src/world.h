/*
 * world.h - the kernel's state, shared by its modules (never installed).
 *
 * A qk_world is plain data reachable from one struct: the configuration it
 * was made from, a private copy of the block registry, the chunk columns of
 * a fixed rectangle stored in one array in key order, the players sorted by
 * id, and the tick and chained digest.  Nothing in it is a pointer into
 * caller memory, and no module keeps state anywhere else, so snapshots
 * (snapshot.c) can capture it whole and two worlds never interfere.
 *
 * Key order, used for every iteration that can reach an output: chunks by
 * (cx, cz) ascending (cx major), players by id ascending.
 */
#ifndef QK_INTERNAL_WORLD_H
#define QK_INTERNAL_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"
#include "chunk.h"
#include "diag.h"
#include "mem.h"
#include "rng.h"
#include "quarry/qk.h"
#include "txn.h"

#define QK_MAX_CHUNKS 4096u

typedef struct qk__player {
    qk_player_state s; /* the state; s.id is the key */
    bool jump;         /* a jump was requested this tick */
    qk_player_state shown; /* physical state last reported by a player event */
} qk__player;

struct qk_world {
    qk__mem mem;
    qk_world_config cfg;
    qk_block_def *blocks; /* copy of the registry, block_count entries,
                             max_stack resolved (never 0) */
    uint32_t block_count;
    qk_recipe *recipes;   /* copy of the registry's recipes */
    uint32_t recipe_count;
    uint64_t registry_hash;

    uint32_t span_x, span_z; /* rectangle size in chunks */
    uint32_t chunk_count;
    qk__chunk *chunks; /* index (cx - cx_min) * span_z + (cz - cz_min) */

    uint64_t tick;   /* next tick to run */
    uint64_t chain;  /* H(tick - 1) */
    qk_digests last; /* digests at the end of the last tick */

    uint32_t n_players;
    qk__player players[QK_MAX_PLAYERS];

    /* Time and weather (sky.c).  The day clock of the tick being run (of
     * the last one run, between steps) is `daytime` ticks after day 0's
     * midnight; `phase` is its phase as last announced. */
    uint32_t day_length;  /* resolved from cfg (never 0) */
    uint16_t snow_line;   /* resolved from cfg (never 0) */
    uint64_t daytime;
    qk_phase phase;
    qk_weather weather;
    uint64_t weather_until; /* tick of the next scheduled change */
    qk__rng weather_rng;    /* QK_STREAM_WEATHER */

    qk__scratch scratch; /* light propagation scratch of the caller's thread */

    /* Edit transactions (txn.h) */
    uint64_t next_txn;            /* id of the next transaction */
    qk__txn *txns;                /* pending, in id order */
    uint32_t n_txns, cap_txns;
    qk__undo_entry undo[QK_UNDO_LOG]; /* recent edits, a ring */
    uint64_t undo_next;           /* edits ever logged */
    uint64_t txn_redone;          /* executions thrown away (stale or starved) */
    qk_workers pool;
    bool has_pool;
    qk__scratch *wscratch;        /* [pool.count] */
    uint32_t wblocks;             /* fill of each worker's block stack */
    size_t wqcap;                 /* capacity of each worker's queues */

    bool failed; /* a step ran out of memory: the state is unusable */

    /* Between qk_load_begin and qk_load_finish (save.c): the world cannot
     * step or be saved; load_seen[i] marks columns given a record. */
    bool loading;
    uint8_t *load_seen;   /* [chunk_count] */
};

/* ---- registry.c ---- */

/* Validates reg (see qk.h) and copies it into w. */
qk_status qk__registry_copy(qk_world *w, const qk_registry *reg, qk_diag *diag);
/* Canonical hash of a registry's defs (max_stack resolved) and recipes:
 * ties snapshots to their registry. */
uint64_t qk__registry_hash(const qk_block_def *defs, uint32_t count, const qk_recipe *recipes,
                           uint32_t recipe_count);

/* ---- craft.c ---- */

/* Validates reg's recipes (see qk_recipe): shapes, item ids (registered,
 * not air), output counts within the output's stack, and that no two
 * recipes can match the same grid.  diag->offset is the recipe index. */
qk_status qk__recipes_check(const qk_registry *reg, qk_diag *diag);

/* ---- world.c ---- */

/* Allocates w with cfg and registry, chunks zeroed (all air), no content. */
qk_status qk__world_alloc(qk_world **out, const qk_world_config *cfg,
                          const qk_registry *reg, const qk_allocator *alloc,
                          qk_diag *diag);
/* Checks the chunk rectangle of cfg. */
qk_status qk__world_check_rect(const qk_world_config *cfg, qk_diag *diag);

/* Last step of create and restore: the digests of the loaded state become
 * the world's current ones, and the world is handed out. */
void qk__world_finish(qk_world *w, qk_world **out);

qk__chunk *qk__world_chunk(const qk_world *w, int32_t cx, int32_t cz);

/* Block at a voxel; false (and *out = 0) outside the loaded world. */
bool qk__world_get(const qk_world *w, int64_t x, int64_t y, int64_t z, qk_block_id *out);

/* Sets a voxel inside the loaded world (asserted). */
qk_status qk__world_set(qk_world *w, int32_t x, int32_t y, int32_t z,
                        qk_block_id id, qk_block_id *prev);

/* The one way the simulation changes a block: sets it and, if it changed,
 * begins its edit transaction (txn.h); light follows when the step's light
 * phase (qk__txn_commit_all) commits it.  QK_ERR_RANGE outside the world,
 * QK_ERR_NOMEM. */
qk_status qk__world_edit(qk_world *w, int32_t x, int32_t y, int32_t z,
                         qk_block_id id, qk_block_id *prev, uint32_t player,
                         qk_cause cause);

/* Lights the whole world from scratch, in place, and releases the
 * propagation scratch (restore: revisions come from the snapshot). */
qk_status qk__world_light_all(qk_world *w);

/* Index of player id in w->players, or -1. O(log n). */
int qk__player_find(const qk_world *w, uint32_t id);

/* Frees the loading buffers (qk_world_destroy, qk_load_finish). */
void qk__load_release(qk_world *w);

/* ---- digest.c ---- */

/* Computes this tick's digests, advances the chain, fills w->last. */
void qk__digest_tick(qk_world *w);
/* Digests of the current state without advancing the chain. */
void qk__digest_current(qk_world *w, uint64_t sub[QK_SUB__COUNT]);
/* H(-1): the chain's starting value for a seed. */
uint64_t qk__chain_origin(uint64_t seed);
/* A player's canonical records, as hashed and as stored in snapshots:
 * the physical one (entities) and the inventory one. */
#define QK_PLAYER_RECORD (4 + 6 * 8 + 2 + 2 + 2)
void qk__put_player(qk__wbuf *b, const qk_player_state *p);
#define QK_INVENTORY_RECORD (4 + 1 + 1 + 3 * QK_INV_SLOTS)
void qk__put_inventory(qk__wbuf *b, const qk_player_state *p);

/* ---- inventory.c ---- */

/* Is s canonical: empty ({air, 0}) or 1..max_stack of a registered item?
 * (The inventory rules keep every slot so; restore checks snapshots.) */
bool qk__slot_ok(const qk_world *w, qk_slot s);

/* ---- sky.c ---- */

/* Sets the clock and weather of a new world from w->cfg (create): resolves
 * day_length and snow_line, daytime = start_time, phase from the curve,
 * weather = cfg.weather with its first duration drawn from the stream. */
qk_status qk__sky_init(qk_world *w, qk_diag *diag);

/* ---- player.c ---- */

/* Advances one player's physics by one tick. */
void qk__player_physics(qk_world *w, qk__player *p);
/* Is the player standing on something (a solid cell right under its feet)? */
bool qk__player_grounded(const qk_world *w, const qk__player *p);
/* Does the player's box overlap the block cell (x, y, z)? */
bool qk__player_overlaps(const qk__player *p, int32_t x, int32_t y, int32_t z);
/* Squared distance, in fx^2, from the player's eyes to a block's centre. */
int64_t qk__player_reach2(const qk__player *p, int32_t x, int32_t y, int32_t z);

#define QK_REACH_FX ((qk_fx)(QK_FX_ONE * 9 / 2)) /* 4.5 blocks */

#endif /* QK_INTERNAL_WORLD_H */
