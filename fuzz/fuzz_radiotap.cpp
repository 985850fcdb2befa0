// The radiotap parser on arbitrary bytes.
#include "espnow/wire/radiotap.hpp"
#include "fuzz_check.hpp"

using namespace espnow::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const RadiotapParse p = parse_radiotap({data, size});
  if (p.usable()) FUZZ_CHECK(p.length >= 8 && p.length <= size);
  return 0;
}
