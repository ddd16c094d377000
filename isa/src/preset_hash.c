/* The preset hash: ONE implementation, compiled into presetgen (which stamps the value into
 * the generated table, the SystemVerilog packages and the docs) and into libdpuisa (which
 * recomputes it at run time). Changing anything here changes every stamped hash: the unit
 * test pins the hash of `tiny` to catch that.
 *
 * Canonical text: "key=value\n" for every key except description, keys sorted
 * alphabetically (byte order), integers in decimal without leading zeros. 64-bit FNV-1a over
 * those bytes. No buffer is built: the bytes are fed to the hash as they are produced. */
#include "dpu/preset.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV64_PRIME;
    }
    return h;
}

static uint64_t fnv1a_str(uint64_t h, const char *s)
{
    return fnv1a(h, s, strlen(s));
}

/* One canonical line: "key=value\n". value is the name (for key "name") or a decimal. */
static uint64_t hash_line(uint64_t h, const char *key, const char *value)
{
    h = fnv1a_str(h, key);
    h = fnv1a(h, "=", 1);
    h = fnv1a_str(h, value);
    return fnv1a(h, "\n", 1);
}

uint64_t dpu_preset_compute_hash(const struct dpu_preset *p)
{
    /* The integer keys plus "name", sorted by key. Sorting here (rather than trusting the
     * order of DPU_PRESET_INT_KEYS) keeps the canonical form independent of how the struct
     * is laid out. Insertion sort: eighteen entries. */
    const char *keys[64];
    size_t n = 0;
    keys[n++] = "name";
    for (size_t i = 0; i < dpu_preset_key_count && n < sizeof keys / sizeof keys[0]; i++)
        keys[n++] = dpu_preset_keys[i].name;
    for (size_t i = 1; i < n; i++) {
        const char *k = keys[i];
        size_t j = i;
        for (; j > 0 && strcmp(keys[j - 1], k) > 0; j--)
            keys[j] = keys[j - 1];
        keys[j] = k;
    }

    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], "name") == 0) {
            h = hash_line(h, "name", p->name ? p->name : "");
            continue;
        }
        char num[16];
        snprintf(num, sizeof num, "%" PRIu32, dpu_preset_get(p, dpu_preset_key_find(keys[i])));
        h = hash_line(h, keys[i], num);
    }
    return h;
}
