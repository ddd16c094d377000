/* Small strict checkers for the files dpusim --timing writes, used by the tests (no Python in
 * CI): a JSON parser (RFC 8259, nothing more: no trailing commas, no comments, no NaN, no
 * leading zeros, no control characters in strings, exactly one value), an XML
 * well-formedness checker for the SVG, and the trace-event rules.
 *
 * Every checker returns 0 when the text is valid, or -1 with a message (naming the byte
 * offset) in why[0 .. cap). */
#ifndef TIMING_JSON_CHECK_H
#define TIMING_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

/* A parsed JSON value. Objects keep their members in order (keys[i] names items[i]). */
struct jv {
    enum jtype type;
    bool b;
    double num;
    char *str; /* J_STR: the decoded string (UTF-8, NUL-terminated; embedded NULs refused) */
    size_t n;  /* J_ARR, J_OBJ: number of items */
    struct jv *items;
    char **keys;
};

/* Parses text[0 .. len) into *out (caller frees with jv_free). */
int json_parse(const char *text, size_t len, struct jv *out, char *why, size_t cap);
void jv_free(struct jv *v);
/* The member called key of object o, or NULL. */
const struct jv *jv_get(const struct jv *o, const char *key);

/* XML 1.0 well-formedness of text[0 .. len) (elements, attributes, entity and character
 * references, comments, processing instructions, CDATA; no DTD), with exactly one root
 * element whose name must be root (NULL: any). */
int xml_check(const char *text, size_t len, const char *root, char *why, size_t cap);

/* Chrome trace-event rules of a parsed trace: an object with an array traceEvents (or the
 * array itself); every event an object with a string ph; X events with numeric pid, tid, a
 * name, ts >= 0 and dur >= 0; B/E events balanced per (pid, tid); slices on one track
 * (pid, tid) do not overlap. *nslices counts the X and B/E slices. */
int trace_check(const struct jv *root, size_t *nslices, char *why, size_t cap);

/* Reads a whole file (caller frees); NULL on error. */
char *read_file(const char *path, size_t *len);

#endif
