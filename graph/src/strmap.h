/* A small open-addressing hash map from byte strings to int64 values, private to libdpugraph:
 * unique-name checks in the verifier, string deduplication in the binary writer, name lookup
 * in the text reader. Keys are NOT copied: each key must outlive the map. */
#ifndef DPU_STRMAP_H
#define DPU_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct dpu_strmap_slot {
    const char *key; /* NULL: empty slot */
    size_t len;
    uint64_t hash;
    int64_t value;
};

struct dpu_strmap {
    size_t cap; /* a power of two, or 0 before the first insertion */
    size_t count;
    struct dpu_strmap_slot *slots;
};

void dpu_strmap_init(struct dpu_strmap *m);
void dpu_strmap_free(struct dpu_strmap *m);

/* The value stored for key[0..len), or -1 when absent. */
int64_t dpu_strmap_get(const struct dpu_strmap *m, const char *key, size_t len);

/* Inserts key -> value. Returns 0 when inserted, 1 when the key was already present (its
 * value is left unchanged and stored in *old when old is non-NULL), DPU_E_NOMEM. */
int dpu_strmap_put(struct dpu_strmap *m, const char *key, size_t len, int64_t value, int64_t *old);

#endif
