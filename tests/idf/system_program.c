/* esp_crc, esp_random and esp_netif from C11 (run by system_test.cpp).
 * Returns 0, or the line of the first check that failed. */
#include <string.h>

#include "esp_crc.h"
#include "esp_event.h"
#include "esp_netif.h"
#include "esp_random.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

/* The ROM header's recipe for a CRC with its own init: ~crc(~init, ...). */
static uint16_t not16(uint16_t x) { return (uint16_t)(x ^ 0xffffu); }
static uint8_t not8(uint8_t x) { return (uint8_t)(x ^ 0xffu); }

int system_program_crc(void) {
  const uint8_t* v = (const uint8_t*)"123456789";
  /* The catalogue's check values, through the ROM's conventions (esp_crc.h). */
  CHECK(esp_crc32_le(0, v, 9) == 0xCBF43926u);                  /* CRC-32 */
  CHECK(esp_crc32_be(0, v, 9) == 0xFC891918u);                  /* CRC-32/BZIP2 */
  CHECK(esp_crc16_le(0, v, 9) == 0x906E);                       /* CRC-16/X-25 */
  CHECK(esp_crc16_be(0, v, 9) == 0xD64E);                       /* CRC-16/GENIBUS */
  CHECK(not16(esp_crc16_le(not16(0x0000), v, 9)) == 0x2189); /* CRC-16/KERMIT, ROM header's recipe */
  CHECK(not16(esp_crc16_be(not16(0xffff), v, 9)) == 0x29B1); /* CRC-16/CCITT-FALSE */
  CHECK(not16(esp_crc16_be(not16(0x0000), v, 9)) == 0x31C3); /* CRC-16/XMODEM */
  CHECK(not8(esp_crc8_be(not8(0x00), v, 9)) == 0xF4);        /* CRC-8/SMBUS */
  CHECK(not8(esp_crc8_le(not8(0xff), v, 9)) == 0xD0);        /* CRC-8/ROHC */
  /* A result continues the computation over a split buffer; length 0 changes nothing. */
  CHECK(esp_crc32_le(esp_crc32_le(0, v, 4), v + 4, 5) == 0xCBF43926u);
  CHECK(esp_crc16_be(esp_crc16_be(0, v, 3), v + 3, 6) == 0xD64E);
  CHECK(esp_crc8_le(0x5a, v, 0) == 0x5a);
  return 0;
}

int system_program_random(void) {
  uint32_t a = esp_random(), b = esp_random(), c = esp_random();
  CHECK(!(a == b && b == c)); /* 2^-64 */
  uint8_t buf[67];
  memset(buf, 0, sizeof buf);
  esp_fill_random(buf, sizeof buf); /* not a multiple of 4: the tail is filled too */
  int zeros = 0;
  for (size_t i = 0; i < sizeof buf; ++i) zeros += buf[i] == 0;
  CHECK(zeros < 10);
  esp_fill_random(buf, 0);
  return 0;
}

int system_program_netif(void) {
  CHECK(esp_netif_init() == ESP_OK);
  CHECK(esp_netif_init() == ESP_OK);
  CHECK(esp_event_loop_create_default() == ESP_OK);
  esp_netif_t* sta = esp_netif_create_default_wifi_sta();
  esp_netif_t* ap = esp_netif_create_default_wifi_ap();
  CHECK(sta && ap && sta != ap);
  esp_netif_destroy_default_wifi(sta);
  esp_netif_destroy_default_wifi(NULL);
  CHECK(esp_event_loop_delete_default() == ESP_OK);
  return 0;
}
