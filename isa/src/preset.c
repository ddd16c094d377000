/* Run-time access to the generated presets and the figures derived from them. */
#include "dpu/preset.h"

#include <string.h>

const struct dpu_preset *dpu_preset_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < dpu_preset_count; i++)
        if (strcmp(dpu_presets[i].name, name) == 0)
            return &dpu_presets[i];
    return NULL;
}
