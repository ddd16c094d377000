/* timing_check: validates what dpusim --timing writes (used by tests/timing.cmake).
 *
 *   timing_check --report R.json [--trace T.json] [--svg R.svg] [--same A.json]
 *
 * --report: strict JSON with the schema of docs/dpusim.md (version 3), the layers' cycles
 * (their shares of the timeline) plus the unattributed cycles adding up to the total, each
 * layer's share within its active cycles and those within its span, and the layers'
 * advance cycles (version 2's attribution) adding up to at most the total. --trace: strict JSON
 * obeying the trace-event rules (json_check.h) with at least one slice. --svg: well-formed XML with
 * root <svg>.
 * --same: another report with the same total and per-layer cycles, active cycles, spans and
 * advance cycles (--timing against --timing-only). Exit 0 when valid, 1 with a message otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

static int load_json(const char *path, struct jv *v)
{
    size_t n;
    char *text = read_file(path, &n);
    if (!text) {
        fprintf(stderr, "timing_check: cannot read %s\n", path);
        return -1;
    }
    char why[512];
    int rc = json_parse(text, n, v, why, sizeof why);
    free(text);
    if (rc)
        fprintf(stderr, "timing_check: %s: invalid JSON: %s\n", path, why);
    return rc;
}

static double field(const struct jv *o, const char *key, bool *ok)
{
    const struct jv *v = jv_get(o, key);
    if (!v || v->type != J_NUM) {
        *ok = false;
        return 0;
    }
    return v->num;
}

static int check_report(const char *path, struct jv *r)
{
    if (load_json(path, r))
        return -1;
    const struct jv *schema = jv_get(r, "schema"), *total = jv_get(r, "total");
    const struct jv *layers = jv_get(r, "layers"), *steps = jv_get(r, "steps");
    if (!schema || schema->type != J_STR || strcmp(schema->str, "opendpu-timing-report") ||
        !total || total->type != J_OBJ || !layers || layers->type != J_ARR || !steps ||
        steps->type != J_ARR) {
        fprintf(stderr, "timing_check: %s: not a timing report (schema, total, steps, layers)\n",
                path);
        return -1;
    }
    bool ok = true;
    double cycles = field(total, "cycles", &ok), un = field(total, "unattributed_cycles", &ok);
    double sum = 0;
    static const char *const keys[] = {"cycles",
                                       "active_cycles",
                                       "span_cycles",
                                       "start_cycle",
                                       "end_cycle",
                                       "advance_cycles",
                                       "macs",
                                       "issued_macs",
                                       "mac_utilization",
                                       "ddr_read_bytes",
                                       "ddr_write_bytes",
                                       "roofline_cycles",
                                       "ratio_to_roofline"};
    const struct jv *version = jv_get(r, "version");
    if (!version || version->type != J_NUM || version->num != 3) {
        fprintf(stderr, "timing_check: %s: not version 3 of the report\n", path);
        return -1;
    }
    double advance = 0;
    for (size_t i = 0; i < layers->n && ok; i++) {
        const struct jv *L = &layers->items[i];
        const struct jv *bound = jv_get(L, "bound"), *name = jv_get(L, "name");
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            if (field(L, keys[k], &ok) < 0)
                ok = false;
        if (!ok || !bound || bound->type != J_STR || !name || name->type != J_STR ||
            (strcmp(bound->str, "compute") && strcmp(bound->str, "memory") &&
             strcmp(bound->str, "dependency"))) {
            fprintf(stderr, "timing_check: %s: layer %zu lacks a field or has a bad one\n", path,
                    i);
            return -1;
        }
        double c = field(L, "cycles", &ok), act = field(L, "active_cycles", &ok);
        double span = field(L, "span_cycles", &ok);
        if (c > act || act > span ||
            field(L, "end_cycle", &ok) - field(L, "start_cycle", &ok) != span) {
            fprintf(stderr,
                    "timing_check: %s: layer %zu: cycles %.0f, active %.0f, span %.0f out of "
                    "order\n",
                    path, i, c, act, span);
            return -1;
        }
        sum += c;
        advance += field(L, "advance_cycles", &ok);
    }
    if (ok && advance > cycles) {
        fprintf(stderr, "timing_check: %s: advance cycles %.0f exceed the total %.0f\n", path,
                advance, cycles);
        return -1;
    }
    if (!ok || cycles <= 0 || !layers->n || sum + un != cycles) {
        fprintf(stderr,
                "timing_check: %s: total %.0f cycles, %zu layers adding up to %.0f (+%.0f "
                "unattributed)\n",
                path, cycles, layers->n, sum, un);
        return -1;
    }
    return 0;
}

static int same(const char *a_path, const struct jv *a, const char *b_path)
{
    struct jv b;
    if (check_report(b_path, &b))
        return -1;
    const struct jv *la = jv_get(a, "layers"), *lb = jv_get(&b, "layers");
    bool ok = true;
    double ca = field(jv_get(a, "total"), "cycles", &ok),
           cb = field(jv_get(&b, "total"), "cycles", &ok);
    int rc = 0;
    if (ca != cb || la->n != lb->n) {
        fprintf(stderr, "timing_check: %s has %.0f cycles and %zu layers, %s %.0f and %zu\n",
                a_path, ca, la->n, b_path, cb, lb->n);
        rc = -1;
    }
    static const char *const keys[] = {"cycles", "active_cycles", "span_cycles", "advance_cycles"};
    for (size_t i = 0; !rc && i < la->n; i++) {
        for (size_t k = 0; !rc && k < sizeof keys / sizeof *keys; k++) {
            if (field(&la->items[i], keys[k], &ok) != field(&lb->items[i], keys[k], &ok)) {
                fprintf(stderr, "timing_check: layer %zu's %s differs between %s and %s\n", i,
                        keys[k], a_path, b_path);
                rc = -1;
            }
        }
    }
    jv_free(&b);
    return rc;
}

int main(int argc, char **argv)
{
    const char *report = NULL, *trace = NULL, *svg = NULL, *other = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char **slot = !strcmp(argv[i], "--report")  ? &report
                            : !strcmp(argv[i], "--trace") ? &trace
                            : !strcmp(argv[i], "--svg")   ? &svg
                            : !strcmp(argv[i], "--same")  ? &other
                                                          : NULL;
        if (!slot) {
            fprintf(stderr, "timing_check: unknown option %s\n", argv[i]);
            return 1;
        }
        *slot = argv[i + 1];
    }
    if (!report || argc % 2 == 0) {
        fprintf(stderr, "usage: timing_check --report R.json [--trace T.json] [--svg R.svg] "
                        "[--same A.json]\n");
        return 1;
    }
    struct jv r;
    if (check_report(report, &r))
        return 1;
    int rc = other ? same(report, &r, other) : 0;
    jv_free(&r);
    if (!rc && trace) {
        struct jv t;
        rc = load_json(trace, &t);
        if (!rc) {
            char why[512];
            size_t n = 0;
            rc = trace_check(&t, &n, why, sizeof why);
            if (rc)
                fprintf(stderr, "timing_check: %s: %s\n", trace, why);
            else if (!n)
                rc = -1, fprintf(stderr, "timing_check: %s: no slices\n", trace);
            jv_free(&t);
        }
    }
    if (!rc && svg) {
        size_t n;
        char *text = read_file(svg, &n);
        char why[512];
        rc = text ? xml_check(text, n, "svg", why, sizeof why) : -1;
        if (rc)
            fprintf(stderr, "timing_check: %s: %s\n", svg, text ? why : "cannot read");
        free(text);
    }
    if (!rc)
        printf("timing_check: valid%s%s\n", trace ? ", trace balanced" : "",
               svg ? ", SVG well-formed" : "");
    return rc ? 1 : 0;
}
