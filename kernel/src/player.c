/*
 * player.c - player movement: fixed-point velocity, gravity and AABB
 * collision against solid blocks.
 *
 * Units are qk_fx (1 block = 4096) per tick.  Each tick, in this order:
 *   1. a requested jump sets vy = JUMP if the player stood on ground;
 *   2. held movement keys add acceleration along the look yaw (forward is
 *      (-sin yaw, cos yaw), left is (cos yaw, sin yaw); diagonals scaled by
 *      1/sqrt 2 = 2896/4096), more on ground than in the air;
 *   3. the box moves by the velocity one axis at a time, Y then X then Z,
 *      each move clamped at the first solid cell it would enter; a clamped
 *      axis loses its velocity; after the Y move a player that is not
 *      rising is on ground exactly when a solid cell is right under its
 *      feet (so a player who joins standing on a block is on ground at once);
 *   4. gravity and drag: vy = (vy - G) * 98/100; horizontal friction
 *      0.546 on ground, 0.91 in air; tiny horizontal speeds snap to 0 so a
 *      released player comes to rest and stops producing events.
 * Every product is truncated toward zero (C division), identical everywhere.
 *
 * Boxes are half-open, [min, max), so a box whose top touches a ceiling
 * exactly does not overlap it.  Cells the box already overlaps when a move
 * starts are ignored, so a player inside a block can walk out of it.  The
 * floor of the world (y < 0) and unloaded columns are solid; above y 255 is
 * open air.
 */
#include "fixed.h"
#include "world.h"

#define HALF_W ((qk_fx)1228)   /* 0.3 blocks: 0.6 wide */
#define HEIGHT ((qk_fx)7372)   /* 1.8 blocks */
#define EYE ((qk_fx)6635)      /* 1.62 blocks above the feet */
#define GRAVITY ((qk_fx)328)   /* 0.08 blocks/tick^2 */
#define JUMP_V ((qk_fx)1720)   /* 0.42 blocks/tick */
#define ACCEL_GROUND ((qk_fx)735)
#define ACCEL_AIR ((qk_fx)82)
#define FRICTION_GROUND 546 /* per mille */
#define FRICTION_AIR 910
#define REST ((qk_fx)16) /* |v| below this snaps to 0 */
#define DIAGONAL 2896    /* 4096 / sqrt 2 */

static bool solid_cell(const qk_world *w, int64_t x, int64_t y, int64_t z)
{
    if (y < 0)
        return true;
    if (y >= QK_CHUNK_H)
        return false;
    qk_block_id id;
    if (!qk__world_get(w, x, y, z, &id))
        return true;
    return w->blocks[id].solid;
}

static void player_box(const qk_player_state *s, qk_fx mn[3], qk_fx mx[3])
{
    mn[0] = s->x - HALF_W;
    mx[0] = s->x + HALF_W;
    mn[1] = s->y;
    mx[1] = s->y + HEIGHT;
    mn[2] = s->z - HALF_W;
    mx[2] = s->z + HALF_W;
}

/* The part of move d along axis (0 x, 1 y, 2 z) the box can make before
 * entering a solid cell.  O(cells swept). */
static qk_fx sweep(const qk_world *w, const qk_fx mn[3], const qk_fx mx[3], int axis, qk_fx d)
{
    if (d == 0)
        return 0;
    int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
    int64_t lo1 = qk__floordiv(mn[a1], QK_FX_ONE), hi1 = qk__floordiv(mx[a1] - 1, QK_FX_ONE);
    int64_t lo2 = qk__floordiv(mn[a2], QK_FX_ONE), hi2 = qk__floordiv(mx[a2] - 1, QK_FX_ONE);
    int64_t cell[3];
    if (d > 0) {
        int64_t first = qk__ceildiv(mx[axis], QK_FX_ONE);
        int64_t last = qk__floordiv(mx[axis] + d - 1, QK_FX_ONE);
        for (int64_t c = first; c <= last; c++) {
            cell[axis] = c;
            for (cell[a1] = lo1; cell[a1] <= hi1; cell[a1]++)
                for (cell[a2] = lo2; cell[a2] <= hi2; cell[a2]++)
                    if (solid_cell(w, cell[0], cell[1], cell[2]))
                        return c * QK_FX_ONE - mx[axis];
        }
    } else {
        int64_t first = qk__floordiv(mn[axis], QK_FX_ONE) - 1;
        int64_t last = qk__floordiv(mn[axis] + d, QK_FX_ONE);
        for (int64_t c = first; c >= last; c--) {
            cell[axis] = c;
            for (cell[a1] = lo1; cell[a1] <= hi1; cell[a1]++)
                for (cell[a2] = lo2; cell[a2] <= hi2; cell[a2]++)
                    if (solid_cell(w, cell[0], cell[1], cell[2]))
                        return (c + 1) * QK_FX_ONE - mn[axis];
        }
    }
    return d;
}

static qk_fx rest(qk_fx v)
{
    return (v > -REST && v < REST) ? 0 : v;
}

void qk__player_physics(qk_world *w, qk__player *p)
{
    qk_player_state *s = &p->s;
    if (p->jump) {
        if (s->on_ground)
            s->vy = JUMP_V;
        p->jump = false;
    }

    int fwd = !!(s->dirs & QK_DIR_FORWARD) - !!(s->dirs & QK_DIR_BACK);
    int left = !!(s->dirs & QK_DIR_LEFT) - !!(s->dirs & QK_DIR_RIGHT);
    if (fwd || left) {
        int64_t sn = qk__sin(s->yaw), cs = qk__cos(s->yaw);
        int64_t ax = -fwd * sn + left * cs, az = fwd * cs + left * sn; /* Q12 */
        int64_t accel = s->on_ground ? ACCEL_GROUND : ACCEL_AIR;
        if (fwd && left)
            accel = accel * DIAGONAL / 4096;
        s->vx += ax * accel / 4096;
        s->vz += az * accel / 4096;
    }

    qk_fx mn[3], mx[3];
    player_box(s, mn, mx);
    qk_fx dy = sweep(w, mn, mx, 1, s->vy);
    bool rising = s->vy > 0;
    if (dy != s->vy)
        s->vy = 0;
    s->y += dy;
    player_box(s, mn, mx);
    s->on_ground = !rising && qk__player_grounded(w, p);
    qk_fx dx = sweep(w, mn, mx, 0, s->vx);
    if (dx != s->vx)
        s->vx = 0;
    s->x += dx;
    player_box(s, mn, mx);
    qk_fx dz = sweep(w, mn, mx, 2, s->vz);
    if (dz != s->vz)
        s->vz = 0;
    s->z += dz;

    s->vy = qk__fx_scale(s->vy - GRAVITY, 98, 100);
    int64_t friction = s->on_ground ? FRICTION_GROUND : FRICTION_AIR;
    s->vx = rest(qk__fx_scale(s->vx, friction, 1000));
    s->vz = rest(qk__fx_scale(s->vz, friction, 1000));
}

bool qk__player_grounded(const qk_world *w, const qk__player *p)
{
    qk_fx mn[3], mx[3];
    player_box(&p->s, mn, mx);
    return sweep(w, mn, mx, 1, -1) == 0; /* cannot move down one unit */
}

bool qk__player_overlaps(const qk__player *p, int32_t x, int32_t y, int32_t z)
{
    qk_fx mn[3], mx[3];
    player_box(&p->s, mn, mx);
    qk_fx c[3] = {(qk_fx)x * QK_FX_ONE, (qk_fx)y * QK_FX_ONE, (qk_fx)z * QK_FX_ONE};
    for (int a = 0; a < 3; a++)
        if (!(mn[a] < c[a] + QK_FX_ONE && mx[a] > c[a]))
            return false;
    return true;
}

int64_t qk__player_reach2(const qk__player *p, int32_t x, int32_t y, int32_t z)
{
    const qk_fx half = QK_FX_ONE / 2;
    qk_fx d[3] = {
        (qk_fx)x * QK_FX_ONE + half - p->s.x,
        (qk_fx)y * QK_FX_ONE + half - (p->s.y + EYE),
        (qk_fx)z * QK_FX_ONE + half - p->s.z,
    };
    int64_t sum = 0;
    for (int a = 0; a < 3; a++) {
        /* Beyond 1024 blocks on one axis the answer is "far"; clamping keeps
         * the squares far from int64 overflow. */
        qk_fx v = d[a] < 0 ? -d[a] : d[a];
        if (v > ((qk_fx)1024 << QK_FX_SHIFT))
            v = (qk_fx)1024 << QK_FX_SHIFT;
        sum += v * v;
    }
    return sum;
}
