/* The C side of the register map: constants in regs_gen.h, descriptor tables and lookups in
 * regs_gen.c. */
#include <inttypes.h>
#include <stdio.h>

#include "gen_out.h"
#include "reggen_emit.h"

/* Integer suffix wide enough for a register value. */
static const char *suffix(const struct rg_table *t)
{
    return t->data_bits > 32 ? "ull" : "u";
}

static void put_generated_from(FILE *fp, const struct rg_table *t)
{
    fprintf(fp, "/* generated from %s by reggen; do not edit.\n", t->path);
}

static void emit_enum(FILE *fp, const struct rg_enum *e)
{
    fputs("\n/* enum ", fp);
    fputs(e->name, fp);
    fputs(". The enumerators come first, so debuggers show the names; macros of the same\n"
          " * names and values follow, so that #if and assembly can use them too. */\nenum dpu_",
          fp);
    fputs(e->name, fp);
    fputs(" {\n", fp);
    for (size_t i = 0; i < e->nvals; i++) {
        fputs("    DPU_", fp);
        gen_put_upper(fp, e->name);
        fputc('_', fp);
        gen_put_upper(fp, e->vals[i].name);
        fprintf(fp, " = %" PRIu32 ",\n", e->vals[i].value);
    }
    fputs("};\n", fp);
    for (size_t i = 0; i < e->nvals; i++) {
        fputs("#define DPU_", fp);
        gen_put_upper(fp, e->name);
        fputc('_', fp);
        gen_put_upper(fp, e->vals[i].name);
        fprintf(fp, " %" PRIu32 "\n", e->vals[i].value);
    }
    fprintf(fp, "/* The name of a value of enum %s (\"%s\"), or NULL if code is none. */\n",
            e->name, e->vals[0].name);
    fprintf(fp, "const char *dpu_%s_name(unsigned code);\n", e->name);
}

static void field_macro(FILE *fp, const struct rg_reg *r, const struct rg_field *f,
                        const char *what)
{
    fputs("#define DPU_REG_", fp);
    gen_put_upper(fp, r->name);
    fputc('_', fp);
    gen_put_upper(fp, f->name);
    fputs(what, fp);
}

static void emit_reg(FILE *fp, const struct rg_table *t, const struct rg_reg *r)
{
    const char *u = suffix(t);
    fputs("\n/* ", fp);
    fputs(r->name, fp);
    fprintf(fp, " (%s): ", rg_access_name(r->access));
    gen_put_comment(fp, r->doc);
    fputs(" */\n#define DPU_REG_", fp);
    gen_put_upper(fp, r->name);
    fprintf(fp, " 0x%03" PRIX32 "u\n#define DPU_REG_", r->offset);
    gen_put_upper(fp, r->name);
    fprintf(fp, "_RESET 0x%" PRIX64 "%s\n", rg_reg_reset(r), u);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct rg_field *f = &r->fields[i];
        field_macro(fp, r, f, "_SHIFT");
        fprintf(fp, " %u\n", f->lo);
        field_macro(fp, r, f, "_WIDTH");
        fprintf(fp, " %u\n", f->width);
        field_macro(fp, r, f, "_MASK");
        fprintf(fp, " 0x%" PRIX64 "%s\n", rg_field_mask(f), u);
        field_macro(fp, r, f, "_RESET");
        fprintf(fp, " 0x%" PRIX64 "%s\n", f->reset, u);
    }
}

bool rg_emit_c_header(const char *path, const struct rg_table *t)
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    FILE *fp = o.fp;
    put_generated_from(fp, t);
    fprintf(fp,
            " * %s control/status registers: byte offsets, field shifts, widths, masks (in\n"
            " * place) and reset values (_RESET of a field is its value, not shifted).\n"
            " * Descriptor tables: dpu/regs_desc.h. */\n"
            "#ifndef DPU_REGS_GEN_H\n#define DPU_REGS_GEN_H\n\n"
            "#define DPU_REGS_VERSION_MAJOR %u\n#define DPU_REGS_VERSION_MINOR %u\n"
            "#define DPU_REGS_DATA_BITS %u\n#define DPU_REG_COUNT %zu\n",
            t->name, t->major, t->minor, t->data_bits, t->nregs);
    for (size_t i = 0; i < t->nenums; i++)
        emit_enum(fp, &t->enums[i]);
    for (size_t i = 0; i < t->nregs; i++)
        emit_reg(fp, t, &t->regs[i]);
    fputs("\n#endif\n", fp);
    return gen_out_close(&o);
}

static void emit_enum_tables(FILE *fp, const struct rg_table *t)
{
    for (size_t i = 0; i < t->nenums; i++) {
        const struct rg_enum *e = &t->enums[i];
        fprintf(fp, "static const struct dpu_reg_enum_val enum_vals_%zu[] = {\n", i);
        for (size_t j = 0; j < e->nvals; j++) {
            fputs("    {\"", fp);
            gen_put_c_string(fp, e->vals[j].name);
            fprintf(fp, "\", %" PRIu32 "u},\n", e->vals[j].value);
        }
        fputs("};\n\n", fp);
    }
    fputs("const struct dpu_reg_enum_desc dpu_reg_enum_descs[] = {\n", fp);
    for (size_t i = 0; i < t->nenums; i++)
        fprintf(fp, "    {\"%s\", %zu, enum_vals_%zu},\n", t->enums[i].name, t->enums[i].nvals, i);
    if (!t->nenums)
        fputs("    {\"\", 0, NULL}, /* C has no empty arrays; the count says 0 */\n", fp);
    fprintf(fp, "};\n\nconst size_t dpu_reg_enum_desc_count = %zu;\n\n", t->nenums);
}

static void emit_reg_tables(FILE *fp, const struct rg_table *t)
{
    const char *u = suffix(t);
    for (size_t i = 0; i < t->nregs; i++) {
        const struct rg_reg *r = &t->regs[i];
        fprintf(fp, "static const struct dpu_reg_field_desc reg_fields_%zu[] = {\n", i);
        for (size_t j = 0; j < r->nfields; j++) {
            const struct rg_field *f = &r->fields[j];
            fputs("    {\"", fp);
            gen_put_c_string(fp, f->name);
            fprintf(fp, "\", %u, %u, 0x%" PRIX64 "%s, 0x%" PRIX64 "%s, ", f->lo, f->width,
                    rg_field_mask(f), u, f->reset, u);
            if (f->enm >= 0)
                fprintf(fp, "&dpu_reg_enum_descs[%d], \"", f->enm);
            else
                fputs("NULL, \"", fp);
            gen_put_c_string(fp, f->doc);
            fputs("\"},\n", fp);
        }
        fputs("};\n\n", fp);
    }
    static const char *const access[] = {"DPU_REG_RO", "DPU_REG_RW", "DPU_REG_RW1C"};
    fputs("const struct dpu_reg_desc dpu_reg_descs[] = {\n", fp);
    for (size_t i = 0; i < t->nregs; i++) {
        const struct rg_reg *r = &t->regs[i];
        fputs("    {\"", fp);
        gen_put_c_string(fp, r->name);
        fputs("\", DPU_REG_", fp);
        gen_put_upper(fp, r->name);
        fprintf(fp, ", %s, \"", access[r->access]);
        gen_put_c_string(fp, r->doc);
        fputs("\", DPU_REG_", fp);
        gen_put_upper(fp, r->name);
        fprintf(fp, "_RESET, %zu, reg_fields_%zu},\n", r->nfields, i);
    }
    fputs("};\n\nconst size_t dpu_reg_desc_count = DPU_REG_COUNT;\n\n"
          "_Static_assert(sizeof dpu_reg_descs / sizeof dpu_reg_descs[0] == DPU_REG_COUNT,\n"
          "               \"regs_gen.h and regs_gen.c disagree\");\n\n",
          fp);
}

static void emit_lookups(FILE *fp, const struct rg_table *t)
{
    fputs("const struct dpu_reg_desc *dpu_reg_desc_by_offset(uint32_t off)\n{\n"
          "    switch (off) {\n",
          fp);
    for (size_t i = 0; i < t->nregs; i++) {
        fputs("    case DPU_REG_", fp);
        gen_put_upper(fp, t->regs[i].name);
        fprintf(fp, ":\n        return &dpu_reg_descs[%zu];\n", i);
    }
    fputs("    default:\n        return NULL;\n    }\n}\n\n"
          "const struct dpu_reg_desc *dpu_reg_desc_by_name(const char *name)\n{\n"
          "    if (!name)\n        return NULL;\n"
          "    for (size_t i = 0; i < dpu_reg_desc_count; i++)\n"
          "        if (strcmp(dpu_reg_descs[i].name, name) == 0)\n"
          "            return &dpu_reg_descs[i];\n"
          "    return NULL;\n}\n",
          fp);
    for (size_t i = 0; i < t->nenums; i++) {
        const struct rg_enum *e = &t->enums[i];
        fprintf(fp, "\nconst char *dpu_%s_name(unsigned code)\n{\n    switch (code) {\n", e->name);
        for (size_t j = 0; j < e->nvals; j++) {
            fputs("    case DPU_", fp);
            gen_put_upper(fp, e->name);
            fputc('_', fp);
            gen_put_upper(fp, e->vals[j].name);
            fputs(":\n        return \"", fp);
            gen_put_c_string(fp, e->vals[j].name);
            fputs("\";\n", fp);
        }
        fputs("    default:\n        return NULL;\n    }\n}\n", fp);
    }
}

bool rg_emit_c_source(const char *path, const struct rg_table *t)
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    FILE *fp = o.fp;
    put_generated_from(fp, t);
    fputs(" * Register descriptor tables: types and meaning in dpu/regs_desc.h. */\n"
          "#include <stddef.h>\n#include <string.h>\n\n"
          "#include \"dpu/regs_desc.h\"\n#include \"dpu/regs_gen.h\"\n\n",
          fp);
    emit_enum_tables(fp, t);
    emit_reg_tables(fp, t);
    emit_lookups(fp, t);
    return gen_out_close(&o);
}
