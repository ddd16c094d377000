/* The docs table of presets: a column per preset, a row per key and per derived figure. */
#include "preset_emit.h"

#include <inttypes.h>

#include "gen_out.h"

bool preset_emit_md(const char *dir, const struct preset_src *ps, size_t n)
{
    struct gen_out o;
    if (!gen_out_open_in(&o, dir, "presets.md"))
        return false;
    FILE *fp = o.fp;
    fputs("<!-- generated from ", fp);
    preset_put_sources(fp, ps, n);
    fputs(" by presetgen; do not edit -->\n\n| Key |", fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, " `%s` |", ps[i].p.name);
    fputs(" Unit | Meaning |\n|---|", fp);
    for (size_t i = 0; i < n; i++)
        fputs("---:|", fp);
    fputs("---|---|\n", fp);

    fputs("| description |", fp);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', fp);
        gen_put_md(fp, ps[i].p.description);
        fputs(" |", fp);
    }
    fputs(" | free text, not hashed |\n", fp);

    for (size_t k = 0; k < dpu_preset_key_count; k++) {
        const struct dpu_preset_key *key = &dpu_preset_keys[k];
        fprintf(fp, "| %s |", key->name);
        for (size_t i = 0; i < n; i++)
            fprintf(fp, " %" PRIu32 " |", dpu_preset_get(&ps[i].p, key));
        fputc(' ', fp);
        gen_put_md(fp, key->unit);
        fputs(" | ", fp);
        gen_put_md(fp, key->doc);
        fputs(" |\n", fp);
    }

    fputs("| MACs/cycle |", fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, " %" PRIu64 " |", dpu_preset_macs_per_cycle(&ps[i].p));
    fputs(" | array_rows x array_cols |\n| peak GOPS |", fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, " %.1f |", dpu_preset_peak_gops(&ps[i].p));
    fputs(" 10^9 ops/s | 2 x MACs/cycle x clock_mhz (a MAC is two operations) |\n"
          "| DDR bytes/cycle |",
          fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, " %.2f |", dpu_preset_ddr_bytes_per_cycle(&ps[i].p));
    fputs(" bytes | min(ddr_bandwidth_mbps / clock_mhz, axi_ports x axi_data_bits / 8) |\n"
          "| hash |",
          fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, " `%016" PRIX64 "` |", ps[i].p.hash);
    fputs(" | FNV-1a 64 of the canonical text; in every program and the PRESET_HASH registers "
          "|\n",
          fp);
    return gen_out_close(&o);
}
