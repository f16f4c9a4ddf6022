/*
 * manifest.c - golden/MANIFEST.json: what each golden is and who accepted it.
 *
 * The manifest records, per scenario, the XXH3 of the accepted golden stream,
 * so a golden edited by hand (or damaged by a merge) is caught before it is
 * compared, and why/when/by whom each golden last changed.  It is written
 * deterministically (entries sorted by name, fixed key order, 2-space
 * indentation) so that re-accepting an unchanged scenario only touches its
 * own lines in a review diff.  Format: docs/formats.md, "Golden manifest".
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void qr_manifest_free(qr_manifest *m)
{
    free(m->entries);
    memset(m, 0, sizeof *m);
}

static size_t find_index(const qr_manifest *m, const char *name, bool *found)
{
    size_t lo = 0, hi = m->count;
    *found = false;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->entries[mid].name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const qr_manifest_entry *qr_manifest_find(const qr_manifest *m, const char *name)
{
    bool found;
    size_t i = find_index(m, name, &found);
    return found ? &m->entries[i] : NULL;
}

qr_status qr_manifest_put(qr_manifest *m, const qr_manifest_entry *e)
{
    bool found;
    size_t i = find_index(m, e->name, &found);
    if (found) {
        m->entries[i] = *e;
        return QR_OK;
    }
    if (m->count == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        qr_manifest_entry *ne = realloc(m->entries, nc * sizeof *ne);
        if (!ne)
            return QR_ERR_NOMEM;
        m->entries = ne;
        m->cap = nc;
    }
    memmove(&m->entries[i + 1], &m->entries[i], (m->count - i) * sizeof *m->entries);
    m->entries[i] = *e;
    m->count++;
    return QR_OK;
}

static const char *const top_keys[] = {"format", "scenarios", NULL};
static const char *const entry_keys[] = {"stream_hash", "events", "ticks", "bytes", "kernel",
                                         "accepted_by", "accepted_at", "reason", NULL};

static qr_status parse_hex(const qr__jctx *c, const json_t *o, const char *ptr,
                           uint64_t *out)
{
    const char *s;
    qr_status st = qr__jstr(c, o, ptr, "stream_hash", true, 16, &s, NULL);
    if (st)
        return st;
    uint64_t v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                   : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) : 99;
        if (d > 15)
            break;
        v = v << 4 | d;
    }
    if (n != 16 || s[n]) {
        char p[200];
        snprintf(p, sizeof p, "%s/stream_hash", ptr);
        return qr__jfail(c, p, false, "\"stream_hash\" must be 16 lowercase hex digits");
    }
    *out = v;
    return QR_OK;
}

static qr_status parse_entry(const qr__jctx *c, const char *name, const json_t *o,
                             qr_manifest_entry *e)
{
    char ptr[128];
    snprintf(ptr, sizeof ptr, "/scenarios/%s", name);
    if (!json_is_object(o))
        return qr__jfail(c, ptr, false, "a manifest entry must be an object");
    if (!qr__valid_name(name))
        return qr__jfail(c, ptr, true, "bad scenario name \"%.60s\"", name);
    memset(e, 0, sizeof *e);
    qr__strlcpy(e->name, name, sizeof e->name);
    int64_t events, ticks, bytes;
    const char *kernel, *by, *at, *reason;
    qr_status st;
    if ((st = qr__jkeys(c, o, ptr, "a manifest entry", entry_keys)) ||
        (st = parse_hex(c, o, ptr, &e->stream_hash)) ||
        (st = qr__jint(c, o, ptr, "events", true, 0, INT64_MAX, &events, NULL)) ||
        (st = qr__jint(c, o, ptr, "ticks", true, 0, INT64_MAX, &ticks, NULL)) ||
        (st = qr__jint(c, o, ptr, "bytes", true, 0, INT64_MAX, &bytes, NULL)) ||
        (st = qr__jstr(c, o, ptr, "kernel", true, sizeof e->kernel - 1, &kernel, NULL)) ||
        (st = qr__jstr(c, o, ptr, "accepted_by", true, sizeof e->accepted_by - 1, &by,
                       NULL)) ||
        (st = qr__jstr(c, o, ptr, "accepted_at", true, sizeof e->accepted_at - 1, &at,
                       NULL)) ||
        (st = qr__jstr(c, o, ptr, "reason", true, sizeof e->reason - 1, &reason, NULL)))
        return st;
    e->events = (uint64_t)events;
    e->ticks = (uint64_t)ticks;
    e->bytes = (uint64_t)bytes;
    qr__strlcpy(e->kernel, kernel, sizeof e->kernel);
    qr__strlcpy(e->accepted_by, by, sizeof e->accepted_by);
    qr__strlcpy(e->accepted_at, at, sizeof e->accepted_at);
    qr__strlcpy(e->reason, reason, sizeof e->reason);
    return QR_OK;
}

qr_status qr_manifest_load(qr_manifest *m, const char *path, qr_error *err)
{
    memset(m, 0, sizeof *m);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return QR_OK; /* no manifest yet: empty */
    fclose(probe);
    char *text;
    size_t len;
    qr_status st = qr__read_file(path, 64u << 20, &text, &len, err);
    if (st)
        return st;
    qr__jctx c = {path, text, len, 1, err};
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    json_t *sc;
    int64_t format;
    if (!root) {
        st = qr__fail(err, QR_ERR_INPUT, path, (unsigned)(je.line > 0 ? je.line : 1),
                      (unsigned)(je.column > 0 ? je.column : 1), "%s", je.text);
    } else if (!json_is_object(root)) {
        st = qr__jfail(&c, "", false, "the manifest must be a JSON object");
    } else if (!(st = qr__jkeys(&c, root, "", "the manifest", top_keys)) &&
               !(st = qr__jint(&c, root, "", "format", true, 1, 1, &format, NULL)) &&
               !(st = qr__jget(&c, root, "", "scenarios", JSON_OBJECT, "an object", &sc))) {
        const char *name;
        json_t *o;
        json_object_foreach(sc, name, o) {
            qr_manifest_entry e;
            if ((st = parse_entry(&c, name, o, &e)))
                break;
            if ((st = qr_manifest_put(m, &e))) {
                st = qr__fail(err, st, path, 0, 0, "out of memory");
                break;
            }
        }
    }
    json_decref(root);
    free(text);
    if (st)
        qr_manifest_free(m);
    return st;
}

qr_status qr_manifest_save(const qr_manifest *m, const char *path, qr_error *err)
{
    json_t *root = json_object(), *sc = json_object();
    bool ok = root && sc && json_object_set_new(root, "format", json_integer(1)) == 0 &&
              json_object_set(root, "scenarios", sc) == 0;
    for (size_t i = 0; ok && i < m->count; i++) {
        const qr_manifest_entry *e = &m->entries[i];
        char hx[17];
        qr_hex64(e->stream_hash, hx);
        json_t *o = json_object();
        ok = o && json_object_set_new(o, "stream_hash", json_string(hx)) == 0 &&
             json_object_set_new(o, "events", json_integer((json_int_t)e->events)) == 0 &&
             json_object_set_new(o, "ticks", json_integer((json_int_t)e->ticks)) == 0 &&
             json_object_set_new(o, "bytes", json_integer((json_int_t)e->bytes)) == 0 &&
             json_object_set_new(o, "kernel", json_string(e->kernel)) == 0 &&
             json_object_set_new(o, "accepted_by", json_string(e->accepted_by)) == 0 &&
             json_object_set_new(o, "accepted_at", json_string(e->accepted_at)) == 0 &&
             json_object_set_new(o, "reason", json_string(e->reason)) == 0 &&
             json_object_set_new(sc, e->name, o) == 0;
    }
    char *text = ok ? json_dumps(root, JSON_INDENT(2)) : NULL;
    json_decref(sc);
    json_decref(root);
    if (!text)
        return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "cannot render the manifest "
                        "(out of memory or a string that is not UTF-8)");
    qr_afile a;
    qr_status st = qr_afile_open(&a, path, err);
    if (!st) {
        fputs(text, a.f);
        fputc('\n', a.f);
        st = qr_afile_commit(&a, err);
    }
    free(text);
    return st;
}
