/* ESP-IDF's esp_crc.h on the host: the ROM's CRCs bit for bit. As ESP-IDF's
 * ROM headers (rom/crc.h) document them: CRC-8 poly 0x07, CRC-16 poly 0x1021,
 * CRC-32 poly 0x04c11db7; _le reflects input and output, _be does not; each
 * call inverts the CRC on entry and on exit, so 0 starts a computation and a
 * result continues it. Hence esp_crc32_le(0, "123456789", 9) is CRC-32
 * (0xCBF43926) and esp_crc16_le(0, ...) is CRC-16/X-25 (0x906E). */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t esp_crc32_le(uint32_t crc, uint8_t const* buf, uint32_t len);
uint32_t esp_crc32_be(uint32_t crc, uint8_t const* buf, uint32_t len);
uint16_t esp_crc16_le(uint16_t crc, uint8_t const* buf, uint32_t len);
uint16_t esp_crc16_be(uint16_t crc, uint8_t const* buf, uint32_t len);
uint8_t esp_crc8_le(uint8_t crc, uint8_t const* buf, uint32_t len);
uint8_t esp_crc8_be(uint8_t crc, uint8_t const* buf, uint32_t len);

#ifdef __cplusplus
}
#endif
