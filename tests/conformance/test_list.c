/* Parser of the conformance test list (format in test_list.h). */
#include "test_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"

const char *conf_kind_name(enum conf_kind k)
{
    switch (k) {
    case CONF_FLOAT:
        return "float";
    case CONF_QUANT:
        return "quant";
    case CONF_SKIP:
        return "skip";
    }
    return "?";
}

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void entry_free(struct conf_entry *e)
{
    free(e->dir);
    for (size_t i = 0; i < e->nbind; i++)
        free(e->bind[i]);
    free(e->bind);
    free(e->reason);
}

void conf_list_free(struct conf_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        entry_free(&list->e[i]);
    free(list->e);
    list->e = NULL;
    list->n = 0;
}

const struct conf_entry *conf_list_find(const struct conf_list *list, const char *dir)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->e[i].dir, dir) == 0)
            return &list->e[i];
    return NULL;
}

/* Next whitespace-separated word of *p (advancing *p); length 0 at the end of the line. */
static size_t next_word(const char **p, const char **word)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    *word = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    *p = s;
    return (size_t)(s - *word);
}

/* Splits "A,B,C" into e->bind. */
static int parse_binds(struct conf_entry *e, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ',')
            continue;
        if (i == start)
            return -1; /* empty name: "bind=" or "a,,b" */
        char **grown = realloc(e->bind, (e->nbind + 1) * sizeof(*grown));
        if (!grown)
            return -1;
        e->bind = grown;
        e->bind[e->nbind] = dup_range(s + start, i - start);
        if (!e->bind[e->nbind])
            return -1;
        e->nbind++;
        start = i + 1;
    }
    e->bind_given = true;
    return 0;
}

/* Parses one line (comment already removed) into e; returns 0, 1 for a blank line, or -1 with
 * the problem in err. */
static int parse_line(const char *line, struct conf_entry *e, char *err, size_t cap)
{
    const char *p = line, *w;
    size_t n = next_word(&p, &w);
    if (n == 0)
        return 1;
    if (n == 5 && strncmp(w, "float", 5) == 0)
        e->kind = CONF_FLOAT;
    else if (n == 5 && strncmp(w, "quant", 5) == 0)
        e->kind = CONF_QUANT;
    else if (n == 4 && strncmp(w, "skip", 4) == 0)
        e->kind = CONF_SKIP;
    else {
        snprintf(err, cap, "unknown kind '%.*s' (float, quant or skip)", (int)n, w);
        return -1;
    }
    n = next_word(&p, &w);
    if (n == 0) {
        snprintf(err, cap, "%s line without a test directory", conf_kind_name(e->kind));
        return -1;
    }
    e->dir = dup_range(w, n);
    if (!e->dir) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    if (e->kind == CONF_SKIP) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strlen(p);
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0) {
            snprintf(err, cap, "skip %s without a reason", e->dir);
            return -1;
        }
        e->reason = dup_range(p, len);
        return e->reason ? 0 : -1;
    }
    while ((n = next_word(&p, &w)) > 0) {
        if (n > 5 && strncmp(w, "bind=", 5) == 0 && !e->bind_given) {
            if (parse_binds(e, w + 5, n - 5) != 0) {
                snprintf(err, cap, "bad bind list '%.*s'", (int)n, w);
                return -1;
            }
            continue;
        }
        snprintf(err, cap, "unexpected '%.*s' (only one bind=NAME,... may follow)", (int)n, w);
        return -1;
    }
    return 0;
}

int conf_list_parse(const char *name, const char *text, struct conf_list *list, char *err,
                    size_t cap)
{
    list->n = 0;
    list->e = NULL;
    int lineno = 0;
    const char *s = text;
    while (*s) {
        lineno++;
        const char *end = strchr(s, '\n');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *hash = memchr(s, '#', len);
        char *line = dup_range(s, hash ? (size_t)(hash - s) : len);
        s += len + (end ? 1 : 0);
        if (!line) {
            snprintf(err, cap, "%s: out of memory", name);
            return -1;
        }
        if (strlen(line) > 0 && line[strlen(line) - 1] == '\r')
            line[strlen(line) - 1] = '\0';
        struct conf_entry e = {.line = lineno};
        char why[256];
        int rc = parse_line(line, &e, why, sizeof(why));
        free(line);
        if (rc == 1)
            continue;
        if (rc == 0 && conf_list_find(list, e.dir)) {
            snprintf(why, sizeof(why), "%s is listed twice", e.dir);
            rc = -1;
        }
        if (rc != 0) {
            entry_free(&e);
            snprintf(err, cap, "%s:%d: %s", name, lineno, why);
            return -1;
        }
        struct conf_entry *grown = realloc(list->e, (list->n + 1) * sizeof(*grown));
        if (!grown) {
            entry_free(&e);
            snprintf(err, cap, "%s: out of memory", name);
            return -1;
        }
        list->e = grown;
        list->e[list->n++] = e;
    }
    return 0;
}

int conf_list_read(const char *path, struct conf_list *list, char *err, size_t cap)
{
    uint8_t *data;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    list->n = 0;
    list->e = NULL;
    if (dpu_read_file(path, (size_t)1 << 24, &data, &len, &d) != 0) {
        snprintf(err, cap, "%s", dpu_diag_message(&d));
        return -1;
    }
    int rc = conf_list_parse(path, (const char *)data, list, err, cap);
    free(data);
    return rc;
}
