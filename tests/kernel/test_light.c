/*
 * test_light.c - skylight and block light against the rules in light.h.
 *
 * Exact values first: a level-15 source in open air lights the 4,089 voxels
 * of its diamond with 15 - distance, wherever it stands (inside a chunk, on
 * the four-chunk corner at the origin, at negative coordinates, against the
 * world's edge and the top and bottom of the column); walls make light go
 * around them, glass lets it through; skylight fills open sky, falls down a
 * shaft without decaying, spreads sideways under an overhang and leaves
 * when the shaft is closed.  Then order independence (a batch of edits
 * gives the same light in every order; undoing restores the light digest);
 * incremental == from scratch after edit storms is test_light_scratch.c.  Last, revisions (light-only changes never
 * move geometry), removal leaving no light behind within the edit, the step
 * path, and refused allocations inside a lighting step.
 *
 * Blocks are edited the way the step does it: qk__world_set, then
 * qk__light_block_changed with the old and new ids.
 */
#include "light_fixture.h"

/* ---- 1. a lone source ------------------------------------------------- */

static void lone_sources(void)
{
    CHECK_INT(octahedron(15), 4089);
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = empty_config();
    qk_world *w = make(&cfg, &a);
    CHECK_INT(diamond(w, 0, 128, 0, 0, "empty world"), 0);
    CHECK_INT(SKY(w, 0, 0, 0), 15);
    CHECK_INT(SKY(w, -32, 255, 31), 15);

    /* Inside one chunk, on the corner of four (x, z = 0 and -1 meet), and
     * one voxel into the negative corner. */
    static const int32_t at[][3] = {{5, 128, 5}, {0, 128, 0}, {-1, 128, -1}, {-16, 40, 15}};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        int32_t x = at[i][0], y = at[i][1], z = at[i][2];
        edit(w, x, y, z, B_LANTERN);
        CHECK_INT(diamond(w, x, y, z, 15, "lantern"), 4089);
        CHECK_INT(SKY(w, x, y, z), 15); /* not opaque: no shadow */
        CHECK_INT(SKY(w, x, y - 1, z), 15);
        edit(w, x, y, z, B_AIR);
        CHECK_INT(diamond(w, x, y, z, 0, "lantern removed"), 0);
    }

    /* An opaque emitter keeps its own 15, lights the same diamond and
     * shadows its column: skylight 0 in it, 14 below (from the sides). */
    edit(w, -1, 128, -1, B_GLOW);
    CHECK_INT(diamond(w, -1, 128, -1, 15, "glowstone"), 4089);
    CHECK_INT(SKY(w, -1, 128, -1), 0);
    CHECK_INT(SKY(w, -1, 127, -1), 14);
    CHECK_INT(SKY(w, -1, 0, -1), 14);
    CHECK_INT(SKY(w, -1, 129, -1), 15);
    edit(w, -1, 128, -1, B_AIR);
    CHECK_INT(diamond(w, -1, 128, -1, 0, "glowstone removed"), 0);
    CHECK_INT(SKY(w, -1, 0, -1), 15);

    /* A torch is level 14: 3,303 voxels. */
    edit(w, 7, 100, -9, B_TORCH);
    CHECK_INT(diamond(w, 7, 100, -9, 14, "torch"), octahedron(14));
    CHECK_INT(octahedron(14), 3303);
    edit(w, 7, 100, -9, B_AIR);

    /* Against the world's edges (x 31, z -32, y 0 and 255): the diamond is
     * clipped, never wrapped or reflected. */
    static const int32_t edge[][3] = {{31, 128, -32}, {-32, 0, 31}, {3, 255, 3}};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        int32_t x = edge[i][0], y = edge[i][1], z = edge[i][2];
        edit(w, x, y, z, B_LANTERN);
        CHECK(diamond(w, x, y, z, 15, "lantern at an edge") > 0);
        edit(w, x, y, z, B_AIR);
        CHECK_INT(diamond(w, x, y, z, 0, "edge lantern removed"), 0);
    }
    CHECK_INT(SKY(w, 32, 10, 0), -1);
    CHECK_INT(BLK(w, 0, 256, 0), -1);
    CHECK_INT(BLK(w, 0, -1, 0), -1);
    CHECK_INT(BLK(w, -33, 5, 0), -1);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void walls_and_glass(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = empty_config();
    qk_world *w = make(&cfg, &a);
    /* A 5x5 stone wall at x = 1 in front of a lantern at the origin corner:
     * behind it, light comes the long way round (3 out, across, 3 back). */
    edit(w, 0, 128, 0, B_LANTERN);
    fill(w, 1, 1, 126, 130, -2, 2, B_STONE);
    CHECK_INT(BLK(w, 1, 128, 0), 0);   /* opaque: holds its own emission only */
    CHECK_INT(BLK(w, 2, 128, 0), 7);   /* path 3 + 2 + 3 */
    CHECK_INT(BLK(w, 3, 128, 0), 6);   /* path 3 + 3 + 3 */
    CHECK_INT(BLK(w, 2, 130, 2), 7);   /* over the top: 3 + 2 + 1 + 2 */
    CHECK_INT(BLK(w, 1, 128, 3), 11);  /* just past the wall's edge */
    CHECK_INT(BLK(w, 1, 131, 0), 11);  /* over its top */
    CHECK_INT(BLK(w, -1, 128, 0), 14); /* the open side is untouched */
    CHECK_INT(BLK(w, -14, 128, 0), 1);
    CHECK_INT(SKY(w, 1, 128, 0), 0);
    CHECK_INT(SKY(w, 1, 125, 0), 14); /* the wall shadows its columns */
    CHECK_INT(SKY(w, 1, 131, 0), 15);

    /* The same wall in glass: straight through, one step per voxel. */
    fill(w, 1, 1, 126, 130, -2, 2, B_GLASS);
    CHECK_INT(BLK(w, 1, 128, 0), 14);
    CHECK_INT(BLK(w, 2, 128, 0), 13);
    CHECK_INT(SKY(w, 1, 125, 0), 15);
    CHECK_INT(diamond(w, 0, 128, 0, 15, "lantern behind glass"), 4089);

    /* Sealed in a stone shell: nothing gets out. */
    fill(w, -1, 1, 127, 129, -1, 1, B_STONE);
    edit(w, 0, 128, 0, B_LANTERN);
    CHECK_INT(BLK(w, 0, 128, 0), 15);
    CHECK_INT(BLK(w, 2, 128, 0), 0);
    CHECK_INT(BLK(w, 0, 130, 0), 0);
    long lit = 0;
    for (int32_t x = -16; x <= 16; x++)
        for (int32_t y = 112; y <= 144; y++)
            for (int32_t z = -16; z <= 16; z++)
                lit += BLK(w, x, y, z) > 0;
    CHECK_INT(lit, 1);
    /* Open one face of the shell: light pours out through the hole. */
    edit(w, 1, 128, 0, B_AIR);
    CHECK_INT(BLK(w, 1, 128, 0), 14);
    CHECK_INT(BLK(w, 2, 128, 0), 13);
    CHECK_INT(BLK(w, 1, 129, 1), 0);  /* shell */
    CHECK_INT(BLK(w, 2, 129, 1), 11); /* out of the hole, then around */
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 3. skylight ------------------------------------------------------ */

static void skylight(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = deep_config();
    qk_world *w = make(&cfg, &a);
    long wrong = 0;
    for (int32_t x = -32; x < 32; x++)
        for (int32_t z = -32; z < 32; z++) {
            static const int32_t ys[] = {0, 20, DEEP_GROUND - 1, DEEP_GROUND, DEEP_GROUND + 1,
                                         100, 255};
            for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++)
                wrong += SKY(w, x, ys[i], z) != (ys[i] >= DEEP_GROUND ? 15 : 0) ||
                         BLK(w, x, ys[i], z) != 0;
        }
    CHECK_INT(wrong, 0);

    /* A sealed pocket under ground stays dark. */
    fill(w, 5, 7, 20, 22, 5, 7, B_AIR);
    CHECK_INT(SKY(w, 6, 21, 6), 0);
    CHECK_INT(SKY(w, 5, 20, 5), 0);

    /* A tunnel at y = 10 from x = 0 to 5 along z = -1, sealed: dark.  Then a
     * shaft dug top-down at the corner column (-1, -1) down to the tunnel:
     * 15 all the way down as it goes, 15 - steps sideways in the tunnel. */
    fill(w, 0, 5, 10, 10, -1, -1, B_AIR);
    CHECK_INT(SKY(w, 0, 10, -1), 0);
    for (int32_t y = DEEP_GROUND - 1; y >= 10; y--) {
        edit(w, -1, y, -1, B_AIR);
        CHECK_INT(SKY(w, -1, y, -1), 15);
        CHECK_INT(SKY(w, -1, y - 1, -1), 0); /* the stone under the shaft */
    }
    for (int32_t y = 10; y < DEEP_GROUND; y++)
        CHECK_INT(SKY(w, -1, y, -1), 15);
    for (int32_t x = 0; x <= 5; x++)
        CHECK_INT(SKY(w, x, 10, -1), 14 - x);
    CHECK_INT(SKY(w, 0, 11, -1), 0); /* the stone over the tunnel */

    /* Glass across the shaft: skylight passes it without decaying. */
    edit(w, -1, 30, -1, B_GLASS);
    CHECK_INT(SKY(w, -1, 30, -1), 15);
    CHECK_INT(SKY(w, -1, 10, -1), 15);
    CHECK_INT(SKY(w, 3, 10, -1), 11);
    edit(w, -1, 30, -1, B_AIR);

    /* Close the top: the shaft and the tunnel are dark after the edit. */
    edit(w, -1, DEEP_GROUND - 1, -1, B_DIRT);
    wrong = 0;
    for (int32_t y = 10; y < DEEP_GROUND; y++)
        wrong += SKY(w, -1, y, -1) != 0;
    for (int32_t x = 0; x <= 5; x++)
        wrong += SKY(w, x, 10, -1) != 0;
    CHECK_INT(wrong, 0);
    /* Reopen: back to 15 down the shaft. */
    edit(w, -1, DEEP_GROUND - 1, -1, B_AIR);
    CHECK_INT(SKY(w, -1, 10, -1), 15);
    CHECK_INT(SKY(w, 5, 10, -1), 9);
    /* Close it half way down: the shaft keeps sky above the plug only. */
    edit(w, -1, 25, -1, B_STONE);
    CHECK_INT(SKY(w, -1, 26, -1), 15);
    CHECK_INT(SKY(w, -1, 24, -1), 0);
    CHECK_INT(SKY(w, 0, 10, -1), 0);

    /* A one-block roof at y = 44 over x 0..20, z -20..20: under it skylight
     * comes in from the open side at x = -1 and loses one per step. */
    fill(w, 0, 20, DEEP_GROUND + 2, DEEP_GROUND + 2, -20, 20, B_STONE);
    for (int32_t x = 0; x <= 9; x++) {
        CHECK_INT(SKY(w, x, DEEP_GROUND + 1, 0), 14 - x);
        CHECK_INT(SKY(w, x, DEEP_GROUND, 0), 14 - x);
    }
    CHECK_INT(SKY(w, 10, DEEP_GROUND, 0), 4); /* as far from both open sides */
    CHECK_INT(SKY(w, 20, DEEP_GROUND, 0), 14);
    CHECK_INT(SKY(w, -1, DEEP_GROUND, 0), 15);
    CHECK_INT(SKY(w, 5, DEEP_GROUND + 3, 0), 15); /* on the roof */
    CHECK_INT(SKY(w, 5, DEEP_GROUND + 2, 0), 0);  /* in it */
    CHECK_INT(SKY(w, 5, DEEP_GROUND, 19), 13);    /* two steps from the z = 21 side */
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 5. order independence -------------------------------------------- */

typedef struct lt_edit {
    int32_t x, y, z;
    qk_block_id id;
} lt_edit;

#define BATCH 6
static const lt_edit batch[BATCH] = {
    {0, FX_GROUND + 1, 0, B_GLOW},      /* an opaque source on the corner */
    {1, FX_GROUND + 1, 0, B_STONE},     /* a wall right beside it */
    {-1, FX_GROUND, -1, B_TORCH},       /* a torch across the corner */
    {0, FX_GROUND - 1, 0, B_AIR},       /* a hole in the ground under the glow */
    {-1, FX_GROUND + 3, 0, B_STONE},    /* a roof casting a sky shadow */
    {0, FX_GROUND + 2, -1, B_LANTERN},  /* a bright clear source */
};

static int n_perms, perms_differ, undo_differ;

/* Applies batch[order[0..BATCH)] and compares the light with `want`, then
 * undoes the edits in reverse order and compares with `base`. */
static void try_order(qk_world *w, const int *order, const uint64_t *base, uint64_t *want,
                      bool *have_want)
{
    qk_block_id old[BATCH];
    for (int i = 0; i < BATCH; i++) {
        const lt_edit *e = &batch[order[i]];
        CHECK_INT(qk_block_at(w, e->x, e->y, e->z, &old[i]), QK_OK);
        edit(w, e->x, e->y, e->z, e->id);
    }
    uint64_t got[16];
    digests_of(w, got);
    if (!*have_want) {
        memcpy(want, got, sizeof got);
        *have_want = true;
    } else if (memcmp(want, got, sizeof got) != 0 && !perms_differ++) {
        fprintf(stderr, "order independence: order");
        for (int i = 0; i < BATCH; i++)
            fprintf(stderr, " %d", order[i]);
        fprintf(stderr, " gives other light than the first order\n");
    }
    for (int i = BATCH - 1; i >= 0; i--) {
        const lt_edit *e = &batch[order[i]];
        edit(w, e->x, e->y, e->z, old[i]);
    }
    digests_of(w, got);
    if (memcmp(base, got, sizeof got) != 0 && !undo_differ++)
        fprintf(stderr, "order independence: undoing did not restore the light\n");
    n_perms++;
}

static void permute(qk_world *w, int *order, int k, const uint64_t *base, uint64_t *want,
                    bool *have_want)
{
    if (k == BATCH) {
        try_order(w, order, base, want, have_want);
        return;
    }
    for (int i = k; i < BATCH; i++) {
        int t = order[k];
        order[k] = order[i];
        order[i] = t;
        permute(w, order, k + 1, base, want, have_want);
        order[i] = order[k];
        order[k] = t;
    }
}

static void order_independence(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    uint64_t base[16], want[16];
    bool have_want = false;
    digests_of(w, base);
    int order[BATCH];
    for (int i = 0; i < BATCH; i++)
        order[i] = i;
    permute(w, order, 0, base, want, &have_want);
    CHECK_INT(n_perms, 720);
    CHECK_INT(perms_differ, 0);
    CHECK_INT(undo_differ, 0);
    /* And every order matches a relight from scratch of the final blocks. */
    for (int i = 0; i < BATCH; i++)
        edit(w, batch[i].x, batch[i].y, batch[i].z, batch[i].id);
    qk_world *scratch = make(&cfg, &a);
    for (int i = 0; i < BATCH; i++)
        CHECK_INT(qk__world_set(scratch, batch[i].x, batch[i].y, batch[i].z, batch[i].id, NULL),
                  QK_OK);
    same_as_scratch(w, scratch, BATCH, "batch");
    uint64_t got[16];
    digests_of(w, got);
    CHECK(memcmp(got, want, sizeof got) == 0);
    qk_world_destroy(scratch);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 6. revisions ----------------------------------------------------- */

static qk_chunk_revs revs(const qk_world *w, int32_t cx, int32_t cz)
{
    qk_chunk_revs r = {0, 0};
    CHECK_INT(qk_chunk_revisions(w, cx, cz, &r), QK_OK);
    return r;
}

static void revisions(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    qk_chunk_revs own = revs(w, 0, 0), west = revs(w, -1, 0), north = revs(w, 0, -1),
                  east = revs(w, 1, 0), far = revs(w, -2, 0);
    /* A torch at (1, 5, 1) lights x -12..14 and z -12..14. */
    edit(w, 1, FX_GROUND + 1, 1, B_TORCH);
    qk_chunk_revs r = revs(w, 0, 0);
    CHECK(r.geometry > own.geometry);
    CHECK(r.light > own.light);
    own = r;
    r = revs(w, -1, 0); /* lit from next door: light moves, geometry does not */
    CHECK_U64(r.geometry, west.geometry);
    CHECK(r.light > west.light);
    west = r;
    r = revs(w, 0, -1);
    CHECK_U64(r.geometry, north.geometry);
    CHECK(r.light > north.light);
    north = r;
    r = revs(w, 1, 0); /* out of reach: nothing moves */
    CHECK_U64(r.geometry, east.geometry);
    CHECK_U64(r.light, east.light);
    r = revs(w, -2, 0);
    CHECK_U64(r.geometry, far.geometry);
    CHECK_U64(r.light, far.light);

    /* Stone to dirt deep in the ground changes no light: geometry only. */
    edit(w, 8, 1, 8, B_DIRT);
    r = revs(w, 0, 0);
    CHECK(r.geometry > own.geometry);
    CHECK_U64(r.light, own.light);
    own = r;

    /* Removing the torch moves the neighbours' light again, not geometry. */
    edit(w, 1, FX_GROUND + 1, 1, B_AIR);
    r = revs(w, -1, 0);
    CHECK_U64(r.geometry, west.geometry);
    CHECK(r.light > west.light);
    r = revs(w, 0, 0);
    CHECK(r.geometry > own.geometry);
    CHECK(r.light > own.light);

    /* A floating stone at x = 0, on the seam: the skylight it takes away
     * is in its own column (the next column west, x = -1, stays open sky),
     * so chunk (-1, 0)'s light does not move. */
    own = revs(w, 0, 0);
    west = revs(w, -1, 0);
    edit(w, 0, FX_GROUND + 5, 5, B_STONE);
    r = revs(w, 0, 0);
    CHECK(r.geometry > own.geometry);
    CHECK(r.light > own.light);
    CHECK_U64(revs(w, -1, 0).light, west.light);

    qk_chunk_revs none;
    CHECK_INT(qk_chunk_revisions(w, 2, 0, &none), QK_ERR_RANGE);
    CHECK_INT(qk_chunk_revisions(w, 0, -3, &none), QK_ERR_RANGE);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 7. removal leaves nothing behind --------------------------------- */

static void removal(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = deep_config();
    qk_world *w = make(&cfg, &a);
    /* A torch in a dark cave (a 9x5x9 room whose walls cross x = 0). */
    fill(w, -4, 4, 20, 24, 3, 11, B_AIR);
    edit(w, 0, 20, 7, B_TORCH);
    CHECK_INT(BLK(w, 0, 20, 7), 14);
    CHECK_INT(BLK(w, 4, 24, 7), 6);
    CHECK_INT(BLK(w, -4, 20, 11), 6);
    CHECK_INT(BLK(w, 5, 20, 7), 0); /* the cave's stone */
    edit(w, 0, 20, 7, B_AIR);
    CHECK_INT(diamond(w, 0, 20, 7, 0, "cave torch removed"), 0);

    /* Two torches 5 apart on the surface: removing one leaves exactly the
     * other's diamond (the reverse pass re-seeds from the survivor). */
    edit(w, -3, DEEP_GROUND, -2, B_TORCH);
    edit(w, 2, DEEP_GROUND, -2, B_TORCH);
    CHECK_INT(BLK(w, 0, DEEP_GROUND, -2), 12);
    edit(w, -3, DEEP_GROUND, -2, B_AIR);
    CHECK(diamond(w, 2, DEEP_GROUND, -2, 14, "survivor") > 0);
    edit(w, 2, DEEP_GROUND, -2, B_AIR);
    CHECK_INT(diamond(w, 2, DEEP_GROUND, -2, 0, "second torch removed"), 0);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 8. digests ------------------------------------------------------- */

static uint64_t chunk_digest(qk_world *w, int32_t cx, int32_t cz, qk_subsys sub)
{
    uint64_t d = 0;
    CHECK_INT(qk_chunk_digest(w, cx, cz, sub, &d), QK_OK);
    return d;
}

static void digests(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    uint64_t own = chunk_digest(w, 0, 0, QK_SUB_LIGHT), west = chunk_digest(w, -1, 0, QK_SUB_LIGHT),
             far = chunk_digest(w, -2, -2, QK_SUB_LIGHT),
             west_blocks = chunk_digest(w, -1, 0, QK_SUB_BLOCKS);
    edit(w, 1, FX_GROUND + 1, 1, B_TORCH);
    CHECK(chunk_digest(w, 0, 0, QK_SUB_LIGHT) != own);
    CHECK(chunk_digest(w, -1, 0, QK_SUB_LIGHT) != west); /* light-only change */
    CHECK_U64(chunk_digest(w, -1, 0, QK_SUB_BLOCKS), west_blocks);
    CHECK_U64(chunk_digest(w, -2, -2, QK_SUB_LIGHT), far);
    edit(w, 1, FX_GROUND + 1, 1, B_AIR);
    CHECK_U64(chunk_digest(w, 0, 0, QK_SUB_LIGHT), own);
    CHECK_U64(chunk_digest(w, -1, 0, QK_SUB_LIGHT), west);
    /* A skylight-only change (a glass pane is clear; a stone slab is not). */
    edit(w, -5, FX_GROUND + 3, 4, B_GLASS);
    CHECK_U64(chunk_digest(w, -1, 0, QK_SUB_LIGHT), west);
    edit(w, -5, FX_GROUND + 3, 4, B_STONE);
    CHECK(chunk_digest(w, -1, 0, QK_SUB_LIGHT) != west);
    edit(w, -5, FX_GROUND + 3, 4, B_AIR);
    CHECK_U64(chunk_digest(w, -1, 0, QK_SUB_LIGHT), west);
    uint64_t dummy;
    CHECK_INT(qk_chunk_digest(w, 2, 0, QK_SUB_LIGHT, &dummy), QK_ERR_RANGE);
    CHECK_INT(qk_chunk_digest(w, 0, 0, QK_SUB_ENTITIES, &dummy), QK_ERR_INVALID);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- the step path ---------------------------------------------------- */

static qk_input place_in(uint64_t tick, uint32_t seq, int32_t x, int32_t y, int32_t z, qk_face f)
{
    qk_input in = fx_op(tick, 1, seq, QK_OP_PLACE);
    in.u.place.x = x;
    in.u.place.y = y;
    in.u.place.z = z;
    in.u.place.face = f;
    return in;
}

static qk_input break_in(uint64_t tick, uint32_t seq, int32_t x, int32_t y, int32_t z)
{
    qk_input in = fx_op(tick, 1, seq, QK_OP_BREAK);
    in.u.brk.x = x;
    in.u.brk.y = y;
    in.u.brk.z = z;
    return in;
}

static qk_input select_in(uint64_t tick, uint32_t seq, uint8_t slot)
{
    qk_input in = fx_op(tick, 1, seq, QK_OP_SELECT);
    in.u.select.slot = slot;
    return in;
}

static void step_with(qk_world *w, qk_input in, fx_events *r)
{
    qk_sink s = {r ? fx_record : NULL, r};
    in.tick = qk_world_tick(w);
    CHECK_INT(qk_step(w, &in, 1, &s, NULL), QK_OK);
}

static uint64_t last_light_digest(const fx_events *r)
{
    for (size_t i = r->n; i-- > 0;)
        if (r->ev[i].type == QK_EV_DIGEST)
            return r->ev[i].u.digest.sub[QK_SUB_LIGHT];
    return 0;
}

/* A world that stood its player at the origin corner and holds a torch. */
static qk_world *torch_holder(fx_alloc *a, fx_events *r)
{
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, a);
    step_with(w, fx_join(0, 1, -1, FX_GROUND, -1), r);
    step_with(w, select_in(0, 1, 2), r);
    return w;
}

static void through_the_step(void)
{
    fx_alloc a = {-1, 0, 0};
    static fx_events r;
    r.n = 0;
    qk_world *w = torch_holder(&a, &r);
    uint64_t before = last_light_digest(&r);
    CHECK_INT(BLK(w, 1, FX_GROUND, 1), 0);
    /* Place a torch on the ground at (1, 4, 1): lit by the end of the tick. */
    r.n = 0;
    step_with(w, place_in(0, 2, 1, FX_GROUND - 1, 1, QK_FACE_UP), &r);
    CHECK_INT(fx_count(&r, QK_EV_BLOCK, -1), 1);
    CHECK_INT(diamond(w, 1, FX_GROUND, 1, 14, "torch placed by a player") > 0, 1);
    CHECK_INT(BLK(w, -1, FX_GROUND + 1, -1), 9);
    uint64_t lit = last_light_digest(&r);
    CHECK(lit != before);
    /* Break it: dark again in the same tick, the digest back to before. */
    r.n = 0;
    step_with(w, break_in(0, 3, 1, FX_GROUND, 1), &r);
    CHECK_INT(fx_count(&r, QK_EV_BLOCK, -1), 1);
    CHECK_INT(diamond(w, 1, FX_GROUND, 1, 0, "torch broken by a player"), 0);
    CHECK_U64(last_light_digest(&r), before);

    /* A player digs a shaft down through the ground: skylight follows. */
    step_with(w, break_in(0, 4, 2, FX_GROUND - 1, 0), NULL);
    CHECK_INT(SKY(w, 2, FX_GROUND - 1, 0), 15);
    CHECK_INT(SKY(w, 2, FX_GROUND - 2, 0), 0);
    step_with(w, break_in(0, 5, 2, FX_GROUND - 2, 0), NULL);
    CHECK_INT(SKY(w, 2, FX_GROUND - 2, 0), 15);

    /* A seeded storm of places and breaks within reach, then the light
     * must equal a relight from scratch of the same blocks. */
    uint64_t s = 0x5eed;
    for (int i = 0; i < 400; i++) {
        int32_t x = in_range(&s, -3, 2), z = in_range(&s, -3, 2),
                y = in_range(&s, FX_GROUND - 3, FX_GROUND + 1);
        uint32_t seq = 100 + (uint32_t)i * 2;
        if (splitmix(&s) % 3 == 0) {
            step_with(w, break_in(0, seq, x, y, z), NULL);
        } else {
            step_with(w, select_in(0, seq, (uint8_t)(splitmix(&s) % 3)), NULL);
            step_with(w, place_in(0, seq + 1, x, y, z, (qk_face)(splitmix(&s) % 6)), NULL);
        }
    }
    qk_world *scratch = make(qk_world_config_of(w), &a);
    long changed = 0;
    for (int32_t x = -16; x < 16; x++)
        for (int32_t z = -16; z < 16; z++)
            for (int32_t y = 0; y < 16; y++) {
                qk_block_id b1, b2;
                CHECK_INT(qk_block_at(w, x, y, z, &b1), QK_OK);
                CHECK_INT(qk_block_at(scratch, x, y, z, &b2), QK_OK);
                if (b1 != b2) {
                    changed++;
                    CHECK_INT(qk__world_set(scratch, x, y, z, b1, NULL), QK_OK);
                }
            }
    CHECK(changed > 20);
    same_as_scratch(w, scratch, 400, "step storm");
    CHECK_INT(diff_voxels(w, scratch, "step storm"), 0);
    qk_world_destroy(scratch);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* Refusing the Nth allocation of a step that lights a torch: the step
 * fails with QK_ERR_NOMEM and poisons the world, nothing leaks; once the
 * allocator gives enough, the light is right. */
static void nomem_while_lighting(void)
{
    for (long n = 0;; n++) {
        fx_alloc a = {-1, 0, 0};
        qk_world *w = torch_holder(&a, NULL);
        a.fail_at = a.count + n;
        qk_input in = place_in(qk_world_tick(w), 2, 1, FX_GROUND - 1, 1, QK_FACE_UP);
        qk_status st = qk_step(w, &in, 1, NULL, NULL);
        a.fail_at = -1;
        if (st == QK_OK) {
            CHECK_INT(diamond(w, 1, FX_GROUND, 1, 14, "torch after refusals") > 0, 1);
            qk_world_destroy(w);
            CHECK_INT(a.live, 0);
            break;
        }
        CHECK_INT(st, QK_ERR_NOMEM);
        CHECK_INT(qk_step(w, NULL, 0, NULL, NULL), QK_ERR_STATE);
        qk_world_destroy(w);
        CHECK_INT(a.live, 0);
        if (n > 10000) {
            CHECK(!"a torch step never succeeded");
            break;
        }
    }
}

int main(void)
{
    init_registry();
    lone_sources();
    walls_and_glass();
    skylight();
    order_independence();
    revisions();
    removal();
    digests();
    through_the_step();
    nomem_while_lighting();
    return qt_report();
}
