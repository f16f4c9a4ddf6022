/*
 * test_section.c - palette sections: every width transition keeps content,
 * canonical fill is compact, and a refused allocation changes nothing.
 */
#include "fixture.h"
#include "section.h"

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void widths_keep_content(void)
{
    fx_alloc a = {-1, 0, 0};
    qk__mem m = {fx_allocator(&a), 0};
    qk__section s = {0};
    static qk_block_id ref[QK_SECTION_VOXELS];
    memset(ref, 0, sizeof ref);
    CHECK_INT(s.bits, 0);
    uint32_t seed = 1;
    int saw[17] = {0};
    for (int step = 0; step < 20000; step++) {
        uint32_t i = lcg(&seed) % QK_SECTION_VOXELS;
        /* Draw from a growing id range so every width is visited. */
        qk_block_id id = (qk_block_id)(lcg(&seed) % (1u + (uint32_t)step / 40));
        qk_block_id prev = 0xBEEF;
        CHECK_INT(qk__section_set(&m, &s, i, id, &prev), QK_OK);
        if (prev != ref[i]) {
            CHECK_INT(prev, ref[i]);
            break;
        }
        ref[i] = id;
        saw[s.bits] = 1;
    }
    CHECK(saw[4] && saw[8] && saw[16]);
    int same = 1;
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
        same &= qk__section_get(&s, i) == ref[i];
    CHECK(same);
    CHECK_INT(m.bytes, qk__section_heap_bytes(&s));
    qk__section_free(&m, &s);
    CHECK_INT(m.bytes, 0);
    CHECK_INT(a.live, 0);
}

static void fill_is_canonical(void)
{
    fx_alloc a = {-1, 0, 0};
    qk__mem m = {fx_allocator(&a), 0};
    static qk_block_id ids[QK_SECTION_VOXELS], out[QK_SECTION_VOXELS];
    qk__section s = {0};
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
        ids[i] = 9;
    CHECK_INT(qk__section_fill(&m, &s, ids), QK_OK);
    CHECK_INT(s.bits, 0);
    CHECK_INT(s.uniform, 9);
    CHECK_INT(m.bytes, 0);
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
        ids[i] = (qk_block_id)(i % 3 == 0 ? 40 : 2);
    CHECK_INT(qk__section_fill(&m, &s, ids), QK_OK);
    CHECK_INT(s.bits, 4);
    CHECK_INT(s.pal_len, 2);
    CHECK_INT(s.palette[0], 2); /* sorted by id, not by first appearance */
    CHECK_INT(s.palette[1], 40);
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
        ids[i] = (qk_block_id)(i % 300);
    CHECK_INT(qk__section_fill(&m, &s, ids), QK_OK);
    CHECK_INT(s.bits, 16);
    qk__section_expand(&s, out);
    CHECK(memcmp(ids, out, sizeof ids) == 0);
    /* The negative-index voxels: last voxel of the section. */
    CHECK_INT(qk__section_get(&s, 4095), 4095 % 300);
    qk__section_free(&m, &s);
    CHECK_INT(a.live, 0);
}

static void nomem_changes_nothing(void)
{
    fx_alloc a = {-1, 0, 0};
    qk__mem m = {fx_allocator(&a), 0};
    qk__section s = {0};
    s.uniform = 5;
    a.fail_at = a.count; /* refuse the next request */
    CHECK_INT(qk__section_set(&m, &s, 10, 6, NULL), QK_ERR_NOMEM);
    CHECK_INT(s.bits, 0);
    CHECK_INT(qk__section_get(&s, 10), 5);
    CHECK_INT(a.live, 0);
    /* Second request (palette after data) refused: still nothing leaks. */
    a.fail_at = a.count + 1;
    CHECK_INT(qk__section_set(&m, &s, 10, 6, NULL), QK_ERR_NOMEM);
    CHECK_INT(s.bits, 0);
    CHECK_INT(a.live, 0);
    a.fail_at = -1;
    CHECK_INT(qk__section_set(&m, &s, 10, 6, NULL), QK_OK);
    CHECK_INT(qk__section_get(&s, 10), 6);
    CHECK_INT(qk__section_get(&s, 11), 5);
    qk__section_free(&m, &s);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    widths_keep_content();
    fill_is_canonical();
    nomem_changes_nothing();
    return qt_report();
}
