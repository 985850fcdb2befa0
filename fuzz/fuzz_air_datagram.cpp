// The UDP air's datagram parser, then what a receiving process does next
// with the frame inside: the ACK check and the frame decoder.
#include <array>

#include "espnow/wire/air_datagram.hpp"
#include "espnow/wire/frame.hpp"
#include "fuzz_check.hpp"

using namespace espnow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::array<std::uint8_t, wire::kMaxMessageV2> storage;
  const wire::AirParse p = wire::parse_air_datagram({data, size});
  if (!p.ok()) return 0;
  FUZZ_CHECK(p.frame.size() + wire::kAirHeaderLen == size);
  FUZZ_CHECK(is_valid_channel(p.header.channel));
  MacAddress ra;
  if (!wire::parse_ack(p.frame, ra)) (void)wire::decode(p.frame, wire::Fcs::present, storage);
  return 0;
}
