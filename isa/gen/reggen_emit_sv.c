/* dpu_regs_pkg.sv: the register map for the RTL register block, from the same table as the
 * driver's offsets, so the two cannot drift. lowRISC naming: CamelCase parameters, _e enum
 * types. */
#include <inttypes.h>
#include <stdio.h>

#include "gen_out.h"
#include "reggen_emit.h"

/* A sized hex literal: 32'h44505530. */
static void put_hex(FILE *fp, unsigned width, uint64_t v)
{
    fprintf(fp, "%u'h%0*" PRIX64, width, (int)((width + 3) / 4), v);
}

static void emit_enum(FILE *fp, const struct rg_enum *e)
{
    fprintf(fp, "\n  // enum %s\n  typedef enum logic [%u:0] {\n", e->name, e->width - 1);
    for (size_t i = 0; i < e->nvals; i++) {
        fputs("    ", fp);
        gen_put_camel(fp, e->name);
        gen_put_camel(fp, e->vals[i].name);
        fprintf(fp, " = %u'd%" PRIu32 "%s\n", e->width, e->vals[i].value,
                i + 1 < e->nvals ? "," : "");
    }
    fprintf(fp, "  } %s_e;\n", e->name);
}

static void reg_param(FILE *fp, const struct rg_reg *r, const char *type, const char *what)
{
    fprintf(fp, "  localparam %s Reg", type);
    gen_put_camel(fp, r->name);
    fputs(what, fp);
    fputs(" = ", fp);
}

static void field_param(FILE *fp, const struct rg_reg *r, const struct rg_field *f,
                        const char *type, const char *what)
{
    fprintf(fp, "  localparam %s Reg", type);
    gen_put_camel(fp, r->name);
    gen_put_camel(fp, f->name);
    fputs(what, fp);
    fputs(" = ", fp);
}

static void emit_reg(FILE *fp, const struct rg_table *t, const struct rg_reg *r)
{
    char type[32];
    fprintf(fp, "\n  // %s (%s): ", r->name, rg_access_name(r->access));
    gen_put_comment(fp, r->doc);
    fputc('\n', fp);
    snprintf(type, sizeof type, "logic [%u:0]", RG_ADDR_BITS - 1);
    reg_param(fp, r, type, "Offset");
    put_hex(fp, RG_ADDR_BITS, r->offset);
    fputs(";\n", fp);
    snprintf(type, sizeof type, "logic [%u:0]", t->data_bits - 1);
    reg_param(fp, r, type, "Reset");
    put_hex(fp, t->data_bits, rg_reg_reset(r));
    fputs(";\n", fp);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct rg_field *f = &r->fields[i];
        if (!f->implicit) {
            fprintf(fp, "  // %s.%s: ", r->name, f->name);
            gen_put_comment(fp, f->doc);
            fputc('\n', fp);
        }
        field_param(fp, r, f, "int unsigned", "Lsb");
        fprintf(fp, "%u;\n", f->lo);
        field_param(fp, r, f, "int unsigned", "Width");
        fprintf(fp, "%u;\n", f->width);
        snprintf(type, sizeof type, "logic [%u:0]", f->width - 1);
        field_param(fp, r, f, type, "Reset");
        put_hex(fp, f->width, f->reset);
        fputs(";\n", fp);
    }
}

bool rg_emit_sv(const char *path, const struct rg_table *t)
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    FILE *fp = o.fp;
    fprintf(fp,
            "// generated from %s by reggen; do not edit.\n"
            "// %s control/status registers (AXI-Lite), version %u.%u. Offsets are byte\n"
            "// addresses in the register block; field resets are field values (not shifted).\n"
            "\npackage dpu_regs_pkg;\n\n"
            "  localparam int unsigned RegsVersionMajor = %u;\n"
            "  localparam int unsigned RegsVersionMinor = %u;\n"
            "  localparam int unsigned RegDataBits = %u;\n"
            "  localparam int unsigned RegAddrBits = %u;\n",
            t->path, t->name, t->major, t->minor, t->major, t->minor, t->data_bits, RG_ADDR_BITS);
    for (size_t i = 0; i < t->nenums; i++)
        emit_enum(fp, &t->enums[i]);
    for (size_t i = 0; i < t->nregs; i++)
        emit_reg(fp, t, &t->regs[i]);
    fputs("\nendpackage\n", fp);
    return gen_out_close(&o);
}
