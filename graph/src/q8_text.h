/* Pieces the text writer and reader of model.q8 share, so that what one writes the other
 * reads back bit for bit. The grammar is in docs/q8-format.md ("The text form"). */
#ifndef DPU_Q8_TEXT_H
#define DPU_Q8_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters of a bare word: names, keywords and numbers. Anything else needs quotes. */
bool q8_text_word_char(int c);
/* True when s can be written bare: non-empty, word characters only, and not "-" (which
 * marks an absent input in a list). */
bool q8_text_bare(const char *s);

/* Room for any number the formatters write, NUL included. */
#define Q8_NUM_MAX 40

/* Shortest decimal that reads back to the same bits (at most 9 significant digits for a
 * float32, 17 for a double), always recognizable as a float: it contains '.', 'e', "inf" or
 * "nan" ("1" is written "1.0"). NaNs are written with their bits: "nan:0x7fc00000" (float32,
 * 8 hex digits) or "nan:0x7ff8000000000000" (double, 16). */
void q8_format_f32(float v, char buf[Q8_NUM_MAX]);
void q8_format_f64(double v, char buf[Q8_NUM_MAX]);

/* Token classification: "-12" is an int; "1.5", "-2e-3", "inf", "-inf", "nan:0x..." are
 * floats (the exact forms q8_format_* writes, plus any decimal with '.' or an exponent). */
bool q8_is_int_token(const char *s, size_t n);
bool q8_is_float_token(const char *s, size_t n);

/* Parsers for tokens of those forms. Return false when the value does not fit: an int
 * outside int64, a float beyond the float32 (double) range, a malformed NaN. */
bool q8_parse_int(const char *s, size_t n, int64_t *out);
bool q8_parse_f32(const char *s, size_t n, float *out);
bool q8_parse_f64(const char *s, size_t n, double *out);

#endif
