/* isagen, step 2: the rules that relate statements to each other. */
#ifndef ISAGEN_CHECK_H
#define ISAGEN_CHECK_H

#include "isagen_model.h"

/* Resolves enum references, engines and defaults, computes the used masks and refuses
 * overlaps, fields past the word, duplicate names and opcodes, values that do not fit.
 * Reports every problem through tbl_error; returns false if there was any. */
bool ig_check(const struct tbl_file *f, struct ig_model *m);

#endif
