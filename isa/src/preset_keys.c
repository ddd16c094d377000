/* The table of integer preset keys, built from DPU_PRESET_INT_KEYS so that the struct
 * fields, the generator's parser, the checks and the hash can never disagree. Compiled into
 * both presetgen and libdpuisa. */
#include "dpu/preset.h"

#include <string.h>

const struct dpu_preset_key dpu_preset_keys[] = {
#define DPU_PRESET_KEY_(key, min, max, unit, doc)                                                  \
    {#key, offsetof(struct dpu_preset, key), (min), (max), unit, doc},
    DPU_PRESET_INT_KEYS(DPU_PRESET_KEY_)
#undef DPU_PRESET_KEY_
};

const size_t dpu_preset_key_count = sizeof dpu_preset_keys / sizeof dpu_preset_keys[0];

const struct dpu_preset_key *dpu_preset_key_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < dpu_preset_key_count; i++)
        if (strcmp(dpu_preset_keys[i].name, name) == 0)
            return &dpu_preset_keys[i];
    return NULL;
}
