/* Checks shared by the tests of isagen's C output (test_isagen_real.c on isa/isa.tbl,
 * test_isagen_wide.c on a table built to stress word boundaries).
 *
 * Include after dpu/isa_gen.h and cmocka.h. The generated accessors are compared with three
 * independent views of the same bits: the descriptor tables (through dpu_bits_get/set), and a
 * bit-at-a-time reference written here, which shares no code with bits.h.
 */
#ifndef ISAGEN_FIELD_CHECK_H
#define ISAGEN_FIELD_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* One generated field: its name, its _LO/_WIDTH macros and its accessors, widened to
 * uint64_t so that one loop can drive every field. */
struct accessor {
    const char *prefix, *name;
    unsigned lo, width;
    bool is_signed;
    uint64_t (*get)(const dpu_insn *);
    void (*set)(dpu_insn *, uint64_t);
};

#define FC_WRAP(prefix, name, ctype, LO, WIDTH)                                                    \
    static uint64_t get_##prefix##_##name(const dpu_insn *i)                                       \
    {                                                                                              \
        return (uint64_t)dpu_##prefix##_get_##name(i);                                             \
    }                                                                                              \
    static void set_##prefix##_##name(dpu_insn *i, uint64_t v)                                     \
    {                                                                                              \
        dpu_##prefix##_set_##name(i, (ctype)v);                                                    \
    }
DPU_ISA_FOR_EACH_FIELD(FC_WRAP)

#define FC_ENTRY(prefix, name, ctype, LO, WIDTH)                                                   \
    {#prefix,                                                                                      \
     #name,                                                                                        \
     LO,                                                                                           \
     WIDTH,                                                                                        \
     _Generic((ctype)0, int64_t                                                                    \
              : true, default                                                                      \
              : false),                                                                            \
     get_##prefix##_##name,                                                                        \
     set_##prefix##_##name},
static const struct accessor accessors[] = {DPU_ISA_FOR_EACH_FIELD(FC_ENTRY)};
static const size_t naccessors = sizeof accessors / sizeof accessors[0];

/* ---- bit-at-a-time reference ---- */

static uint64_t ref_mask(unsigned width)
{
    uint64_t m = 0;
    for (unsigned b = 0; b < width; b++)
        m |= (uint64_t)1 << b;
    return m;
}

static void ref_set(uint64_t *w, unsigned lo, unsigned width, uint64_t v)
{
    for (unsigned b = 0; b < width; b++) {
        unsigned bit = lo + b;
        uint64_t m = (uint64_t)1 << (bit % 64);
        if ((v >> b) & 1)
            w[bit / 64] |= m;
        else
            w[bit / 64] &= ~m;
    }
}

static uint64_t ref_get(const uint64_t *w, unsigned lo, unsigned width)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < width; b++) {
        unsigned bit = lo + b;
        v |= ((w[bit / 64] >> (bit % 64)) & 1) << b;
    }
    return v;
}

/* The value a getter returns for raw field bits v: signed fields sign-extend. */
static uint64_t ref_read(uint64_t v, unsigned width, bool is_signed)
{
    if (is_signed && width < 64 && ((v >> (width - 1)) & 1))
        return v | ~ref_mask(width);
    return v;
}

static unsigned popcount64(uint64_t v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static uint64_t fc_rng = 0x9E3779B97F4A7C15u; /* fixed seed: failures reproduce */

static uint64_t fc_random(void)
{
    fc_rng ^= fc_rng << 13;
    fc_rng ^= fc_rng >> 7;
    fc_rng ^= fc_rng << 17;
    return fc_rng;
}

static void random_insn(dpu_insn *i)
{
    for (unsigned k = 0; k < DPU_INSN_WORDS; k++)
        i->w[k] = fc_random();
}

static bool ascii_same(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;
        int y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

static size_t common_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < naccessors; i++)
        n += !strcmp(accessors[i].prefix, "insn");
    return n;
}

/* The accessor of field k of desc d (common fields are generated once, as insn). */
static const struct accessor *accessor_for(const struct dpu_insn_desc *d, size_t k)
{
    const char *prefix = k < common_count() ? "insn" : d->mnemonic;
    for (size_t i = 0; i < naccessors; i++)
        if (ascii_same(accessors[i].prefix, prefix) &&
            !strcmp(accessors[i].name, d->fields[k].name))
            return &accessors[i];
    return NULL;
}

/* ---- the checks ---- */

/* Every descriptor field has exactly one accessor with the same position, and back. */
static void check_accessors_match_descs(void)
{
    size_t ncommon = common_count(), expected = ncommon;
    assert_true(ncommon >= 1);
    for (size_t d = 0; d < dpu_insn_desc_count; d++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[d];
        assert_true(desc->nfields >= ncommon);
        expected += desc->nfields - ncommon;
        for (size_t k = 0; k < desc->nfields; k++) {
            const struct accessor *a = accessor_for(desc, k);
            if (!a)
                fail_msg("%s.%s has no accessor", desc->mnemonic, desc->fields[k].name);
            assert_int_equal(a->lo, desc->fields[k].lo);
            assert_int_equal(a->width, desc->fields[k].width);
            assert_int_equal(a->is_signed, desc->fields[k].kind == DPU_FIELD_S);
            if (k < ncommon) /* common fields come first, in the same order everywhere */
                assert_ptr_equal(a, &accessors[k]);
        }
    }
    assert_int_equal(naccessors, expected);
}

/* used[] is exactly the union of the fields, the fields are disjoint and inside the word. */
static void check_used_masks(void)
{
    for (size_t d = 0; d < dpu_insn_desc_count; d++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[d];
        uint64_t used[4] = {0, 0, 0, 0};
        unsigned total = 0;
        for (size_t k = 0; k < desc->nfields; k++) {
            const struct dpu_field_desc *f = &desc->fields[k];
            assert_true(f->width >= 1 && f->width <= 64);
            assert_true(f->lo + f->width <= DPU_INSN_BITS);
            ref_set(used, f->lo, f->width, ref_mask(f->width));
            total += f->width;
        }
        unsigned bits = 0;
        for (unsigned w = 0; w < 4; w++) {
            if (used[w] != desc->used[w])
                fail_msg("%s: used[%u] is 0x%016llx, fields cover 0x%016llx", desc->mnemonic, w,
                         (unsigned long long)desc->used[w], (unsigned long long)used[w]);
            bits += popcount64(desc->used[w]);
        }
        assert_int_equal(bits, total); /* any overlap would count a bit twice */
    }
}

/* Defaults fit their fields; enum/flags fields point at their enum; the opcode field's
 * default is the instruction's opcode. */
static void check_field_descs(void)
{
    for (size_t d = 0; d < dpu_insn_desc_count; d++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[d];
        assert_string_equal(desc->fields[0].name, "opcode");
        assert_true(desc->fields[0].has_default);
        assert_int_equal(desc->fields[0].def, desc->opcode);
        for (size_t k = 0; k < desc->nfields; k++) {
            const struct dpu_field_desc *f = &desc->fields[k];
            bool has_enum = f->kind == DPU_FIELD_ENUM || f->kind == DPU_FIELD_FLAGS;
            assert_int_equal(f->enm != NULL, has_enum);
            if (has_enum)
                assert_int_equal(f->enm->is_flags, f->kind == DPU_FIELD_FLAGS);
            if (f->has_default && f->kind == DPU_FIELD_S)
                assert_true(dpu_fits(f->def, f->width, true));
            else if (f->has_default)
                assert_int_equal((uint64_t)f->def & ~ref_mask(f->width), 0);
            assert_non_null(f->doc);
        }
    }
}

/* Sets v into field (lo, width) of a random instruction three ways (descriptor + bits.h,
 * generated setter, bit-at-a-time reference) and reads it back three ways. */
static void check_one_value(const struct dpu_insn_desc *desc, const struct accessor *a, uint64_t v)
{
    unsigned lo = a->lo, width = a->width;
    v &= ref_mask(width);
    dpu_insn bg, expect, via_desc, via_setter;
    random_insn(&bg);
    expect = bg;
    ref_set(expect.w, lo, width, v);

    via_desc = bg;
    dpu_bits_set(via_desc.w, lo, width, v);
    if (memcmp(&via_desc, &expect, sizeof expect) != 0)
        fail_msg("%s.%s: dpu_bits_set(0x%llx) disturbed other bits", desc->mnemonic, a->name,
                 (unsigned long long)v);
    if (a->get(&via_desc) != ref_read(v, width, a->is_signed))
        fail_msg("%s.%s: getter read 0x%llx, expected 0x%llx", desc->mnemonic, a->name,
                 (unsigned long long)a->get(&via_desc),
                 (unsigned long long)ref_read(v, width, a->is_signed));

    /* The setter gets the value as a caller would pass it (sign-extended for signed fields),
     * and must keep only the field's bits even when handed junk above them. */
    via_setter = bg;
    a->set(&via_setter, ref_read(v, width, a->is_signed));
    if (memcmp(&via_setter, &expect, sizeof expect) != 0)
        fail_msg("%s.%s: setter(0x%llx) wrote the wrong bits", desc->mnemonic, a->name,
                 (unsigned long long)v);
    via_setter = bg;
    a->set(&via_setter, v | (width < 64 ? ~ref_mask(width) : 0));
    if (memcmp(&via_setter, &expect, sizeof expect) != 0)
        fail_msg("%s.%s: setter let bits above the field through", desc->mnemonic, a->name);
    assert_int_equal(dpu_bits_get(via_setter.w, lo, width), v);
    assert_int_equal(ref_get(via_setter.w, lo, width), v);
}

static void check_all_fields_roundtrip(void)
{
    for (size_t d = 0; d < dpu_insn_desc_count; d++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[d];
        for (size_t k = 0; k < desc->nfields; k++) {
            const struct accessor *a = accessor_for(desc, k);
            assert_non_null(a);
            uint64_t m = ref_mask(a->width);
            const uint64_t values[] = {
                0, 1, m, m >> 1, (m >> 1) + 1, 0x5555555555555555u, 0xAAAAAAAAAAAAAAAAu};
            for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
                check_one_value(desc, a, values[i]);
            for (int i = 0; i < 16; i++)
                check_one_value(desc, a, fc_random());
        }
    }
}

/* Lookups by opcode and by name find each descriptor, and nothing else. */
static void check_lookups(void)
{
    for (size_t d = 0; d < dpu_insn_desc_count; d++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[d];
        assert_ptr_equal(dpu_insn_desc_by_opcode(desc->opcode), desc);
        assert_ptr_equal(dpu_insn_desc_by_name(desc->mnemonic), desc);
        char lower[64];
        size_t n = strlen(desc->mnemonic);
        assert_true(n < sizeof lower);
        for (size_t i = 0; i <= n; i++) {
            char c = desc->mnemonic[i];
            lower[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        assert_ptr_equal(dpu_insn_desc_by_name(lower), desc);
    }
    unsigned found = 0;
    for (unsigned op = 0; op < 1024; op++)
        found += dpu_insn_desc_by_opcode(op) != NULL;
    assert_int_equal(found, dpu_insn_desc_count);
    assert_null(dpu_insn_desc_by_name(NULL));
    assert_null(dpu_insn_desc_by_name(""));
    assert_null(dpu_insn_desc_by_name("NO_SUCH_INSN"));
    for (size_t e = 0; e < dpu_enum_desc_count; e++)
        assert_ptr_equal(dpu_enum_desc_by_name(dpu_enum_descs[e].name), &dpu_enum_descs[e]);
    assert_null(dpu_enum_desc_by_name(NULL));
    assert_null(dpu_enum_desc_by_name("no_such_enum"));
    assert_string_equal(dpu_engine_name(DPU_ENGINE_CTRL), "CTRL");
    assert_string_equal(dpu_engine_name(-1), "?");
    assert_string_equal(dpu_engine_name(DPU_ENGINE_CTRL + 1), "?");
}

#endif
