// CCMP decryption of arbitrary bytes with a fixed key; whatever decrypts
// must then decode safely.
#include <array>

#include "espnow/wire/ccmp.hpp"
#include "fuzz_check.hpp"

using namespace espnow::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static CcmpCipher cipher(Key128{0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 1, 2, 3, 4, 5, 6, 7, 8});
  static std::array<std::uint8_t, kMaxFrameSize + 64> plain;
  static std::array<std::uint8_t, kMaxMessageV2> storage;
  const CcmpResult r = cipher.unprotect({data, size}, plain);
  if (!r.ok()) return 0;
  FUZZ_CHECK(r.size + kCcmpOverhead + kFcsLen == size);
  FUZZ_CHECK(r.pn <= kMaxPn);
  (void)decode(std::span(plain).first(r.size), Fcs::absent, storage);
  return 0;
}
