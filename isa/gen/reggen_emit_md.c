/* docs fragment registers.md: the register map, one field table per register that declares
 * fields, and the values of each enum. */
#include <inttypes.h>
#include <stdio.h>

#include "gen_out.h"
#include "reggen_emit.h"

static void put_bits(FILE *fp, const struct rg_field *f)
{
    if (f->width == 1)
        fprintf(fp, "%u", f->lo);
    else
        fprintf(fp, "%u:%u", f->lo + f->width - 1, f->lo);
}

static void emit_map(FILE *fp, const struct rg_table *t)
{
    fprintf(fp,
            "%s control/status registers, version %u.%u: %u-bit registers at byte offsets "
            "of the AXI-Lite register block.\n\n"
            "| Offset | Name | Access | Reset | Meaning |\n|---:|---|---|---:|---|\n",
            t->name, t->major, t->minor, t->data_bits);
    for (size_t i = 0; i < t->nregs; i++) {
        const struct rg_reg *r = &t->regs[i];
        fprintf(fp, "| 0x%03" PRIX32 " | `%s` | %s | 0x%0*" PRIX64 " | ", r->offset, r->name,
                rg_access_name(r->access), (int)(t->data_bits / 4), rg_reg_reset(r));
        gen_put_md(fp, r->doc);
        fputs(" |\n", fp);
    }
}

static void emit_fields(FILE *fp, const struct rg_table *t, const struct rg_reg *r)
{
    fprintf(fp, "\n### `%s` (0x%03" PRIX32 ", %s)\n\n", r->name, r->offset,
            rg_access_name(r->access));
    gen_put_md(fp, r->doc);
    fputs("\n\n| Bits | Field | Reset | Meaning |\n|---:|---|---:|---|\n", fp);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct rg_field *f = &r->fields[i];
        fputs("| ", fp);
        put_bits(fp, f);
        fprintf(fp, " | `%s` | 0x%" PRIX64 " | ", f->name, f->reset);
        gen_put_md(fp, f->doc);
        if (f->enm >= 0)
            fprintf(fp, " (values: enum `%s`)", t->enums[f->enm].name);
        fputs(" |\n", fp);
    }
}

static void emit_enum(FILE *fp, const struct rg_enum *e)
{
    fprintf(fp, "\n### enum `%s`\n\n| Value | Name |\n|---:|---|\n", e->name);
    for (size_t i = 0; i < e->nvals; i++)
        fprintf(fp, "| %" PRIu32 " | `%s` |\n", e->vals[i].value, e->vals[i].name);
}

bool rg_emit_md(const char *dir, const struct rg_table *t)
{
    struct gen_out o;
    if (!gen_out_open_in(&o, dir, "registers.md"))
        return false;
    FILE *fp = o.fp;
    fprintf(fp, "<!-- generated from %s by reggen; do not edit -->\n\n", t->path);
    emit_map(fp, t);
    for (size_t i = 0; i < t->nregs; i++) {
        const struct rg_reg *r = &t->regs[i];
        if (!(r->nfields == 1 && r->fields[0].implicit))
            emit_fields(fp, t, r);
    }
    for (size_t i = 0; i < t->nenums; i++)
        emit_enum(fp, &t->enums[i]);
    return gen_out_close(&o);
}
