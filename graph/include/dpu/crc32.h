/* CRC-32 as in IEEE 802.3, zlib and PNG: polynomial 0x04C11DB7 (reflected 0xEDB88320),
 * initial value and final XOR 0xFFFFFFFF. dpu_crc32(0, "123456789", 9) == 0xCBF43926. */
#ifndef DPU_CRC32_H
#define DPU_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC over len more bytes: start with crc = 0, pass the previous result to
 * continue (dpu_crc32(dpu_crc32(0, a, n), b, m) is the CRC of a followed by b). */
uint32_t dpu_crc32(uint32_t crc, const void *data, size_t len);

#endif
