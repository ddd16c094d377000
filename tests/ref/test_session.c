/* Sessions: a run paused after any node and resumed (what AdaRound keeps per calibration
 * sample), values released after their last reader, a constant changed between two steps,
 * and the peak of live bytes. */
#include <string.h>

#include "ref_test_util.h"

/* x -> Relu -> a;  b = Mul(a, c);  y = Add(b, a)  (float graph, [4] each, c constant).
 * x = [-1, 2, -3, 4]: a = [0, 2, 0, 4], c = [2, 3, 4, 5]: b = [0, 6, 0, 20], y = [0, 8, 0, 24].
 * x's last reader is node 0, a's node 2, b's node 2; y is the graph output. */
struct chain {
    struct dpu_graph g;
    int x, a, b, c, y;
};

static const int64_t d4[1] = {4};
static const float xv[4] = {-1, 2, -3, 4};

static void build(struct chain *ch)
{
    static const float c[4] = {2, 3, 4, 5};
    struct dpu_graph *g = &ch->g;
    dpu_graph_init(g);
    ch->x = tu_tensor(g, "x", DPU_DT_FLOAT32, 1, d4, NULL);
    ch->a = tu_tensor(g, "a", DPU_DT_FLOAT32, 1, d4, NULL);
    ch->c = tu_tensor(g, "c", DPU_DT_FLOAT32, 1, d4, c);
    ch->b = tu_tensor(g, "b", DPU_DT_FLOAT32, 1, d4, NULL);
    ch->y = tu_tensor(g, "y", DPU_DT_FLOAT32, 1, d4, NULL);
    tu_node(g, "relu", DPU_NODE_RELU, 1, &ch->x, ch->a);
    int32_t mul[2] = {ch->a, ch->c}, add[2] = {ch->b, ch->a};
    tu_node(g, "mul", DPU_NODE_MUL, 2, mul, ch->b);
    tu_node(g, "add", DPU_NODE_ADD, 2, add, ch->y);
    tu_input(g, ch->x);
    tu_output(g, ch->y);
}

/* Builds the chain and opens a session on x; d is cleared for the test's own calls. */
static struct dpu_ref_session *start(struct chain *ch, struct dpu_diag *d)
{
    build(ch);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d4, xv);
    struct dpu_ref_session *s = NULL;
    dpu_diag_clear(d);
    assert_int_equal(dpu_ref_session_open(&ch->g, &x, 1, &s, d), 0);
    assert_non_null(s);
    return s;
}

/* One node at a time gives what one run gives; each value is there while a later node still
 * reads it and gone after its last reader. */
static void test_step_by_step(void **state)
{
    (void)state;
    struct chain ch;
    struct dpu_diag d;
    struct dpu_ref_session *s = start(&ch, &d);
    assert_int_equal(dpu_ref_session_next(s), 0);
    assert_non_null(dpu_ref_session_value(s, ch.x)); /* bound, not read yet */
    assert_null(dpu_ref_session_value(s, ch.a));

    assert_int_equal(dpu_ref_session_run(s, 1, NULL, NULL, &d), 0);
    assert_int_equal(dpu_ref_session_next(s), 1);
    assert_null(dpu_ref_session_value(s, ch.x)); /* read by node 0 only */
    tu_expect_f32(dpu_ref_session_value(s, ch.a), (const float[]){0, 2, 0, 4}, 4, 0);
    assert_non_null(dpu_ref_session_value(s, ch.c)); /* constants stay */
    assert_null(dpu_ref_session_value(s, -1));
    assert_null(dpu_ref_session_value(s, 99));

    /* Not at the end: no outputs. */
    struct dpu_tensor y;
    assert_int_equal(dpu_ref_session_outputs(s, &y, &d), DPU_E_INVALID);
    assert_non_null(strstr(dpu_diag_message(&d), "has run 1 of the graph's 3 nodes"));
    assert_null(y.data);

    assert_int_equal(dpu_ref_session_run(s, 2, NULL, NULL, &d), 0);
    tu_expect_f32(dpu_ref_session_value(s, ch.b), (const float[]){0, 6, 0, 20}, 4, 0);
    assert_non_null(dpu_ref_session_value(s, ch.a)); /* the Add still reads it */

    /* An end past the last node runs to the end; running again does nothing. */
    assert_int_equal(dpu_ref_session_run(s, 1000, NULL, NULL, &d), 0);
    assert_int_equal(dpu_ref_session_run(s, 1000, NULL, NULL, &d), 0);
    assert_int_equal(dpu_ref_session_next(s), 3);
    assert_null(dpu_ref_session_value(s, ch.a));
    assert_null(dpu_ref_session_value(s, ch.b));
    tu_expect_f32(dpu_ref_session_value(s, ch.y), (const float[]){0, 8, 0, 24}, 4, 0);
    assert_int_equal(dpu_ref_session_outputs(s, &y, &d), 0);
    tu_expect_f32(&y, (const float[]){0, 8, 0, 24}, 4, 0);
    dpu_tensor_free(&y);
    dpu_ref_session_close(s);

    /* The same as one whole run. */
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d4, xv);
    assert_int_equal(dpu_ref_run(&ch.g, &x, 1, &y, &d), 0);
    tu_expect_f32(&y, (const float[]){0, 8, 0, 24}, 4, 0);
    dpu_tensor_free(&y);
    dpu_graph_free(&ch.g);
}

/* A constant changed while the run is paused is what the later nodes read: with c = 1 the Mul
 * gives b = a and y = 2a = [0, 4, 0, 8]. */
static void test_constant_changed_between_steps(void **state)
{
    (void)state;
    struct chain ch;
    struct dpu_diag d;
    struct dpu_ref_session *s = start(&ch, &d);
    assert_int_equal(dpu_ref_session_run(s, 1, NULL, NULL, &d), 0);
    float *c = ch.g.tensors[ch.c].data;
    for (int i = 0; i < 4; i++)
        c[i] = 1;
    assert_int_equal(dpu_ref_session_run(s, 3, NULL, NULL, &d), 0);
    struct dpu_tensor y;
    assert_int_equal(dpu_ref_session_outputs(s, &y, &d), 0);
    tu_expect_f32(&y, (const float[]){0, 4, 0, 8}, 4, 0);
    dpu_tensor_free(&y);
    dpu_ref_session_close(s);
    dpu_graph_free(&ch.g);
}

static int stop_at_mul(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    (void)user;
    (void)g;
    return ev->node == 1 ? 7 : 0;
}

/* A trace that stops the run: its value is returned and the session cannot go on; a bad input
 * is refused at open with *out NULL. */
static void test_stopped_session(void **state)
{
    (void)state;
    struct chain ch;
    struct dpu_diag d;
    struct dpu_ref_session *s = start(&ch, &d);
    assert_int_equal(dpu_ref_session_run(s, 3, stop_at_mul, NULL, &d), 7);
    assert_int_equal(dpu_ref_session_run(s, 3, NULL, NULL, &d), DPU_E_INVALID);
    assert_non_null(strstr(dpu_diag_message(&d), "stopped"));
    struct dpu_tensor y;
    assert_int_equal(dpu_ref_session_outputs(s, &y, &d), DPU_E_INVALID);
    dpu_ref_session_close(s);

    static const int64_t d5[1] = {5};
    static const float x5[5] = {0};
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d5, x5);
    static char dummy;
    s = (struct dpu_ref_session *)(void *)&dummy; /* must be overwritten with NULL */
    assert_int_equal(dpu_ref_session_open(&ch.g, &x, 1, &s, &d), DPU_E_MISMATCH);
    assert_null(s);
    assert_int_equal(dpu_ref_session_run(NULL, 1, NULL, NULL, &d), DPU_E_INVALID);
    dpu_ref_session_close(NULL);
    dpu_graph_free(&ch.g);
}

/* Live bytes of the chain: x (16) -> + a = 32, - x = 16 -> + b = 32 -> + y = 48, - a - b = 16:
 * peak 48. */
static void test_peak_bytes(void **state)
{
    (void)state;
    struct chain ch;
    build(&ch);
    assert_int_equal(dpu_ref_session_peak_bytes(&ch.g), 48);
    assert_int_equal(dpu_ref_session_peak_bytes(NULL), 0);
    dpu_graph_free(&ch.g);

    /* x -> Relu -> t (unread); x -> Relu -> y (output): x + t = 32, - t = 16 (x still read),
     * + y = 32, - x = 16: peak 32. */
    struct dpu_graph g;
    dpu_graph_init(&g);
    int x = tu_tensor(&g, "x", DPU_DT_FLOAT32, 1, d4, NULL);
    int t = tu_tensor(&g, "t", DPU_DT_FLOAT32, 1, d4, NULL);
    int y = tu_tensor(&g, "y", DPU_DT_FLOAT32, 1, d4, NULL);
    tu_node(&g, "dead", DPU_NODE_RELU, 1, &x, t);
    tu_node(&g, "live", DPU_NODE_RELU, 1, &x, y);
    tu_input(&g, x);
    tu_output(&g, y);
    assert_int_equal(dpu_ref_session_peak_bytes(&g), 32);
    struct dpu_tensor xt = tu_view(DPU_DT_FLOAT32, 1, d4, xv), out;
    struct dpu_ref_session *s;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_ref_session_open(&g, &xt, 1, &s, &d), 0);
    assert_int_equal(dpu_ref_session_run(s, 1, NULL, NULL, &d), 0);
    assert_null(dpu_ref_session_value(s, t)); /* never read: released once traced */
    assert_int_equal(dpu_ref_session_run(s, 2, NULL, NULL, &d), 0);
    assert_int_equal(dpu_ref_session_outputs(s, &out, &d), 0);
    tu_expect_f32(&out, (const float[]){0, 2, 0, 4}, 4, 0);
    dpu_tensor_free(&out);
    dpu_ref_session_close(s);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_by_step),
        cmocka_unit_test(test_constant_changed_between_steps),
        cmocka_unit_test(test_stopped_session),
        cmocka_unit_test(test_peak_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
