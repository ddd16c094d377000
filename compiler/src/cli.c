/* Helpers shared by the dpuc subcommands: usage errors, option values, "-" for stdin and
 * stdout, and turning a library diagnostic into a message and an exit code. */
#include "dpuc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"

int dpuc_usage_error(const struct dpuc_cmd *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dpuc: %s: ", self->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n%s", self->usage);
    va_end(ap);
    return 1;
}

int dpuc_report(const struct dpu_diag *d)
{
    fprintf(stderr, "dpuc: %s\n", dpu_diag_message(d));
    int code = dpu_exit_code(d->err);
    return code ? code : 2; /* a failure without a code is our bug, not the user's */
}

int dpuc_opt_value(const struct dpuc_cmd *self, int argc, char **argv, int *i, const char *shrt,
                   const char *lng, const char **value)
{
    const char *a = argv[*i];
    size_t ll = strlen(lng);
    if (strncmp(a, lng, ll) == 0 && a[ll] == '=') {
        *value = a + ll + 1;
        return 1;
    }
    if (strcmp(a, lng) != 0 && !(shrt && strcmp(a, shrt) == 0))
        return 0;
    if (*i + 1 >= argc) {
        dpuc_usage_error(self, "option %s needs a value", a);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

const char *dpuc_display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static int read_stdin(size_t max_bytes, uint8_t **data, size_t *len, struct dpu_diag *d)
{
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (!buf)
        return dpu_diag_set(d, DPU_E_NOMEM, "<stdin>: out of memory");
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) {
                free(buf);
                return dpu_diag_set(d, DPU_E_RANGE, "<stdin>: input larger than %zu bytes",
                                    max_bytes);
            }
            uint8_t *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                return dpu_diag_set(d, DPU_E_NOMEM, "<stdin>: out of memory");
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(stdin) || n > max_bytes) {
        free(buf);
        return dpu_diag_set(d, ferror(stdin) ? DPU_E_IO : DPU_E_RANGE,
                            "<stdin>: read error or input larger than %zu bytes", max_bytes);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return DPU_OK;
}

int dpuc_read_input(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                    struct dpu_diag *d)
{
    *data = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0)
        return read_stdin(max_bytes, data, len, d);
    return dpu_read_file(path, max_bytes, data, len, d);
}

int dpuc_write_output(const char *path, const void *data, size_t len, struct dpu_diag *d)
{
    if (strcmp(path, "-") != 0)
        return dpu_write_file(path, data, len, d);
    if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0)
        return dpu_diag_set(d, DPU_E_IO, "<stdout>: write error");
    return DPU_OK;
}

int dpuc_parse_in_out(const struct dpuc_cmd *self, int argc, char **argv, const char *what,
                      int (*flag)(const char *arg, void *ctx), void *ctx, const char **input,
                      const char **output)
{
    bool options_done = false;
    *input = NULL;
    *output = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (flag && flag(a, ctx))
                continue;
            int r = dpuc_opt_value(self, argc, argv, &i, "-o", "--output", output);
            if (r < 0)
                return 1;
            if (r == 0)
                return dpuc_usage_error(self, "unknown option '%s'", a);
            continue;
        }
        if (*input)
            return dpuc_usage_error(self, "unexpected argument '%s' (one %s only)", a, what);
        *input = a;
    }
    if (!*input)
        return dpuc_usage_error(self, "missing the %s", what);
    return 0;
}

char *dpuc_swap_ext(const char *path, const char *const *old_exts, const char *new_ext)
{
    size_t n = strlen(path);
    for (size_t k = 0; old_exts && old_exts[k]; k++) {
        size_t e = strlen(old_exts[k]);
        if (n > e && strcmp(path + n - e, old_exts[k]) == 0) {
            n -= e;
            break;
        }
    }
    size_t ne = strlen(new_ext);
    char *out = malloc(n + ne + 1);
    if (out) {
        memcpy(out, path, n);
        memcpy(out + n, new_ext, ne + 1);
    }
    return out;
}
