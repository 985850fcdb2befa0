// The ROM's CRCs, bitwise: width W, polynomial P, reflected (_le) or not
// (_be), inverted on entry and exit (see esp_crc.h).
#include "esp_crc.h"

namespace {

template <class T, int W>
T crc_le(T crc, const uint8_t* buf, uint32_t len, T poly) {
  T reflected = 0;  // the polynomial, bit-reversed for the right-shifting form
  for (int i = 0; i < W; ++i)
    if (poly & (T(1) << i)) reflected = static_cast<T>(reflected | (T(1) << (W - 1 - i)));
  crc = static_cast<T>(~crc);
  for (uint32_t i = 0; i < len; ++i) {
    crc = static_cast<T>(crc ^ buf[i]);
    for (int b = 0; b < 8; ++b) crc = static_cast<T>((crc & 1) ? (crc >> 1) ^ reflected : crc >> 1);
  }
  return static_cast<T>(~crc);
}

template <class T, int W>
T crc_be(T crc, const uint8_t* buf, uint32_t len, T poly) {
  const T top = static_cast<T>(T(1) << (W - 1));
  crc = static_cast<T>(~crc);
  for (uint32_t i = 0; i < len; ++i) {
    crc = static_cast<T>(crc ^ (T(buf[i]) << (W - 8)));
    for (int b = 0; b < 8; ++b) crc = static_cast<T>((crc & top) ? (crc << 1) ^ poly : crc << 1);
  }
  return static_cast<T>(~crc);
}

}  // namespace

extern "C" {
uint32_t esp_crc32_le(uint32_t crc, uint8_t const* buf, uint32_t len) { return crc_le<uint32_t, 32>(crc, buf, len, 0x04c11db7u); }
uint32_t esp_crc32_be(uint32_t crc, uint8_t const* buf, uint32_t len) { return crc_be<uint32_t, 32>(crc, buf, len, 0x04c11db7u); }
uint16_t esp_crc16_le(uint16_t crc, uint8_t const* buf, uint32_t len) { return crc_le<uint16_t, 16>(crc, buf, len, 0x1021); }
uint16_t esp_crc16_be(uint16_t crc, uint8_t const* buf, uint32_t len) { return crc_be<uint16_t, 16>(crc, buf, len, 0x1021); }
uint8_t esp_crc8_le(uint8_t crc, uint8_t const* buf, uint32_t len) { return crc_le<uint8_t, 8>(crc, buf, len, 0x07); }
uint8_t esp_crc8_be(uint8_t crc, uint8_t const* buf, uint32_t len) { return crc_be<uint8_t, 8>(crc, buf, len, 0x07); }
}
