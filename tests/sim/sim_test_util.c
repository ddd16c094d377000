#include "sim_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"

struct dpu_sim *tu_sim(const char *name)
{
    const struct dpu_preset *p = dpu_preset_find(name);
    assert_non_null(p);
    struct dpu_sim *s = NULL;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_sim_create(p, &s, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_non_null(s);
    return s;
}

dpu_insn *tu_asm(const char *text, size_t *count)
{
    dpu_insn *p = NULL;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_asm_text("test.s", text, strlen(text), &p, count, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    return p;
}

void tu_run_ok(struct dpu_sim *s, const char *text, struct dpu_sim_status *st)
{
    size_t n = 0;
    dpu_insn *p = tu_asm(text, &n);
    struct dpu_sim_status local;
    if (!st)
        st = &local;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_sim_run(s, p, n, st, &d);
    free(p);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_true(st->done);
    assert_false(st->error);
    assert_int_equal(st->fault.errcode, DPU_ERRCODE_NONE);
    assert_int_equal(st->executed, n);
}

void tu_run_insns_fault(struct dpu_sim *s, const dpu_insn *insns, size_t n, unsigned errcode,
                        size_t insn, uint64_t addr)
{
    struct dpu_sim_status st;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_sim_run(s, insns, n, &st, &d);
    if (st.fault.errcode != errcode || st.fault.insn != insn || st.fault.addr != addr)
        print_error("got %s at %zu addr %llu (%s); want %s at %zu addr %llu\n",
                    dpu_errcode_name(st.fault.errcode), st.fault.insn,
                    (unsigned long long)st.fault.addr, d.msg, dpu_errcode_name(errcode), insn,
                    (unsigned long long)addr);
    assert_int_equal(err, DPU_E_INVALID);
    assert_true(st.error);
    assert_false(st.done);
    assert_int_equal(st.fault.errcode, errcode);
    assert_int_equal(st.fault.insn, insn);
    assert_int_equal(st.fault.addr, addr);
    /* The message names the instruction and the code. */
    char head[64];
    snprintf(head, sizeof head, "instruction %zu (", insn);
    assert_non_null(strstr(d.msg, head));
    assert_non_null(strstr(d.msg, dpu_errcode_name(errcode)));
}

void tu_run_fault(struct dpu_sim *s, const char *text, unsigned errcode, size_t insn, uint64_t addr)
{
    size_t n = 0;
    dpu_insn *p = tu_asm(text, &n);
    tu_run_insns_fault(s, p, n, errcode, insn, addr);
    free(p);
}

uint8_t *tu_buf(struct dpu_sim *s, int buf)
{
    uint8_t *p = NULL;
    uint64_t size = 0;
    assert_int_equal(dpu_sim_buffer(s, buf, &p, &size), DPU_OK);
    assert_non_null(p);
    return p;
}

static void put_le32(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

void tu_param(struct dpu_sim *s, uint64_t q, int32_t bias, int32_t M, int8_t sh)
{
    uint8_t *rec = tu_buf(s, DPU_BUF_PARAM) + 16 * q;
    memset(rec, 0, 16);
    put_le32(rec, bias);
    put_le32(rec + 4, M);
    rec[8] = (uint8_t)sh;
}

int32_t tu_acc(struct dpu_sim *s, uint64_t e, uint64_t c)
{
    const uint8_t *b = tu_buf(s, DPU_BUF_ACC) + 4 * (e * TU_TINY_C + c);
    uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

void tu_act_put(struct dpu_sim *s, uint64_t addr, const int8_t *v, size_t n)
{
    memcpy(tu_buf(s, DPU_BUF_ACT) + addr, v, n);
}

void tu_expect_bytes(const void *got, const void *want, size_t n, const char *what)
{
    const uint8_t *g = got, *w = want;
    for (size_t i = 0; i < n; i++) {
        if (g[i] != w[i]) {
            print_error("%s: byte %zu is %d (0x%02x), want %d (0x%02x)\n", what, i, (int8_t)g[i],
                        g[i], (int8_t)w[i], w[i]);
            fail();
        }
    }
}
