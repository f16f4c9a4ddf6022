/*
 * probe_compare.c - descend into two builds' probes (probe.c) the way
 * bisect.c descends into two worlds.
 *
 * The root subsystem decides what is compared: blocks and light, the
 * column lines in key order (the first column whose digest for that
 * subsystem differs, or that is loaded in one build only), then the row
 * lines of that column (the first voxel in (y, z, x) order); entities and
 * inventory, the player lines in id order (a player in one build only is
 * "present"), then the members of the player's "entities" or "inventory"
 * object in order; time and weather, the members of the clock line's
 * object.  Values are compared as the text the probes printed, which is
 * the text bisect.c would have printed, so the result has the in-process
 * report's shape.  O(lines) parses; at most 256 x 256 voxels expanded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct plines {
    const char *name;   /* "probe of build A", for errors */
    json_t **v;         /* parsed lines */
    const char **text;  /* each line's start */
    size_t *len;        /* and length, without '\n' */
    size_t n;
} plines;

static void plines_free(plines *p)
{
    for (size_t i = 0; i < p->n; i++)
        json_decref(p->v[i]);
    free(p->v);
    free(p->text);
    free(p->len);
}

static qr_status parse(plines *p, const char *name, const char *s, size_t n, qr_error *err)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += s[i] == '\n';
    p->v = calloc(cap, sizeof *p->v);
    p->text = calloc(cap, sizeof *p->text);
    p->len = calloc(cap, sizeof *p->len);
    if (!p->v || !p->text || !p->len)
        return qr__fail(err, QR_ERR_NOMEM, name, 0, 0, "out of memory");
    for (size_t off = 0, line = 1; off < n; line++) {
        const char *e = memchr(s + off, '\n', n - off);
        size_t l = e ? (size_t)(e - (s + off)) : n - off;
        json_error_t je;
        json_t *o = l ? json_loadb(s + off, l, 0, &je) : NULL;
        if (l && (!o || !json_is_object(o) || !json_is_string(json_object_get(o, "leaf")))) {
            json_decref(o);
            return qr__fail(err, QR_ERR_INPUT, name, (unsigned)line, o ? 1 : (unsigned)je.column,
                            "not a probe line (%s)", o ? "no \"leaf\" member" : je.text);
        }
        if (o) {
            p->v[p->n] = o;
            p->text[p->n] = s + off;
            p->len[p->n++] = l;
        }
        off += l + 1;
    }
    return QR_OK;
}

static const char *leaf(json_t *o)
{
    return json_string_value(json_object_get(o, "leaf"));
}

/* Value as text into buf (strings as they are, numbers in decimal). */
static const char *text_of(json_t *v, char *buf, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_true(v) || json_is_false(v))
        snprintf(buf, cap, "%s", json_is_true(v) ? "true" : "false");
    else
        snprintf(buf, cap, "?");
    return buf;
}

static void set_leaves(qr_probe_leaves *lv, const plines *a, size_t i, const plines *b,
                       size_t j)
{
    if (!lv)
        return;
    lv->a = i < a->n ? a->text[i] : "";
    lv->na = i < a->n ? a->len[i] : 0;
    lv->b = j < b->n ? b->text[j] : "";
    lv->nb = j < b->n ? b->len[j] : 0;
}

/* Key of a keyed line: column (cx, cz) or player id, as a comparable pair;
 * false when the line is not of kind `kind`. */
static bool key_of(json_t *o, const char *kind, int64_t k[2])
{
    if (strcmp(leaf(o), kind) != 0)
        return false;
    if (strcmp(kind, "player") == 0) {
        k[0] = json_integer_value(json_object_get(o, "id"));
        k[1] = 0;
        return true;
    }
    json_t *c = json_object_get(o, "column");
    k[0] = json_integer_value(json_array_get(c, 0));
    k[1] = json_integer_value(json_array_get(c, 1));
    return true;
}

/* Next line of kind `kind` at or after *i. */
static bool next_of(const plines *p, size_t *i, const char *kind, int64_t k[2])
{
    for (; *i < p->n; (*i)++)
        if (key_of(p->v[*i], kind, k))
            return true;
    return false;
}

/* Compares the members of object `sub` of two lines in order; the first
 * differing one becomes the field. */
static bool members(json_t *oa, json_t *ob, const char *sub, qr_divergence *out)
{
    json_t *a = json_object_get(oa, sub), *b = json_object_get(ob, sub);
    const char *key;
    json_t *va;
    char ba[32], bb[32];
    json_object_foreach(a, key, va) {
        json_t *vb = json_object_get(b, key);
        const char *ta = text_of(va, ba, sizeof ba), *tb = vb ? text_of(vb, bb, sizeof bb) : "";
        if (strcmp(ta, tb) == 0)
            continue;
        qr__strlcpy(out->field, key, sizeof out->field);
        qr__strlcpy(out->value_a, ta, sizeof out->value_a);
        qr__strlcpy(out->value_b, tb, sizeof out->value_b);
        return true;
    }
    return false;
}

/* Walks two keyed lists in key order; at the first key whose lines differ
 * (or that one list lacks) fills out and returns true. */
static bool keyed(const plines *a, const plines *b, const char *kind, const char *sub,
                  qr_divergence *out, qr_probe_leaves *lv)
{
    size_t i = 0, j = 0;
    int64_t ka[2], kb[2];
    for (;;) {
        bool ga = next_of(a, &i, kind, ka), gb = next_of(b, &j, kind, kb);
        if (!ga && !gb)
            return false;
        bool in_a = !gb || (ga && (ka[0] < kb[0] || (ka[0] == kb[0] && ka[1] < kb[1])));
        bool in_b = !ga || (gb && (kb[0] < ka[0] || (kb[0] == ka[0] && kb[1] < ka[1])));
        const int64_t *k = in_b ? kb : ka;
        bool player = strcmp(kind, "player") == 0;
        if (!in_a && !in_b) {
            json_t *oa = a->v[i], *ob = b->v[j];
            bool differ;
            if (player) {
                differ = members(oa, ob, sub, out);
            } else {
                json_t *va = json_object_get(oa, sub), *vb = json_object_get(ob, sub);
                json_t *ua = json_object_get(oa, "unloaded"), *ub = json_object_get(ob, "unloaded");
                differ = (ua && ub ? !json_equal(ua, ub) : ua != ub) ||
                         (va && vb ? !json_equal(va, vb) : va != vb);
            }
            if (!differ) {
                i++, j++;
                continue;
            }
        } else if (player) {
            qr__strlcpy(out->field, "present", sizeof out->field);
            qr__strlcpy(out->value_a, in_a ? "yes" : "no", sizeof out->value_a);
            qr__strlcpy(out->value_b, in_a ? "no" : "yes", sizeof out->value_b);
        }
        set_leaves(lv, a, in_b ? a->n : i, b, in_a ? b->n : j);
        if (player) {
            out->has_player = true;
            out->player = (uint32_t)k[0];
        } else {
            out->has_chunk = true;
            out->cx = (int32_t)k[0];
            out->cz = (int32_t)k[1];
        }
        return true;
    }
}

/* ---- rows of one column -------------------------------------------------- */

typedef char row_vals[256][32];

/* Expands a row's run-length list `key` into v; "unloaded" everywhere when
 * the row is absent.  False when the list is malformed. */
static bool expand(json_t *row, const char *key, row_vals v)
{
    if (!row) {
        for (int i = 0; i < 256; i++)
            snprintf(v[i], sizeof v[i], "unloaded");
        return true;
    }
    json_t *runs = json_object_get(row, key), *r;
    size_t k;
    int at = 0;
    char buf[32];
    json_array_foreach(runs, k, r) {
        json_int_t n = json_integer_value(json_array_get(r, 1));
        if (n <= 0 || n > 256 - at)
            return false;
        const char *t = text_of(json_array_get(r, 0), buf, sizeof buf);
        for (json_int_t m = 0; m < n; m++)
            qr__strlcpy(v[at++], t, sizeof v[0]);
    }
    return at == 256;
}

static qr_status rows(const plines *a, const plines *b, qk_subsys sub, qr_divergence *out,
                      qr_probe_leaves *lv, qr_error *err)
{
    struct vals {
        row_vals ab, bb, as, bs, al, bl;
    } *v = malloc(sizeof *v); /* 48 KiB */
    if (!v)
        return qr__fail(err, QR_ERR_NOMEM, a->name, 0, 0, "out of memory");
    char (*ab)[32] = v->ab, (*bb)[32] = v->bb, (*as)[32] = v->as, (*bs)[32] = v->bs,
         (*al)[32] = v->al, (*bl)[32] = v->bl;
    qr_status st = QR_OK;
    size_t ia[256], ib[256];
    for (int y = 0; y < 256; y++)
        ia[y] = a->n, ib[y] = b->n;
    for (int s = 0; s < 2; s++) {
        const plines *p = s ? b : a;
        size_t *ix = s ? ib : ia;
        for (size_t i = 0; i < p->n; i++) {
            json_int_t y = json_integer_value(json_object_get(p->v[i], "y"));
            if (strcmp(leaf(p->v[i]), "row") == 0 && json_object_get(p->v[i], "y") &&
                y >= 0 && y < 256)
                ix[y] = i;
        }
    }
    for (int32_t y = 0; y < 256; y++) {
        json_t *ra = ia[y] < a->n ? a->v[ia[y]] : NULL, *rb = ib[y] < b->n ? b->v[ib[y]] : NULL;
        if (ra && rb && a->len[ia[y]] == b->len[ib[y]] &&
            memcmp(a->text[ia[y]], b->text[ib[y]], a->len[ia[y]]) == 0)
            continue;
        if (!expand(ra, "blocks", ab) || !expand(ra, "sky", as) || !expand(ra, "block_light", al)) {
            st = qr__fail(err, QR_ERR_INPUT, a->name, (unsigned)ia[y] + 1, 1,
                          "row %d: run lengths do not add up to 256", (int)y);
            break;
        }
        if (!expand(rb, "blocks", bb) || !expand(rb, "sky", bs) || !expand(rb, "block_light", bl)) {
            st = qr__fail(err, QR_ERR_INPUT, b->name, (unsigned)ib[y] + 1, 1,
                          "row %d: run lengths do not add up to 256", (int)y);
            break;
        }
        for (int i = 0; i < 256; i++) {
            bool sky = strcmp(as[i], bs[i]) != 0, lit = strcmp(al[i], bl[i]) != 0;
            bool blk = strcmp(ab[i], bb[i]) != 0;
            if (sub == QK_SUB_BLOCKS ? !blk : !(sky || lit))
                continue;
            const char *field = sub == QK_SUB_BLOCKS ? "block" : sky ? "sky" : "block_light";
            qr__strlcpy(out->field, field, sizeof out->field);
            qr__strlcpy(out->value_a, sub == QK_SUB_BLOCKS ? ab[i] : sky ? as[i] : al[i],
                        sizeof out->value_a);
            qr__strlcpy(out->value_b, sub == QK_SUB_BLOCKS ? bb[i] : sky ? bs[i] : bl[i],
                        sizeof out->value_b);
            out->has_voxel = true;
            out->x = out->cx * 16 + (i & 15);
            out->y = y;
            out->z = out->cz * 16 + (i >> 4);
            set_leaves(lv, a, ia[y], b, ib[y]);
            free(v);
            return QR_OK;
        }
    }
    free(v);
    return st;
}

qr_status qr_probe_compare(const char *a, size_t na, const char *b, size_t nb, qk_subsys sub,
                           qr_divergence *out, qr_probe_leaves *leaves, qr_error *err)
{
    plines pa, pb;
    qr_status st = parse(&pa, "probe of build A", a, na, err);
    if (!st)
        st = parse(&pb, "probe of build B", b, nb, err);
    else
        memset(&pb, 0, sizeof pb);
    if (leaves)
        memset(leaves, 0, sizeof *leaves);
    if (st)
        goto done;
    out->descended = true;
    const char *name = qk_subsys_name(sub);
    bool any_row = false;
    for (size_t i = 0; i < pa.n && !any_row; i++)
        any_row = strcmp(leaf(pa.v[i]), "row") == 0;
    for (size_t i = 0; i < pb.n && !any_row; i++)
        any_row = strcmp(leaf(pb.v[i]), "row") == 0;
    if (sub == QK_SUB_BLOCKS || sub == QK_SUB_LIGHT) {
        if (any_row)
            st = rows(&pa, &pb, sub, out, leaves, err);
        else
            keyed(&pa, &pb, "column", name, out, leaves);
    } else if (sub == QK_SUB_ENTITIES || sub == QK_SUB_INVENTORY) {
        keyed(&pa, &pb, "player", name, out, leaves);
    } else {
        size_t i = 0, j = 0;
        while (i < pa.n && strcmp(leaf(pa.v[i]), "clock") != 0)
            i++;
        while (j < pb.n && strcmp(leaf(pb.v[j]), "clock") != 0)
            j++;
        if (i < pa.n && j < pb.n && members(pa.v[i], pb.v[j], name, out))
            set_leaves(leaves, &pa, i, &pb, j);
    }
done:
    plines_free(&pa);
    plines_free(&pb);
    return st;
}
