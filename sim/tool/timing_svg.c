/* --plot: the timing report as an SVG picture. Top: MAC-array utilization per layer (its MACs
 * over its active cycles, the cycles it holds an engine: what runs beside it does not change
 * it), bars coloured by what bounds the layer, with a tick at the utilization the layer would
 * reach at its roofline bound. Bottom left: the roofline (achieved GOPS against arithmetic
 * intensity, log-log) with one dot per layer (its MACs over its active cycles) and the whole
 * model, and a dashed roof at the MISC engine's depthwise peak when the model has depthwise
 * layers. Bottom right: the totals. Every bar and dot carries a <title> (the browser shows it
 * on hover). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "timing_report.h"

#define W 1000
#define H 780

static const char *const colour[] = {"#4e79a7", "#f28e2b", "#e15759"}; /* enum tr_bound */

static void xml_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, f);
        }
    }
}

static void text(FILE *f, double x, double y, const char *anchor, int size, const char *extra,
                 const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\"%s>", x, y, anchor,
            size, extra ? extra : "");
    xml_str(f, s);
    fprintf(f, "</text>\n");
}

static void legend(FILE *f, double x, double y)
{
    static const char *const what[] = {"compute-bound", "memory-bound", "dependency stalls"};
    for (int b = 0; b < 3; b++) {
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", x,
                y + 18.0 * b, colour[b]);
        text(f, x + 18, y + 18.0 * b + 10, "start", 12, NULL, what[b]);
    }
}

static void utilization_panel(FILE *f, const struct timing_report *r)
{
    const double x0 = 70, x1 = 970, y0 = 60, y1 = 320;
    text(f, (x0 + x1) / 2, y0 - 14, "middle", 15, " font-weight=\"bold\"",
         "MAC-array utilization per layer (over the cycles it holds an engine)");
    for (int p = 0; p <= 100; p += 25) {
        double y = y1 - (y1 - y0) * p / 100.0;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x0,
                y, x1, y);
        char s[16];
        snprintf(s, sizeof s, "%d%%", p);
        text(f, x0 - 6, y + 4, "end", 11, NULL, s);
    }
    size_t n = r->nlayers ? r->nlayers : 1;
    double bw = (x1 - x0) / n;
    for (size_t l = 0; l < r->nlayers; l++) {
        const struct tr_layer *L = &r->layers[l];
        double u = tr_utilization(r, L->macs, L->active);
        if (u > 1)
            u = 1;
        double h = (y1 - y0) * u, x = x0 + bw * l;
        fprintf(f,
                "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">"
                "<title>",
                x + bw * 0.1, y1 - h, bw * 0.8, h, colour[L->bound]);
        xml_str(f, L->name);
        fprintf(f,
                " (%s): %" PRIu64 " cycles (its share of the timeline; active %" PRIu64
                ", span %" PRIu64 "), %.1f%% utilization, roofline %" PRIu64
                " cycles, %s</title></rect>\n",
                L->op, L->cycles, L->active, L->span_end - L->span_start, 100 * u, L->roofline,
                tr_bound_name(L->bound));
        double ur = tr_utilization(r, L->macs, L->roofline);
        if (L->roofline && ur <= 1) {
            double yr = y1 - (y1 - y0) * ur;
            fprintf(f,
                    "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#222\" "
                    "stroke-width=\"2\"/>\n",
                    x + bw * 0.05, yr, x + bw * 0.95, yr);
        }
        bool label = r->nlayers <= 40 || l % ((r->nlayers + 39) / 40) == 0;
        if (label) {
            char s[24];
            snprintf(s, sizeof s, "%zu", l);
            text(f, x + bw / 2, y1 + 14, "middle", 10, NULL, s);
        }
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n", x0, y1,
            x1, y1);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n", x0, y0,
            x0, y1);
    text(f, (x0 + x1) / 2, y1 + 32, "middle", 12, NULL,
         "layer (stream order; numbers as in the table and the JSON report)");
    text(f, 18, (y0 + y1) / 2, "middle", 12, " transform=\"rotate(-90 18 190)\"",
         "MAC utilization");
    legend(f, x1 - 170, y0 + 4);
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\" "
            "stroke-width=\"2\"/>\n",
            x1 - 170, y0 + 64, x1 - 158, y0 + 64);
    text(f, x1 - 152, y0 + 68, "start", 12, NULL, "at its roofline bound");
}

/* Log-scale mapping of v in [lo, hi] onto [a, b]. */
static double lmap(double v, double lo, double hi, double a, double b)
{
    return a + (b - a) * (log10(v) - log10(lo)) / (log10(hi) - log10(lo));
}

static void roofline_panel(FILE *f, const struct timing_report *r)
{
    const double x0 = 80, x1 = 600, y0 = 420, y1 = 720;
    double peak = tr_peak_gops(r);
    double bw = r->k.ddr_bytes_cycle * r->k.clock_mhz / 1e3; /* GB/s */
    double ridge = peak / bw;                                /* ops per byte */
    double amin = ridge / 100, amax = ridge * 100, gmin = peak / 1e4, gmax = peak * 2;
    for (size_t l = 0; l < r->nlayers; l++) {
        const struct tr_layer *L = &r->layers[l];
        uint64_t bytes = L->ddr_read + L->ddr_write;
        if (!L->macs || !bytes || !L->active)
            continue;
        double ai = 2.0 * L->macs / bytes, g = 2.0 * L->macs * r->k.clock_mhz / L->active / 1e3;
        amin = fmin(amin, ai);
        amax = fmax(amax, ai);
        gmin = fmin(gmin, g);
    }
    amin = pow(10, floor(log10(amin)));
    amax = pow(10, ceil(log10(amax)));
    gmin = pow(10, floor(log10(gmin)));
    gmax = pow(10, ceil(log10(gmax)));
    text(f, (x0 + x1) / 2, y0 - 14, "middle", 15, " font-weight=\"bold\"", "Roofline");
    for (double a = amin; a <= amax * 1.0001; a *= 10) {
        double x = lmap(a, amin, amax, x0, x1);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x,
                y0, x, y1);
        char s[32];
        snprintf(s, sizeof s, "%g", a);
        text(f, x, y1 + 14, "middle", 11, NULL, s);
    }
    for (double g = gmin; g <= gmax * 1.0001; g *= 10) {
        double y = lmap(g, gmin, gmax, y1, y0);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x0,
                y, x1, y);
        char s[32];
        snprintf(s, sizeof s, "%g", g);
        text(f, x0 - 6, y + 4, "end", 11, NULL, s);
    }
    /* The roof: min(peak, bw * ai), from where it enters the plot. */
    double a_start = fmax(amin, gmin / bw);
    fprintf(f,
            "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"2\" points=\"%.1f,%.1f "
            "%.1f,%.1f %.1f,%.1f\"/>\n",
            lmap(a_start, amin, amax, x0, x1), lmap(fmin(bw * a_start, peak), gmin, gmax, y1, y0),
            lmap(ridge, amin, amax, x0, x1), lmap(peak, gmin, gmax, y1, y0), x1,
            lmap(peak, gmin, gmax, y1, y0));
    char s[96];
    bool dw = false; /* depthwise layers: their roof is the MISC engine's peak */
    for (size_t l = 0; l < r->nlayers; l++)
        dw = dw || (r->layers[l].misc_compute && r->layers[l].macs);
    double dw_peak = 2.0 * (double)tr_dw_peak(r) * r->k.clock_mhz / 1e3;
    if (dw && dw_peak > gmin) {
        double a_dw = fmax(amin, gmin / bw);
        fprintf(f,
                "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\" "
                "stroke-dasharray=\"6 4\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n",
                lmap(a_dw, amin, amax, x0, x1), lmap(fmin(bw * a_dw, dw_peak), gmin, gmax, y1, y0),
                lmap(dw_peak / bw, amin, amax, x0, x1), lmap(dw_peak, gmin, gmax, y1, y0), x1,
                lmap(dw_peak, gmin, gmax, y1, y0));
        snprintf(s, sizeof s, "depthwise (MISC) peak %.1f GOPS", dw_peak);
        text(f, x1 - 4, lmap(dw_peak, gmin, gmax, y1, y0) - 6, "end", 11, NULL, s);
    }
    snprintf(s, sizeof s, "peak %.1f GOPS", peak);
    text(f, x1 - 4, lmap(peak, gmin, gmax, y1, y0) - 6, "end", 11, NULL, s);
    snprintf(s, sizeof s, "DDR %.1f GB/s", bw);
    text(f, lmap(ridge, amin, amax, x0, x1) - 8, lmap(peak / 4, gmin, gmax, y1, y0), "end", 11,
         NULL, s);
    size_t hidden = 0;
    for (size_t l = 0; l < r->nlayers; l++) {
        const struct tr_layer *L = &r->layers[l];
        uint64_t bytes = L->ddr_read + L->ddr_write;
        if (!L->macs || !bytes || !L->active) {
            hidden++;
            continue;
        }
        double ai = 2.0 * L->macs / bytes, g = 2.0 * L->macs * r->k.clock_mhz / L->active / 1e3;
        fprintf(f,
                "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.8\" "
                "stroke=\"#333\" stroke-width=\"0.5\"><title>",
                lmap(ai, amin, amax, x0, x1), lmap(g, gmin, gmax, y1, y0), colour[L->bound]);
        xml_str(f, L->name);
        fprintf(f, " (layer %zu, %s): %.1f GOPS at %.1f ops/byte, %s</title></circle>\n", l, L->op,
                g, ai, tr_bound_name(L->bound));
    }
    uint64_t bytes = r->ddr_read + r->ddr_write;
    if (r->macs && bytes && r->cycles) {
        double ai = 2.0 * r->macs / bytes, g = 2.0 * r->macs * r->k.clock_mhz / r->cycles / 1e3;
        double cx = lmap(ai, amin, amax, x0, x1), cy = lmap(g, gmin, gmax, y1, y0);
        fprintf(f,
                "<path d=\"M %.1f %.1f l 7 7 l -7 7 l -7 -7 z\" fill=\"#59a14f\" stroke=\"#000\">"
                "<title>whole model: %.1f GOPS at %.1f ops/byte</title></path>\n",
                cx, cy - 7, g, ai);
    }
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#000\"/>\n",
            x0, y0, x1 - x0, y1 - y0);
    text(f, (x0 + x1) / 2, y1 + 32, "middle", 12, NULL,
         "arithmetic intensity (operations per DDR byte, log scale)");
    text(f, 22, (y0 + y1) / 2, "middle", 12, " transform=\"rotate(-90 22 570)\"",
         "achieved GOPS (log scale)");
    legend(f, x0 + 10, y0 + 8);
    fprintf(f,
            "<path d=\"M %.1f %.1f l 6 6 l -6 6 l -6 -6 z\" fill=\"#59a14f\" stroke=\"#000\"/>\n",
            x0 + 16, y0 + 62.0);
    text(f, x0 + 28, y0 + 72, "start", 12, NULL, "whole model");
    if (hidden) {
        /* Bottom right, clear of the legend and the DDR roof's label. */
        snprintf(s, sizeof s, "%zu layer%s not shown (no MACs, DDR bytes or cycles)", hidden,
                 hidden == 1 ? "" : "s");
        text(f, x1 - 6, y1 - 8, "end", 11, " fill=\"#555\"", s);
    }
}

static void summary(FILE *f, const struct timing_report *r)
{
    double x = 640, y = 430;
    double ms = tr_latency_ms(r, r->cycles);
    char s[192];
    text(f, x, y, "start", 15, " font-weight=\"bold\"", "Totals");
    const char *lines[9];
    char buf[9][160];
    int n = 0;
    snprintf(buf[n], sizeof buf[n], "program: %s", r->prog_path);
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "preset %s: %ux%u array, %u MHz", r->preset_name, r->k.R,
             r->k.C, r->k.clock_mhz);
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "%" PRIu64 " cycles = %.3f ms", r->cycles, ms);
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "%.1f inferences/s, %.1f GOPS", ms > 0 ? 1e3 / ms : 0.0,
             ms > 0 ? 2.0 * r->macs / (ms * 1e6) : 0.0);
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "MAC utilization %.1f%% (%s MACs)",
             100 * tr_utilization(r, r->macs, r->cycles), r->model_macs ? "model" : "issued");
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "schedule / roofline sum: %.3f",
             r->roofline ? (double)r->cycles / r->roofline : 0.0);
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "DDR: %.2f MB read, %.2f MB written", r->ddr_read / 1e6,
             r->ddr_write / 1e6);
    lines[n] = buf[n], n++;
    snprintf(buf[n], sizeof buf[n], "%s; CPU steps not modelled",
             r->timing_only ? "--timing-only" : "--timing");
    lines[n] = buf[n], n++;
    for (int i = 0; i < n; i++) {
        snprintf(s, sizeof s, "%s", lines[i]);
        text(f, x, y + 24 + 20.0 * i, "start", 12, NULL, s);
    }
}

int tr_write_svg(const struct timing_report *r, const char *path, struct dpu_diag *d)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return dpu_diag_set(d, DPU_E_IO, "cannot create '%s'", path);
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
            W, H, W, H);
    char title[256];
    snprintf(title, sizeof title, "dpusim timing: %s on %s", r->prog_path, r->preset_name);
    text(f, W / 2.0, 22, "middle", 17, " font-weight=\"bold\"", title);
    utilization_panel(f, r);
    roofline_panel(f, r);
    summary(f, r);
    fprintf(f, "</svg>\n");
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        return dpu_diag_set(d, DPU_E_IO, "cannot write '%s'", path);
    return DPU_OK;
}
