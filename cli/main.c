/*
 * main.c - `quarry <command> [args]`: dispatch, `quarry help`, --version.
 *
 * Commands are git-style; each lives in its own cmd_*.c with its help text.
 */
#include <stdio.h>
#include <string.h>

#include "qc.h"

typedef struct qc_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
    const char *summary;
} qc_command;

static const qc_command commands[] = {
    {"run", qc_cmd_run, qc_help_run, "replay a scenario, write its event stream"},
    {"check", qc_cmd_check, qc_help_check, "replay scenarios, compare with their goldens"},
    {"diff", qc_cmd_diff, qc_help_diff, "first difference between two event streams"},
    {"bisect", qc_cmd_bisect, qc_help_bisect,
     "first divergence of two runs: tick, subsystem, chunk, voxel"},
    {"accept", qc_cmd_accept, qc_help_accept, "write goldens and update the manifest"},
    {"txn-status", qc_cmd_txn_status, qc_help_txn_status,
     "a chunk column's edit transactions after a tick"},
    {"region", qc_cmd_region, qc_help_region, "inspect a region file, verify a save"},
    {"golden", qc_cmd_golden, qc_help_golden, "golden status, review pending streams, accept"},
    {"report", qc_cmd_report, qc_help_report, "merge shards' check reports into one"},
    {"repl", qc_cmd_repl, qc_help_repl, "step a scenario by hand, beside a golden or a second run"},
    {"bake", qc_cmd_bake, qc_help_bake, "render a world offscreen into a PNG (EGL + GLES)"},
    {"export-gltf", qc_cmd_export_gltf, qc_help_export_gltf,
     "a world's greedy meshes as a glTF 2.0 binary (.glb)"},
    {"replay-bundle", qc_cmd_replay_bundle, qc_help_replay_bundle,
     "reproduce a desync bundle written by bisect --bundle"},
    /* hidden from the list: the protocol of bisect --build-a/--build-b */
    {"probe", qc_cmd_probe, qc_help_probe, NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: quarry <command> [args]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (commands[i].summary)
            fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n", "help", "show a command's help");
    fprintf(f, "\n'quarry <command> --help' for details; --version for versions.\n"
               "Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input.\n");
}

static const qc_command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return QC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        char hx[17];
        qr_hex64(qr_schema_hash(), hx);
        printf("quarry %s (kernel %s, event schema %s)\n", QK_VERSION_STRING,
               QK_VERSION_STRING, hx);
        return QC_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return QC_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return QC_EXIT_OK;
        }
        const qc_command *c = find(argv[2]);
        if (!c)
            return qc_usage(NULL, "no such command '%s'", argv[2]);
        fputs(c->help, stdout);
        return QC_EXIT_OK;
    }
    const qc_command *c = find(cmd);
    if (!c)
        return qc_usage(NULL, "no such command '%s'", cmd);
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(c->help, stdout);
            return QC_EXIT_OK;
        }
    return c->fn(argc - 1, argv + 1);
}
