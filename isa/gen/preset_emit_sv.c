/* One SystemVerilog package per preset, so the RTL takes its sizes from the same file as
 * the compiler and the simulator (VTA's RTL hard-coded them and drifted). */
#include "preset_emit.h"

#include <inttypes.h>

#include "gen_out.h"

static bool emit_one(const char *dir, const struct preset_src *s)
{
    const struct dpu_preset *p = &s->p;
    char file[128];
    snprintf(file, sizeof file, "dpu_preset_%s_pkg.sv", p->name); /* names are <= 32 chars */
    struct gen_out o;
    if (!gen_out_open_in(&o, dir, file))
        return false;
    FILE *fp = o.fp;
    fprintf(fp, "// generated from %s by presetgen; do not edit.\n// ", s->path);
    gen_put_comment(fp, p->name);
    fputs(": ", fp);
    gen_put_comment(fp, p->description);
    fprintf(fp, "\n\npackage dpu_preset_%s_pkg;\n\n", p->name);
    fprintf(fp, "  localparam string PresetName = \"%s\";\n", p->name);
    for (size_t k = 0; k < dpu_preset_key_count; k++) {
        const struct dpu_preset_key *key = &dpu_preset_keys[k];
        fputs("  localparam int unsigned ", fp);
        gen_put_camel(fp, key->name);
        fprintf(fp, " = %" PRIu32 ";  // %s%s%s%s\n", dpu_preset_get(p, key), key->doc,
                key->unit[0] ? " (" : "", key->unit, key->unit[0] ? ")" : "");
    }
    fprintf(fp, "  localparam int unsigned MacsPerCycle = %" PRIu64 ";  // ArrayRows * ArrayCols\n",
            dpu_preset_macs_per_cycle(p));
    fprintf(fp,
            "  // dpu_preset_compute_hash(); the PRESET_HASH registers read this value.\n"
            "  localparam logic [63:0] PresetHash = 64'h%016" PRIX64 ";\n\nendpackage\n",
            p->hash);
    return gen_out_close(&o);
}

bool preset_emit_sv(const char *dir, const struct preset_src *ps, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        if (!emit_one(dir, &ps[i]))
            ok = false;
    return ok;
}
