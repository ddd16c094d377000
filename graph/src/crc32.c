/* Table-driven CRC-32, one byte per step. Entry i of the table is the CRC register after
 * shifting the byte i through eight rounds of "shift right, XOR the reflected polynomial if
 * the bit shifted out was 1". The macros below compute those entries as constant
 * expressions, so the table is built by the compiler: no initialisation, no race. */
#include "dpu/crc32.h"

#define POLY_REFLECTED 0xEDB88320u

/* One round: (c >> 1) ^ (POLY if c's low bit is set); 0u - 1 is all ones. */
#define ROUND(c)   (((c) >> 1) ^ (POLY_REFLECTED & (0u - ((c)&1u))))
#define ENTRY(i)   ROUND(ROUND(ROUND(ROUND(ROUND(ROUND(ROUND(ROUND((uint32_t)(i)))))))))
#define ENTRY4(i)  ENTRY(i), ENTRY((i) + 1), ENTRY((i) + 2), ENTRY((i) + 3)
#define ENTRY16(i) ENTRY4(i), ENTRY4((i) + 4), ENTRY4((i) + 8), ENTRY4((i) + 12)
#define ENTRY64(i) ENTRY16(i), ENTRY16((i) + 16), ENTRY16((i) + 32), ENTRY16((i) + 48)

static const uint32_t table[256] = {ENTRY64(0), ENTRY64(64), ENTRY64(128), ENTRY64(192)};

uint32_t dpu_crc32(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t c = ~crc;
    for (size_t i = 0; i < len; i++)
        c = table[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
    return ~c;
}
