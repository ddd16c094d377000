#include "preset_read.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_out.h"
#include "tbl_lex.h"

#define SUFFIX ".preset"

/* Free text (the description) is written as a quoted string, like every table's text. */
static bool load(const char *path, struct tbl_file *f)
{
    return tbl_load(path, f);
}

static bool set_string(struct tbl_file *f, const struct tbl_tok *v, char **dst)
{
    size_t n = strlen(v->text);
    *dst = malloc(n + 1);
    if (!*dst)
        return tbl_error(f, v->line, v->col, "out of memory");
    memcpy(*dst, v->text, n + 1);
    return true;
}

/* Handles one "key = value" line. Returns false after printing an error. */
static bool read_line(struct tbl_file *f, const struct tbl_line *ln, struct preset_src *s)
{
    const struct tbl_tok *t = ln->tok;
    if (t[0].kind != TBL_WORD || ln->ntok < 3 || t[1].kind != TBL_EQUALS)
        return tbl_error(f, t[0].line, t[0].col, "expected 'key = value', found '%s'", t[0].text);
    if (ln->ntok > 3)
        return tbl_error(f, t[3].line, t[3].col,
                         "unexpected '%s' after the value of '%s' (quote free text)", t[3].text,
                         t[0].text);
    const char *key = t[0].text;
    const struct tbl_tok *v = &t[2];
    int slot;
    const struct dpu_preset_key *k = NULL;
    if (strcmp(key, "name") == 0) {
        slot = PRESET_AT_NAME;
    } else if (strcmp(key, "description") == 0) {
        slot = PRESET_AT_DESC;
    } else if ((k = dpu_preset_key_find(key)) != NULL) {
        slot = PRESET_AT_INT0 + (int)(k - dpu_preset_keys);
    } else {
        return tbl_error(f, t[0].line, t[0].col, "unknown key '%s'", key);
    }
    if (s->at[slot].line)
        return tbl_error(f, t[0].line, t[0].col, "duplicate key '%s' (first set at line %d)", key,
                         s->at[slot].line);
    s->at[slot] = (struct preset_pos){v->line, v->col};

    if (slot == PRESET_AT_NAME)
        return set_string(f, v, &s->name);
    if (slot == PRESET_AT_DESC) {
        if (!v->text[0])
            return tbl_error(f, v->line, v->col, "description is empty");
        return set_string(f, v, &s->description);
    }
    int64_t value;
    if (v->kind != TBL_WORD || !tbl_parse_int(v->text, &value))
        return tbl_error(f, v->line, v->col, "value of '%s' is not an integer: '%s'", key, v->text);
    if (value < (int64_t)k->min || value > (int64_t)k->max)
        return tbl_error(f, v->line, v->col,
                         "%s = %" PRId64 " is out of range %" PRIu32 "..%" PRIu32, key, value,
                         k->min, k->max);
    *(uint32_t *)(void *)((char *)&s->p + k->offset) = (uint32_t)value;
    return true;
}

/* Every key present? Names each missing one. */
static bool check_complete(struct tbl_file *f, const struct preset_src *s)
{
    bool ok = true;
    if (!s->at[PRESET_AT_NAME].line)
        ok = tbl_error(f, 1, 1, "missing key 'name'");
    if (!s->at[PRESET_AT_DESC].line)
        ok = tbl_error(f, 1, 1, "missing key 'description'");
    for (size_t i = 0; i < dpu_preset_key_count; i++)
        if (!s->at[PRESET_AT_INT0 + i].line)
            ok = tbl_error(f, 1, 1, "missing key '%s'", dpu_preset_keys[i].name);
    return ok;
}

/* The file must be called NAME.preset: one file per preset, found by name. */
static bool check_file_name(struct tbl_file *f, const struct preset_src *s)
{
    const char *base = gen_basename(s->path);
    size_t n = strlen(base), sn = sizeof SUFFIX - 1;
    const struct preset_pos *at = &s->at[PRESET_AT_NAME];
    if (n <= sn || strcmp(base + n - sn, SUFFIX) != 0)
        return tbl_error(f, at->line, at->col, "a preset file must be named NAME%s", SUFFIX);
    if (strlen(s->name) != n - sn || memcmp(s->name, base, n - sn) != 0)
        return tbl_error(f, at->line, at->col, "name '%s' differs from the file name '%s'", s->name,
                         base);
    return true;
}

static bool check_rules(struct tbl_file *f, const struct preset_src *s)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const char *bad = NULL;
    if (dpu_preset_check(&s->p, &bad, &d) == 0)
        return true;
    struct preset_pos at = {1, 1};
    if (bad && strcmp(bad, "name") == 0) {
        at = s->at[PRESET_AT_NAME];
    } else {
        const struct dpu_preset_key *k = dpu_preset_key_find(bad);
        if (k)
            at = s->at[PRESET_AT_INT0 + (k - dpu_preset_keys)];
    }
    return tbl_error(f, at.line, at.col, "%s", dpu_diag_message(&d));
}

bool preset_read(const char *path, struct preset_src *s)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    if (dpu_preset_key_count > PRESET_AT_MAX - PRESET_AT_INT0) {
        fprintf(stderr, "%s: error: internal: too many preset keys\n", path);
        return false;
    }
    struct tbl_file f;
    if (!load(path, &f))
        return false;
    bool ok = true;
    for (size_t i = 0; i < f.nlines; i++)
        if (!read_line(&f, &f.lines[i], s))
            ok = false;
    if (ok)
        ok = check_complete(&f, s);
    if (ok) {
        s->p.name = s->name;
        s->p.description = s->description;
        ok = check_file_name(&f, s) && check_rules(&f, s);
    }
    if (ok)
        s->p.hash = dpu_preset_compute_hash(&s->p);
    tbl_free(&f);
    return ok;
}

void preset_src_free(struct preset_src *s)
{
    free(s->name);
    free(s->description);
    s->name = s->description = NULL;
}
