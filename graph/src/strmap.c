/* Linear probing with a load factor of at most 1/2; FNV-1a hashing. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "dpu/err.h"

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

void dpu_strmap_init(struct dpu_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void dpu_strmap_free(struct dpu_strmap *m)
{
    free(m->slots);
    dpu_strmap_init(m);
}

/* The slot holding key, or the empty slot where it would go. Requires cap > 0. */
static struct dpu_strmap_slot *find(const struct dpu_strmap *m, const char *key, size_t len,
                                    uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct dpu_strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

int64_t dpu_strmap_get(const struct dpu_strmap *m, const char *key, size_t len)
{
    if (m->cap == 0)
        return -1;
    const struct dpu_strmap_slot *s = find(m, key, len, fnv1a(key, len));
    return s->key ? s->value : -1;
}

static int grow(struct dpu_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    if (cap > SIZE_MAX / sizeof(struct dpu_strmap_slot) / 2)
        return DPU_E_NOMEM;
    struct dpu_strmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return DPU_E_NOMEM;
    struct dpu_strmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) = old.slots[i];
    free(old.slots);
    return DPU_OK;
}

int dpu_strmap_put(struct dpu_strmap *m, const char *key, size_t len, int64_t value, int64_t *old)
{
    if ((m->count + 1) * 2 > m->cap) {
        int err = grow(m);
        if (err)
            return err;
    }
    uint64_t h = fnv1a(key, len);
    struct dpu_strmap_slot *s = find(m, key, len, h);
    if (s->key) {
        if (old)
            *old = s->value;
        return 1;
    }
    s->key = key;
    s->len = len;
    s->hash = h;
    s->value = value;
    m->count++;
    return 0;
}
