/* docsync: keeps the generated tables inside the Markdown docs in sync with their sources.
 *
 * A Markdown document marks a generated region with two lines:
 *     <!-- generated:NAME -->
 *     <!-- end generated:NAME -->
 * and the build writes the fragment NAME.md (from isa.tbl, the presets, regs.tbl) into a
 * fragment directory. `docsync --check` fails, naming the document and region, when any
 * region differs from its fragment, references a fragment that does not exist, or when a
 * fragment is placed in no document; `docsync --update` rewrites the regions in place.
 *
 * Usage: docsync (--check | --update) --fragments DIR DOC.md...
 * Exit: 0 in sync / updated, 1 out of sync or malformed markers, 2 I/O error.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/err.h"
#include "dpu/fileio.h"

#define BEGIN_PREFIX  "<!-- generated:"
#define END_PREFIX    "<!-- end generated:"
#define MARK_SUFFIX   " -->"
#define MAX_DOC_BYTES (16u << 20)

struct buf {
    char *p;
    size_t len, cap;
};

static bool buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return false;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

/* If line [s, s+n) is "<prefix>NAME -->", copies NAME into name (size cap) and returns true. */
static bool marker_name(const char *s, size_t n, const char *prefix, char *name, size_t cap)
{
    size_t pl = strlen(prefix), sl = strlen(MARK_SUFFIX);
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    if (n <= pl + sl || memcmp(s, prefix, pl) != 0 || memcmp(s + n - sl, MARK_SUFFIX, sl) != 0)
        return false;
    size_t nl = n - pl - sl;
    if (nl == 0 || nl >= cap)
        return false;
    memcpy(name, s + pl, nl);
    name[nl] = '\0';
    return true;
}

struct used {
    char **names;
    size_t count;
};

static void mark_used(struct used *u, const char *name)
{
    for (size_t i = 0; i < u->count; i++)
        if (strcmp(u->names[i], name) == 0)
            return;
    char **nn = realloc(u->names, (u->count + 1) * sizeof *nn);
    if (!nn)
        return;
    u->names = nn;
    u->names[u->count] = strdup(name);
    if (u->names[u->count])
        u->count++;
}

/* Rebuilds one document with fresh fragments into out. Returns 0, 1 (user error), 2 (I/O). */
static int rebuild(const char *doc, const char *text, size_t len, const char *fragdir,
                   struct buf *out, struct used *used)
{
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t next = end < len ? end + 1 : end;
        line++;
        char name[256];
        if (marker_name(text + pos, end - pos, END_PREFIX, name, sizeof name)) {
            fprintf(stderr, "%s:%d: error: end marker for '%s' without a begin marker\n", doc, line,
                    name);
            return 1;
        }
        if (!buf_add(out, text + pos, next - pos))
            return 2;
        if (!marker_name(text + pos, end - pos, BEGIN_PREFIX, name, sizeof name)) {
            pos = next;
            continue;
        }
        /* Skip the old region up to the matching end marker. */
        int begin_line = line;
        pos = next;
        bool closed = false;
        while (pos < len) {
            end = pos;
            while (end < len && text[end] != '\n')
                end++;
            next = end < len ? end + 1 : end;
            line++;
            char other[256];
            if (marker_name(text + pos, end - pos, END_PREFIX, other, sizeof other)) {
                if (strcmp(other, name) != 0) {
                    fprintf(stderr, "%s:%d: error: end marker '%s' closes region '%s' (line %d)\n",
                            doc, line, other, name, begin_line);
                    return 1;
                }
                closed = true;
                break;
            }
            if (marker_name(text + pos, end - pos, BEGIN_PREFIX, other, sizeof other)) {
                fprintf(stderr, "%s:%d: error: region '%s' opened inside region '%s' (line %d)\n",
                        doc, line, other, name, begin_line);
                return 1;
            }
            pos = next;
        }
        if (!closed) {
            fprintf(stderr, "%s:%d: error: region '%s' is never closed\n", doc, begin_line, name);
            return 1;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.md", fragdir, name);
        uint8_t *frag;
        size_t flen;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_read_file(path, MAX_DOC_BYTES, &frag, &flen, &d) != DPU_OK) {
            fprintf(stderr, "%s:%d: error: region '%s' has no generated fragment (%s)\n", doc,
                    begin_line, name, dpu_diag_message(&d));
            return 1;
        }
        bool ok = buf_add(out, (const char *)frag, flen);
        if (ok && flen && frag[flen - 1] != '\n')
            ok = buf_add(out, "\n", 1);
        free(frag);
        if (!ok || !buf_add(out, text + pos, next - pos))
            return 2;
        mark_used(used, name);
        pos = next;
    }
    return 0;
}

/* Fails for every fragment in fragdir that no document places. */
static int check_all_placed(const char *fragdir, const struct used *used)
{
    DIR *dir = opendir(fragdir);
    if (!dir) {
        fprintf(stderr, "docsync: cannot open fragment directory %s\n", fragdir);
        return 2;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0)
            continue;
        char name[256];
        if (n - 3 >= sizeof name)
            continue;
        memcpy(name, e->d_name, n - 3);
        name[n - 3] = '\0';
        bool found = false;
        for (size_t i = 0; i < used->count && !found; i++)
            found = strcmp(used->names[i], name) == 0;
        if (!found) {
            fprintf(stderr, "docsync: error: generated fragment '%s' is placed in no document\n",
                    name);
            rc = 1;
        }
    }
    closedir(dir);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: docsync (--check | --update) --fragments DIR DOC.md...\n");
}

int main(int argc, char **argv)
{
    bool update = false, mode_set = false;
    const char *fragdir = NULL;
    int first_doc = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0) {
            mode_set = true;
        } else if (strcmp(argv[i], "--update") == 0) {
            mode_set = update = true;
        } else if (strcmp(argv[i], "--fragments") == 0 && i + 1 < argc) {
            fragdir = argv[++i];
        } else if (argv[i][0] == '-') {
            usage();
            return 1;
        } else {
            first_doc = i;
            break;
        }
    }
    if (!mode_set || !fragdir || first_doc >= argc) {
        usage();
        return 1;
    }
    int rc = 0;
    struct used used = {NULL, 0};
    for (int i = first_doc; i < argc; i++) {
        const char *doc = argv[i];
        uint8_t *text;
        size_t len;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_read_file(doc, MAX_DOC_BYTES, &text, &len, &d) != DPU_OK) {
            fprintf(stderr, "docsync: %s\n", dpu_diag_message(&d));
            rc = 2;
            continue;
        }
        struct buf out = {NULL, 0, 0};
        int r = rebuild(doc, (const char *)text, len, fragdir, &out, &used);
        if (r == 0) {
            bool same = out.len == len && (len == 0 || memcmp(out.p, text, len) == 0);
            if (!same && update) {
                dpu_diag_clear(&d);
                if (dpu_write_file(doc, out.p, out.len, &d) != DPU_OK) {
                    fprintf(stderr, "docsync: %s\n", dpu_diag_message(&d));
                    r = 2;
                } else {
                    printf("docsync: updated %s\n", doc);
                }
            } else if (!same) {
                fprintf(stderr,
                        "docsync: error: %s is out of date with its generated tables; run "
                        "`cmake --build BUILD --target update-docs` and commit the result\n",
                        doc);
                r = 1;
            }
        }
        free(out.p);
        free(text);
        if (r > rc)
            rc = r;
    }
    if (rc == 0) {
        int r = check_all_placed(fragdir, &used);
        if (r > rc)
            rc = r;
    }
    for (size_t i = 0; i < used.count; i++)
        free(used.names[i]);
    free(used.names);
    return rc;
}
