/*
 * scenario.h - the scenario parser's state, shared by scenario.c (files,
 * lines, header) and scenario_lines.c (input and expect lines).  Not
 * installed.
 */
#ifndef QR_SCENARIO_H
#define QR_SCENARIO_H

#include "internal.h"

typedef struct qr__scplayer {
    uint32_t id;
    uint32_t next_seq; /* default seq of this player's next input */
    uint16_t yaw;      /* last yaw/pitch, kept by moves that omit them */
    int16_t pitch;
    qk_input join;     /* the header's join, reused by "join" lines */
} qr__scplayer;

typedef struct qr__scparse {
    qr_scenario *sc;
    qr_error *err;
    bool have_header;
    uint64_t last_tick;      /* of the latest input line */
    uint32_t last_tick_line; /* its line */
    qr__scplayer *players;   /* sorted by id */
    size_t n_players;
    size_t cap_inputs, cap_expects;
    uint32_t host_seq;       /* default seq of the next input of player 0 */
} qr__scparse;

/* One parsed JSON object of line `lineno` (text = the line). */
qr_status qr__sc_input(qr__scparse *ps, const qr__jctx *c, json_t *obj);
qr_status qr__sc_expect(qr__scparse *ps, const qr__jctx *c, json_t *obj);

/* Appends an input (growing the array); QR_ERR_NOMEM on failure. */
qr_status qr__sc_push_input(qr__scparse *ps, const qk_input *in, uint32_t line);
qr__scplayer *qr__sc_player(qr__scparse *ps, uint32_t id);

/* Block name at JSON pointer ptr/key -> id, with "unknown block" errors. */
qr_status qr__sc_block(qr__scparse *ps, const qr__jctx *c, const json_t *v,
                       const char *ptr, qk_block_id *out);

/* Item name -> id, with "unknown item" errors; air is not an item. */
qr_status qr__sc_item(qr__scparse *ps, const qr__jctx *c, const json_t *v,
                      const char *ptr, qk_item_id *out);
/* Most of item `id` per slot (the pack's max_stack, 0 meaning 64). */
unsigned qr__sc_max_stack(const qr__scparse *ps, qk_item_id id);
/* Weather by qk_weather_name; false for an unknown name. */
bool qr__sc_weather(const char *name, qk_weather *out);

/* Bounds of block coordinates. */
extern const int64_t qr__pos_min[3], qr__pos_max[3];

#endif /* QR_SCENARIO_H */
