// Built against an installed espnow: encodes and decodes one frame.
#include <espnow/frame.hpp>

#include <array>
#include <cstdio>

int main() {
  using namespace espnow;
  std::array<std::uint8_t, 64> buf{};
  const std::uint8_t msg[] = {'o', 'k'};
  const auto enc = wire::encode({.dst = MacAddress::broadcast(), .src = {}}, msg, buf);
  const auto dec = wire::decode(std::span(buf).first(enc.size), wire::Fcs::present);
  std::printf("%s\n", dec.ok() ? "ok" : "failed");
  return dec.ok() && dec.frame.message.size() == 2 ? 0 : 1;
}
