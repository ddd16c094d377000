/* Table, summary line and JSON output of the conformance driver. */
#include "report.h"

#include <string.h>

void conf_totals_add(struct conf_totals *t, const struct conf_result *r)
{
    switch (r->status) {
    case CONF_PASS:
        t->passed++;
        if (r->cmp.ties > 0)
            t->with_ties++;
        break;
    case CONF_SKIPPED:
        t->skipped++;
        break;
    case CONF_ERROR:
        t->errors++;
        t->failed++;
        break;
    case CONF_FAIL:
        t->failed++;
        break;
    }
}

/* "abs 1.2e-07 rel 3e-08" for a float test, "abs 1" (LSB) for a quant test, "-" when nothing
 * was compared. */
static void format_error(const struct conf_result *r, char *buf, size_t cap)
{
    if (r->cmp.count == 0 || r->entry->kind == CONF_SKIP)
        snprintf(buf, cap, "-");
    else if (r->entry->kind == CONF_FLOAT)
        snprintf(buf, cap, "abs %.2g rel %.2g", r->cmp.max_abs, r->cmp.max_rel);
    else
        snprintf(buf, cap, "abs %.9g", r->cmp.max_abs);
}

void conf_report_header(FILE *f)
{
    fprintf(f, "%-58s %-5s %-6s %-22s %6s  %s\n", "TEST", "KIND", "RESULT", "MAX ERROR", "TIES",
            "MESSAGE");
}

void conf_report_row(FILE *f, const struct conf_result *r)
{
    char err[64], ties[32];
    format_error(r, err, sizeof(err));
    if (r->entry->kind == CONF_QUANT && r->cmp.count > 0)
        snprintf(ties, sizeof(ties), "%lld", (long long)r->cmp.ties);
    else
        snprintf(ties, sizeof(ties), "-");
    fprintf(f, "%-58s %-5s %-6s %-22s %6s  %s\n", r->entry->dir, conf_kind_name(r->entry->kind),
            conf_status_name(r->status), err, ties, r->msg);
}

void conf_report_summary(FILE *f, const struct conf_totals *t)
{
    fprintf(f, "\n(failed includes %d ERROR; %d passing tests have 1-LSB tie differences)\n",
            t->errors, t->with_ties);
    fprintf(f, "%d passed, %d failed, %d skipped\n", t->passed, t->failed, t->skipped);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_result(FILE *f, const struct conf_result *r)
{
    fputs("    {\"test\": ", f);
    json_string(f, r->entry->dir);
    fprintf(f, ", \"kind\": \"%s\", \"result\": \"%s\", \"datasets\": %d",
            conf_kind_name(r->entry->kind), conf_status_name(r->status), r->datasets);
    fprintf(f, ", \"elements\": %lld, \"mismatches\": %lld", (long long)r->cmp.count,
            (long long)r->cmp.mismatches);
    fprintf(f, ", \"max_abs\": %.9g, \"max_rel\": %.9g", r->cmp.max_abs, r->cmp.max_rel);
    fprintf(f, ", \"ties\": %lld, \"ties_off_pattern\": %lld", (long long)r->cmp.ties,
            (long long)r->cmp.ties_off_pattern);
    fputs(", \"message\": ", f);
    json_string(f, r->msg);
    fputc('}', f);
}

int conf_report_json(const char *path, const char *root, const char *list,
                     const struct conf_result *r, size_t n, const struct conf_totals *t)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("{\n  \"root\": ", f);
    json_string(f, root);
    fputs(",\n  \"list\": ", f);
    json_string(f, list);
    fprintf(f, ",\n  \"float_rule\": \"|got - exp| <= %g * max(1, |exp|)\"", CONF_FLOAT_RTOL);
    fputs(",\n  \"quant_rule\": \"equal, or 1 LSB apart (tie)\"", f);
    fputs(",\n  \"results\": [\n", f);
    for (size_t i = 0; i < n; i++) {
        json_result(f, &r[i]);
        fputs(i + 1 < n ? ",\n" : "\n", f);
    }
    fprintf(f, "  ],\n  \"passed\": %d, \"failed\": %d, \"skipped\": %d, \"errors\": %d\n}\n",
            t->passed, t->failed, t->skipped, t->errors);
    return fclose(f) == 0 ? 0 : -1;
}

/* Markdown cells: '|' would end the cell, so it is escaped. */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

int conf_report_markdown(const char *path, const struct conf_result *r, size_t n,
                         const struct conf_totals *t)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("| test | kind | result | max error | ties | message |\n", f);
    fputs("|---|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < n; i++) {
        char err[64], ties[32];
        format_error(&r[i], err, sizeof(err));
        if (r[i].entry->kind == CONF_QUANT && r[i].cmp.count > 0)
            snprintf(ties, sizeof(ties), "%lld", (long long)r[i].cmp.ties);
        else
            snprintf(ties, sizeof(ties), "-");
        fprintf(f, "| %s | %s | %s | %s | %s | ", r[i].entry->dir, conf_kind_name(r[i].entry->kind),
                conf_status_name(r[i].status), err, ties);
        md_cell(f, r[i].msg);
        fputs(" |\n", f);
    }
    fprintf(f, "\n%d passed, %d failed, %d skipped\n", t->passed, t->failed, t->skipped);
    return fclose(f) == 0 ? 0 : -1;
}
