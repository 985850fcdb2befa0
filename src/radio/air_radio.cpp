#include "espnow/radio/air_radio.hpp"

#include <algorithm>
#include <cstring>

#include "espnow/common/errors.hpp"

namespace espnow {
namespace {

std::uint64_t pack(const MacAddress& m) {
  std::uint64_t v = 0;
  for (auto b : m.bytes) v = (v << 8) | b;
  return v;
}

MacAddress unpack(std::uint64_t v) {
  MacAddress m;
  for (int i = 5; i >= 0; --i, v >>= 8) m.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
  return m;
}

MacAddress default_ap_mac(MacAddress sta) {
  sta.bytes[5] = static_cast<std::uint8_t>(sta.bytes[5] + 1);
  return sta;
}

std::size_t index(Interface i) { return static_cast<std::size_t>(i); }

}  // namespace

std::error_code validate(const RadioOptions& o) {
  if (o.mac.is_multicast() || (o.ap_mac && o.ap_mac->is_multicast())) return errc::arg;
  if (!is_valid_channel(o.channel)) return errc::arg;
  return {};
}

AirRadio::AirRadio(const RadioOptions& o)
    : macs_{pack(o.mac), pack(o.ap_mac.value_or(default_ap_mac(o.mac)))},
      active_{o.sta_active, o.ap_active},
      channel_(o.channel),
      long_range_(o.long_range),
      tx_power_(o.tx_power_dbm),
      x_(o.position.x),
      y_(o.position.y) {}

MacAddress AirRadio::mac(Interface i) const { return unpack(macs_[index(i)].load()); }

bool AirRadio::interface_active(Interface i) const { return active_[index(i)].load(); }

std::error_code AirRadio::set_channel(std::uint8_t ch) {
  if (!is_valid_channel(ch)) return errc::arg;
  channel_ = ch;
  return {};
}

std::error_code AirRadio::set_mac(Interface i, const MacAddress& mac) {
  if (mac.is_multicast()) return errc::arg;  // ESP-IDF refuses a group address
  macs_[index(i)] = pack(mac);
  return {};
}

void AirRadio::set_active(Interface i, bool active) { active_[index(i)] = active; }

void AirRadio::set_position(Position p) {
  x_ = p.x;
  y_ = p.y;
}

Hearing hear(const AirRadio& rx, const Transmitter& tx, const MacAddress& dst, PhyRate rate, const PathLoss& path_loss,
             LossModel& loss) {
  using enum Hearing::Outcome;
  if (!rx.hears(dst)) return {not_addressed};
  const int rssi = rssi_dbm(path_loss, tx.position, rx.position(), tx.tx_dbm);
  switch (reception(tx.channel, rx.channel(), rate, rx.long_range(), rssi)) {
    case Reception::heard: break;
    case Reception::too_weak: return {too_weak, rssi};
    default: return {not_heard, rssi};
  }
  return {loss.lose(tx.mac, rx.mac(Interface::sta)) ? lost : heard, rssi};
}

bool AirRadio::owns(const MacAddress& dst) const {
  const std::uint64_t v = pack(dst);
  return (active_[0].load() && macs_[0].load() == v) || (active_[1].load() && macs_[1].load() == v);
}

}  // namespace espnow
