/* The race checker: the ordering rule of isa.md section 4, checked byte by byte.
 *
 * Every engine keeps a vector clock (sim_internal.h, tokens.c): its own component counts the
 * instructions it has executed, and a wait joins in the clock the signaller had when it
 * signalled. Instruction i, the k-th of engine a, therefore happens-before instruction j of
 * engine b exactly when a == b and i precedes j, or b's clock when j runs has component
 * a >= k.
 *
 * Shadow memory remembers, for every byte of every space, the last instruction that wrote
 * it and, per engine, the last that read it since (later readers of one engine are ordered
 * after earlier ones, so the last is enough). A write conflicts with the last writer and
 * every last reader; a read with the last writer. Shadow pages are allocated on first
 * touch, so large DDR regions cost only what a program uses.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define PAGE_BITS  12
#define PAGE_CELLS ((uint64_t)1 << PAGE_BITS)

/* Instruction index + 1 of the last writer and of the last reader on each engine; 0: none. */
struct cell {
    uint32_t w;
    uint32_t r[DPU_ENGINE_COUNT];
};

struct space {
    uint64_t size;
    size_t npages;
    struct cell **pages;
};

struct sim_races {
    struct space sp[DPU_SIM_SPACE_COUNT];
    uint8_t *engine_of; /* per instruction index */
    uint32_t *epoch_of; /* its engine's clock component when it ran */
    size_t cap;
    /* The instruction being checked. */
    size_t cur;
    int engine;
    const uint32_t *vc;
    struct dpu_sim_status *st;
    bool nomem;
};

static void free_pages(struct space *sp)
{
    for (size_t i = 0; i < sp->npages; i++)
        free(sp->pages[i]);
    free(sp->pages);
    sp->pages = NULL;
    sp->npages = 0;
}

void sim_races_free(struct sim_races *r)
{
    if (!r)
        return;
    for (int i = 0; i < DPU_SIM_SPACE_COUNT; i++)
        free_pages(&r->sp[i]);
    free(r->engine_of);
    free(r->epoch_of);
    free(r);
}

int sim_races_begin(struct dpu_sim *s, size_t count, struct dpu_diag *d)
{
    if (count >= UINT32_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "the race checker handles at most %u instructions",
                            (unsigned)UINT32_MAX - 1);
    struct sim_races *r = s->races;
    if (!r) {
        r = s->races = calloc(1, sizeof *r);
        if (!r)
            goto nomem;
    }
    if (r->cap < count) {
        free(r->engine_of);
        free(r->epoch_of);
        r->engine_of = malloc(count);
        r->epoch_of = malloc(count * sizeof *r->epoch_of);
        r->cap = r->engine_of && r->epoch_of ? count : 0;
        if (!r->cap)
            goto nomem;
    }
    for (int i = 0; i < DPU_SIM_SPACE_COUNT; i++) {
        struct space *sp = &r->sp[i];
        free_pages(sp);
        sp->size = i < DPU_SIM_SPACE_DDR ? s->buf_size[i] : s->region_size[i - DPU_SIM_SPACE_DDR];
        if (i == DPU_SIM_SPACE_LUT)
            sp->size = 1; /* the table is one element */
        uint64_t npages = (sp->size + PAGE_CELLS - 1) >> PAGE_BITS;
        if (npages > SIZE_MAX / sizeof *sp->pages)
            goto nomem;
        sp->pages = npages ? calloc((size_t)npages, sizeof *sp->pages) : NULL;
        if (npages && !sp->pages)
            goto nomem;
        sp->npages = (size_t)npages;
    }
    r->nomem = false;
    return DPU_OK;
nomem:
    return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the race checker");
}

static bool happens_before(const struct sim_races *r, size_t i)
{
    int a = r->engine_of[i];
    return a == r->engine || r->vc[a] >= r->epoch_of[i];
}

static void report(struct sim_races *r, size_t earlier, bool earlier_wrote, bool wrote, int space,
                   uint64_t addr)
{
    struct dpu_sim_race *race = &r->st->race;
    race->found = true;
    race->first = earlier;
    race->second = r->cur;
    race->first_wrote = earlier_wrote;
    race->second_wrote = wrote;
    race->space = space;
    race->addr = addr;
}

/* Checks one access of the current instruction to byte x, then records it. Returns false
 * when a race was found. */
static bool touch(struct sim_races *r, struct cell *c, int space, uint64_t x, bool write)
{
    if (c->w && !happens_before(r, c->w - 1)) {
        report(r, c->w - 1, true, write, space, x);
        return false;
    }
    if (write) {
        for (int e = 0; e < DPU_ENGINE_COUNT; e++) {
            if (c->r[e] && !happens_before(r, c->r[e] - 1)) {
                report(r, c->r[e] - 1, false, true, space, x);
                return false;
            }
        }
        c->w = (uint32_t)r->cur + 1;
        memset(c->r, 0, sizeof c->r);
    } else {
        c->r[r->engine] = (uint32_t)r->cur + 1;
    }
    return true;
}

static int on_access(void *ctx, int space, uint64_t lo, uint64_t len, bool write)
{
    struct sim_races *r = ctx;
    struct space *sp = &r->sp[space];
    for (uint64_t x = lo; x < lo + len && x < sp->size; x++) {
        struct cell **page = &sp->pages[x >> PAGE_BITS];
        if (!*page) {
            *page = calloc(PAGE_CELLS, sizeof **page);
            if (!*page) {
                r->nomem = true;
                return 1;
            }
        }
        if (!touch(r, &(*page)[x & (PAGE_CELLS - 1)], space, x, write))
            return 1;
    }
    return 0;
}

int sim_races_insn(struct dpu_sim *s, const dpu_insn *in, size_t index, int engine,
                   struct dpu_sim_status *st, struct dpu_diag *d)
{
    struct sim_races *r = s->races;
    if (st->race.found)
        return DPU_OK; /* only the first race is reported */
    r->engine_of[index] = (uint8_t)engine;
    r->epoch_of[index] = s->vc[engine][engine];
    r->cur = index;
    r->engine = engine;
    r->vc = s->vc[engine];
    r->st = st;
    sim_accesses(s, in, on_access, r);
    if (r->nomem)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the race checker's shadow memory");
    return DPU_OK;
}
