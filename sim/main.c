/* appcsim: entry point; dispatches to the subcommands of cli.h. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"run", cmd_run, "run scenario files and check their expectations"},
    {"check", cmd_check, "validate scenario files without running them"},
    {"explain", cmd_explain, "tell a scenario's run as a story from its trace"},
    {"coalesce", cmd_coalesce, "print the minimal prefix set equivalent to the input"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: appcsim COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nappcsim --help | --version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("appcsim %s\n", APPCSIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "appcsim: unknown command '%s' (try appcsim --help)\n", argv[1]);
    return 2;
}
