/* dpuc entry point: global options (--help, --version), `help CMD`, then dispatch to the
 * subcommand's row in dpuc_commands[]. Subcommands never see --help: it is answered here
 * from their usage text, so every command documents itself the same way. */
#include <stdio.h>
#include <string.h>

#include "dpu/isa_gen.h"
#include "dpuc.h"

#ifndef DPUC_VERSION
#define DPUC_VERSION "unknown"
#endif

static void print_usage(FILE *out)
{
    fprintf(out, "usage: dpuc COMMAND [ARGS...]\n"
                 "       dpuc help COMMAND    (or: dpuc COMMAND --help)\n"
                 "       dpuc --version\n"
                 "\n"
                 "commands:\n");
    for (size_t i = 0; i < dpuc_command_count; i++)
        fprintf(out, "  %-10s %s\n", dpuc_commands[i].name, dpuc_commands[i].summary);
}

static void print_version(void)
{
#if defined(DPU_ISA_VERSION_MAJOR) && defined(DPU_ISA_VERSION_MINOR)
    printf("dpuc %s (ISA %s %d.%d)\n", DPUC_VERSION, DPU_ISA_NAME, (int)DPU_ISA_VERSION_MAJOR,
           (int)DPU_ISA_VERSION_MINOR);
#else
    printf("dpuc %s (ISA version unknown)\n", DPUC_VERSION);
#endif
}

static const struct dpuc_cmd *find_command(const char *name)
{
    for (size_t i = 0; i < dpuc_command_count; i++) {
        if (strcmp(dpuc_commands[i].name, name) == 0)
            return &dpuc_commands[i];
    }
    return NULL;
}

static int unknown(const char *what, const char *name)
{
    fprintf(stderr, "dpuc: unknown %s '%s'\n", what, name);
    print_usage(stderr);
    return 1;
}

static int help(int argc, char **argv)
{
    if (argc < 3) {
        print_usage(stdout);
        return 0;
    }
    const struct dpuc_cmd *cmd = find_command(argv[2]);
    if (!cmd)
        return unknown("command", argv[2]);
    fputs(cmd->usage, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "dpuc: no command given\n");
        print_usage(stderr);
        return 1;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(first, "--version") == 0) {
        print_version();
        return 0;
    }
    if (strcmp(first, "help") == 0)
        return help(argc, argv);
    if (first[0] == '-')
        return unknown("option", first);
    const struct dpuc_cmd *cmd = find_command(first);
    if (!cmd)
        return unknown("command", first);
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(cmd->usage, stdout);
            return 0;
        }
    }
    return cmd->run(cmd, argc - 1, argv + 1);
}
