/* The C side of the presets: constants in a header, the table in a source file. */
#include "preset_emit.h"

#include <inttypes.h>

#include "gen_out.h"

void preset_put_sources(FILE *fp, const struct preset_src *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%s%s", i ? ", " : "", ps[i].path);
}

static void put_header(FILE *fp, const struct preset_src *ps, size_t n)
{
    fputs(".\n"
          " * Hash of each hardware preset: dpu_preset_compute_hash() in dpu/preset.h. */\n"
          "#ifndef DPU_PRESETS_GEN_H\n#define DPU_PRESETS_GEN_H\n\n",
          fp);
    fprintf(fp, "#define DPU_PRESET_COUNT %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const struct dpu_preset *p = &ps[i].p;
        fputs("\n/* ", fp);
        gen_put_comment(fp, p->name);
        fputs(": ", fp);
        gen_put_comment(fp, p->description);
        fputs(" */\n#define DPU_PRESET_", fp);
        gen_put_upper(fp, p->name);
        fprintf(fp, "_INDEX %zu\n#define DPU_PRESET_", i);
        gen_put_upper(fp, p->name);
        fprintf(fp, "_HASH 0x%016" PRIX64 "ULL\n", p->hash);
    }
    fputs("\n#endif\n", fp);
}

static void put_source(FILE *fp, const struct preset_src *ps, size_t n)
{
    fputs(". */\n"
          "#include \"dpu/preset.h\"\n#include \"dpu/presets_gen.h\"\n\n"
          "const struct dpu_preset dpu_presets[] = {\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        const struct dpu_preset *p = &ps[i].p;
        fputs("    [DPU_PRESET_", fp);
        gen_put_upper(fp, p->name);
        fputs("_INDEX] =\n        {\n            .name = \"", fp);
        gen_put_c_string(fp, p->name);
        fputs("\",\n            .description = \"", fp);
        gen_put_c_string(fp, p->description);
        fputs("\",\n", fp);
        for (size_t k = 0; k < dpu_preset_key_count; k++)
            fprintf(fp, "            .%s = %" PRIu32 "u,\n", dpu_preset_keys[k].name,
                    dpu_preset_get(p, &dpu_preset_keys[k]));
        fputs("            .hash = DPU_PRESET_", fp);
        gen_put_upper(fp, p->name);
        fputs("_HASH,\n        },\n", fp);
    }
    fputs("};\n\n"
          "const size_t dpu_preset_count = DPU_PRESET_COUNT;\n\n"
          "_Static_assert(sizeof dpu_presets / sizeof dpu_presets[0] == DPU_PRESET_COUNT,\n"
          "               \"presets_gen.h and presets_gen.c disagree\");\n",
          fp);
}

/* Writes path: the banner comment up to "do not edit", then body, which ends the banner. */
static bool emit_c(const char *path, const struct preset_src *ps, size_t n,
                   void (*body)(FILE *, const struct preset_src *, size_t))
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    fputs("/* generated from ", o.fp);
    preset_put_sources(o.fp, ps, n);
    fputs(" by presetgen; do not edit", o.fp);
    body(o.fp, ps, n);
    return gen_out_close(&o);
}

bool preset_emit_c_header(const char *path, const struct preset_src *ps, size_t n)
{
    return emit_c(path, ps, n, put_header);
}

bool preset_emit_c_source(const char *path, const struct preset_src *ps, size_t n)
{
    return emit_c(path, ps, n, put_source);
}
