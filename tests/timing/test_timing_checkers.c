/* The strict JSON, XML and trace-event checkers of the timing tests must reject what is
 * invalid, or the zoo tests that rely on them prove nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "json_check.h"

static int json(const char *text)
{
    struct jv v;
    char why[256];
    int rc = json_parse(text, strlen(text), &v, why, sizeof why);
    if (!rc)
        jv_free(&v);
    return rc;
}

static void test_json(void **state)
{
    (void)state;
    static const char *const good[] = {"{}",
                                       "[]",
                                       "0",
                                       "-0.5e+3",
                                       "\"a\\u00e9\\ud83d\\ude00\\n\"",
                                       "{\"a\": [1, true, null]}",
                                       " {\"a\" : {\"b\" : \"c\"}} "};
    static const char *const bad[] = {"",        "{",       "[1,]", "{\"a\":1,}",  "01",
                                      "1.",      ".5",      "NaN",  "\"a\tb\"",    "{a: 1}",
                                      "[1] [2]", "\"\\x\"", "tru",  "\"\\ud800\"", "{\"a\"}",
                                      "[1 2]",   "\"abc",   "1e",   "-",           "'a'"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (json(good[i]))
            fail_msg("rejected valid JSON %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (!json(bad[i]))
            fail_msg("accepted invalid JSON %s", bad[i]);
    struct jv v;
    char why[256];
    const char *t = "{\"k\": \"x\\\"y\", \"n\": 2}";
    assert_int_equal(json_parse(t, strlen(t), &v, why, sizeof why), 0);
    assert_string_equal(jv_get(&v, "k")->str, "x\"y");
    assert_true(jv_get(&v, "n")->num == 2);
    jv_free(&v);
}

static int xml(const char *text)
{
    char why[256];
    return xml_check(text, strlen(text), "svg", why, sizeof why);
}

static void test_xml(void **state)
{
    (void)state;
    static const char *const good[] = {
        "<svg/>", "<?xml version=\"1.0\"?>\n<svg a=\"1\" b='2'><g><text>a &amp; b &#65;</text>"
                  "</g><!-- c --></svg>\n"};
    static const char *const bad[] = {"",
                                      "<svg>",
                                      "<svg></g>",
                                      "<svg a=1/>",
                                      "<svg a=\"<\"/>",
                                      "<svg>&nbsp;</svg>",
                                      "<svg/><svg/>",
                                      "text<svg/>",
                                      "<g/>",
                                      "<svg a=\"1\" a=\"2\"/>",
                                      "<svg><!-- a -- b --></svg>",
                                      "<svg><g></svg></g>",
                                      "<svg>&#;</svg>"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (xml(good[i]))
            fail_msg("rejected well-formed XML %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (!xml(bad[i]))
            fail_msg("accepted malformed XML %s", bad[i]);
}

static int trace(const char *text, size_t *n)
{
    struct jv v;
    char why[256];
    assert_int_equal(json_parse(text, strlen(text), &v, why, sizeof why), 0);
    int rc = trace_check(&v, n, why, sizeof why);
    jv_free(&v);
    return rc;
}

static void test_trace(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(trace("{\"traceEvents\": ["
                           "{\"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"name\": \"thread_name\"},"
                           "{\"ph\": \"X\", \"pid\": 1, \"tid\": 0, \"name\": \"a\", \"ts\": 0, "
                           "\"dur\": 1.5},"
                           "{\"ph\": \"X\", \"pid\": 1, \"tid\": 0, \"name\": \"b\", \"ts\": 1.5, "
                           "\"dur\": 1},"
                           "{\"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"name\": \"c\", \"ts\": 0.5, "
                           "\"dur\": 3},"
                           "{\"ph\": \"B\", \"pid\": 1, \"tid\": 2, \"name\": \"d\", \"ts\": 0},"
                           "{\"ph\": \"E\", \"pid\": 1, \"tid\": 2, \"ts\": 2}]}",
                           &n),
                     0);
    assert_int_equal(n, 4);
    /* Overlap on one track. */
    assert_int_not_equal(trace("[{\"ph\": \"X\", \"pid\": 1, \"tid\": 0, \"name\": \"a\", "
                               "\"ts\": 0, \"dur\": 2}, {\"ph\": \"X\", \"pid\": 1, \"tid\": 0, "
                               "\"name\": \"b\", \"ts\": 1, \"dur\": 1}]",
                               &n),
                         0);
    /* Negative duration, unbalanced B and E. */
    assert_int_not_equal(trace("[{\"ph\": \"X\", \"pid\": 1, \"tid\": 0, \"name\": \"a\", "
                               "\"ts\": 0, \"dur\": -1}]",
                               &n),
                         0);
    assert_int_not_equal(trace("[{\"ph\": \"B\", \"pid\": 1, \"tid\": 0, \"ts\": 0}]", &n), 0);
    assert_int_not_equal(trace("[{\"ph\": \"E\", \"pid\": 1, \"tid\": 0, \"ts\": 0}]", &n), 0);
    assert_int_not_equal(trace("{\"events\": []}", &n), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_xml),
        cmocka_unit_test(test_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
