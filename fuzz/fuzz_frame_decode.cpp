// The frame decoder on arbitrary bytes, in each FCS mode (v1, v2, protected).
#include <array>

#include "espnow/wire/frame.hpp"
#include "fuzz_check.hpp"

using namespace espnow::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::array<std::uint8_t, kMaxMessageV2> storage;
  for (Fcs mode : {Fcs::present, Fcs::trusted, Fcs::absent}) {
    const DecodeResult r = decode({data, size}, mode, storage);
    if (!r.ok()) continue;
    FUZZ_CHECK(r.frame.message.size() <= kMaxMessageV2);
    FUZZ_CHECK(r.frame.encrypted || r.frame.elements >= 1);
    unsigned sum = 0;  // every byte of the view must be readable
    for (std::uint8_t b : r.frame.message) sum += b;
    for (std::uint8_t b : r.frame.protected_body) sum += b;
    (void)sum;
  }
  return 0;
}
