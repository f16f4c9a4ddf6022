/*
 * txn.h - edit transactions: how light work is isolated, validated and
 * committed (MVCC over chunk columns).
 *
 * Every block edit becomes a transaction the moment its block is written:
 * it gets the next id, and records the voxel, its old and new block and how
 * the column's heightmap moved.  Blocks (geometry) change at once, so the
 * inputs later in the tick see them; light changes only at commit.
 *
 * The light phase of a step (qk__txn_commit_all) then works through the
 * pending transactions in id order:
 *
 *   execute   A transaction reads the 3x3 columns around its edit (its
 *             region) and never writes them: every section it would change
 *             is first copied into its overlay (copy on write per section
 *             and channel), and all its writes go there.  It records the
 *             geometry and light revision of each column it read.  With a
 *             worker pool (qk_world_set_workers) all pending transactions
 *             execute at once, each against the state the previous commit
 *             phase left, which nobody writes while they run.
 *   validate  In id order, a transaction's recorded revisions are compared
 *             with the columns' current ones.  If an earlier commit moved
 *             one (it changed light the transaction read), the work is
 *             stale: the overlay is dropped and the transaction executes
 *             again, now against the newer state.  Without workers each
 *             transaction executes right before its commit, so it is
 *             always current.
 *   commit    The overlay's sections are compared with the columns' and the
 *             ones that differ are swapped in, column by column in Morton
 *             order of (cx, cz); each column whose light changed gets its
 *             light revision moved once, and one QK_EV_LIGHT_COMMIT lists
 *             the columns whose revisions moved.  Nothing outside the
 *             commit can observe a column between two of its swaps, so a
 *             reader sees all of a transaction's light or none of it.
 *
 * Why the output never depends on the worker count: a committed overlay is
 * always the work of its transaction against the exact state every earlier
 * transaction left (validation guarantees it), so the sequence of states,
 * revisions and events is that of running the transactions one by one in
 * id order.  Workers change only how much work is done twice.
 *
 * Commits are serial, on the caller's thread, so they take no locks; the
 * Morton order is the order their effects are applied and listed in.
 *
 * Memory: workers cannot call the caller's allocator (it need not be
 * thread-safe), so each worker has scratch - two queues and a stack of
 * 2 KiB nibble blocks - filled on the caller's thread before the workers
 * run.  A worker that runs short gives up on that transaction; it is
 * executed again on the caller's thread, and the worker's scratch grows
 * for next time.
 */
#ifndef QK_INTERNAL_TXN_H
#define QK_INTERNAL_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "light.h"
#include "quarry/qk.h"

/* What a transaction's light work is. */
typedef enum qk__txn_kind {
    QK__TXN_EDIT = 0,   /* one voxel changed */
    QK__TXN_GENERATE    /* a freshly generated column: seed and spread its light */
} qk__txn_kind;

typedef struct qk__txn {
    uint64_t id;
    qk__txn_kind kind;
    qk_cause cause;
    uint32_t player;
    int32_t cx, cz;          /* centre column */
    int32_t x, y, z;         /* the voxel (EDIT) */
    qk_block_id old, now;
    int16_t h_old, h_new;    /* its column's highest opaque y before and after */
    bool light_work;         /* false: the edit cannot change light */

    /* Execution (txn.c, light.c) */
    bool executed;
    qk_status st;
    uint64_t read_geometry[9], read_light[9]; /* [i*3+k] for column (cx-1+i, cz-1+k) */
    qk__overlay ov;
} qk__txn;

/* Geometry side of an edit (world.c calls it after storing the block):
 * moves the column's heightmap and geometry revision and queues the
 * transaction.  QK_ERR_NOMEM if the pending list cannot grow. */
qk_status qk__txn_begin_edit(struct qk_world *w, int32_t x, int32_t y, int32_t z,
                             qk_block_id old, qk_block_id now, uint32_t player,
                             qk_cause cause);

/* The light phase: executes, validates and commits every pending
 * transaction in id order, emitting one QK_EV_LIGHT_COMMIT each through
 * sink (may be NULL) at `tick`.  QK_ERR_NOMEM leaves light stale (the step
 * then poisons the world). */
qk_status qk__txn_commit_all(struct qk_world *w, const qk_sink *sink, uint64_t tick);

/* World creation: one GENERATE transaction per column in key order, each
 * committed at once (ids 1..chunk count). */
qk_status qk__txn_generate(struct qk_world *w);

/* Releases pending transactions, worker scratch and the world's block
 * stack (destroy). */
void qk__txn_free(struct qk_world *w);

/* The recent edit log QK_OP_UNDO searches. */
#define QK_UNDO_LOG 64
typedef struct qk__undo_entry {
    uint64_t txn;
    uint32_t player;
    int32_t x, y, z;
    qk_block_id old, now;
    /* What the edit did to the player's inventory, which an undo gives
     * back or takes back: the item a place spent, the drop a break put in
     * (empty slot when none, e.g. creative mode or a lost drop). */
    qk_slot spent, gained;
} qk__undo_entry;

/* The entry of the edit logged last (the one qk__world_edit just made). */
qk__undo_entry *qk__txn_last_edit(struct qk_world *w);

/* Finds a logged edit by id; NULL if it has left the log (or never was). */
const qk__undo_entry *qk__txn_find_edit(const struct qk_world *w, uint64_t txn);

/* Morton key of a column: bits of cx and cz (offset to unsigned)
 * interleaved, cx in the even bits. */
uint64_t qk__morton(int32_t cx, int32_t cz);

#endif /* QK_INTERNAL_TXN_H */
