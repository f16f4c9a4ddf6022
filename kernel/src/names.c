/*
 * names.c - the stable lower-case names of the kernel's enums.
 *
 * These strings appear in event streams and scenarios, so they are part of
 * the file formats: append new names, never rename (docs/formats.md).
 */
#include "quarry/qk.h"

#define NAME_OF(table, v) \
    (((unsigned)(v) < sizeof(table) / sizeof(table[0]) && table[(unsigned)(v)]) ? table[(unsigned)(v)] : "?")

const char *qk_status_str(qk_status s)
{
    static const char *const t[] = {
        [QK_OK] = "ok",
        [QK_ERR_NOMEM] = "out of memory",
        [QK_ERR_INVALID] = "invalid argument",
        [QK_ERR_RANGE] = "out of range",
        [QK_ERR_CORRUPT] = "corrupt snapshot",
        [QK_ERR_VERSION] = "version or registry mismatch",
        [QK_ERR_CAPACITY] = "buffer too small",
        [QK_ERR_STATE] = "world unusable after an earlier failure",
        [QK_ERR_STALE] = "stale revision",
    };
    return NAME_OF(t, s);
}

const char *qk_op_name(qk_op op)
{
    static const char *const t[] = {
        [QK_OP_JOIN] = "join", [QK_OP_MOVE] = "move",     [QK_OP_JUMP] = "jump",
        [QK_OP_PLACE] = "place", [QK_OP_BREAK] = "break", [QK_OP_SELECT] = "select",
        [QK_OP_UNDO] = "undo", [QK_OP_INV_MOVE] = "inv_move", [QK_OP_INV_SPLIT] = "inv_split",
        [QK_OP_INV_MERGE] = "inv_merge", [QK_OP_INV_SWAP] = "inv_swap",
        [QK_OP_INV_DROP] = "inv_drop", [QK_OP_CRAFT] = "craft", [QK_OP_SET_TIME] = "set_time",
        [QK_OP_WEATHER] = "weather",
    };
    return NAME_OF(t, op);
}

const char *qk_event_name(qk_event_type ty)
{
    static const char *const t[] = {
        [QK_EV_SPAWN] = "spawn",   [QK_EV_PLAYER] = "player", [QK_EV_BLOCK] = "block",
        [QK_EV_DROP] = "drop",     [QK_EV_SELECT] = "select", [QK_EV_REJECT] = "reject",
        [QK_EV_DIGEST] = "digest", [QK_EV_LIGHT_COMMIT] = "light_commit",
        [QK_EV_TIME] = "time",     [QK_EV_WEATHER] = "weather_changed",
        [QK_EV_INVENTORY] = "inventory_changed", [QK_EV_ITEM_LOST] = "item_lost",
        [QK_EV_CRAFTED] = "crafted", [QK_EV_CRAFT_REJECTED] = "craft_rejected",
    };
    return NAME_OF(t, ty);
}

const char *qk_cause_name(qk_cause c)
{
    static const char *const t[] = {
        [QK_CAUSE_PLACE] = "place",   [QK_CAUSE_BREAK] = "break",       [QK_CAUSE_UNDO] = "undo",
        [QK_CAUSE_GENERATE] = "generate", [QK_CAUSE_JOIN] = "join",     [QK_CAUSE_PICKUP] = "pickup",
        [QK_CAUSE_MOVE] = "move",     [QK_CAUSE_SPLIT] = "split",       [QK_CAUSE_MERGE] = "merge",
        [QK_CAUSE_SWAP] = "swap",     [QK_CAUSE_DROP] = "drop",         [QK_CAUSE_CRAFT] = "craft",
        [QK_CAUSE_CYCLE] = "cycle",   [QK_CAUSE_SCHEDULE] = "schedule", [QK_CAUSE_COMMAND] = "command",
    };
    return NAME_OF(t, c);
}

const char *qk_reason_name(qk_reason r)
{
    static const char *const t[] = {
        [QK_REASON_REACH] = "reach",
        [QK_REASON_OUT_OF_WORLD] = "out_of_world",
        [QK_REASON_OCCUPIED] = "occupied",
        [QK_REASON_NO_SUPPORT] = "no_support",
        [QK_REASON_INTERSECTS] = "intersects_player",
        [QK_REASON_EMPTY_HAND] = "empty_hand",
        [QK_REASON_NOTHING] = "nothing_to_break",
        [QK_REASON_UNBREAKABLE] = "unbreakable",
        [QK_REASON_UNKNOWN_PLAYER] = "unknown_player",
        [QK_REASON_ALREADY_JOINED] = "already_joined",
        [QK_REASON_DUPLICATE] = "duplicate_input",
        [QK_REASON_BAD_ARGUMENT] = "bad_argument",
        [QK_REASON_FULL] = "world_full",
        [QK_REASON_UNKNOWN_TXN] = "unknown_txn",
        [QK_REASON_NOT_YOURS] = "not_yours",
        [QK_REASON_CONFLICT] = "conflict",
        [QK_REASON_EMPTY_SLOT] = "empty_slot",
        [QK_REASON_SLOT_OCCUPIED] = "slot_occupied",
        [QK_REASON_STACK_FULL] = "stack_full",
        [QK_REASON_NOT_ENOUGH] = "not_enough",
        [QK_REASON_INVENTORY_FULL] = "inventory_full",
        [QK_REASON_NOT_PLACEABLE] = "not_placeable",
        [QK_REASON_NO_RECIPE] = "no_recipe",
        [QK_REASON_NEEDS_TABLE] = "needs_table",
        [QK_REASON_NOT_A_TABLE] = "not_a_table",
    };
    return NAME_OF(t, r);
}

const char *qk_subsys_name(qk_subsys s)
{
    static const char *const t[] = {
        [QK_SUB_BLOCKS] = "blocks",       [QK_SUB_ENTITIES] = "entities", [QK_SUB_LIGHT] = "light",
        [QK_SUB_INVENTORY] = "inventory", [QK_SUB_TIME] = "time",         [QK_SUB_WEATHER] = "weather"};
    return NAME_OF(t, s);
}

const char *qk_face_name(qk_face f)
{
    static const char *const t[] = {
        [QK_FACE_DOWN] = "down",   [QK_FACE_UP] = "up",     [QK_FACE_NORTH] = "north",
        [QK_FACE_SOUTH] = "south", [QK_FACE_WEST] = "west", [QK_FACE_EAST] = "east",
    };
    return NAME_OF(t, f);
}

const char *qk_weather_name(qk_weather w)
{
    static const char *const t[] = {[QK_WEATHER_CLEAR] = "clear", [QK_WEATHER_RAIN] = "rain",
                                    [QK_WEATHER_SNOW] = "snow", [QK_WEATHER_THUNDER] = "thunder"};
    return NAME_OF(t, w);
}

const char *qk_phase_name(qk_phase p)
{
    static const char *const t[] = {[QK_PHASE_NIGHT] = "night", [QK_PHASE_DAWN] = "dawn",
                                    [QK_PHASE_DAY] = "day", [QK_PHASE_DUSK] = "dusk"};
    return NAME_OF(t, p);
}

const char *qk_mode_name(qk_gamemode m)
{
    static const char *const t[] = {[QK_MODE_SURVIVAL] = "survival",
                                    [QK_MODE_CREATIVE] = "creative"};
    return NAME_OF(t, m);
}
