#include "espnow/wire/beacon.hpp"

#include <algorithm>

#include "byte_order.hpp"
#include "espnow/wire/fcs.hpp"

namespace espnow::wire {
namespace {

constexpr std::uint8_t kBeaconFc0 = 0x80;  // management, subtype 8
constexpr std::uint16_t kCapEss = 0x0001, kCapPrivacy = 0x0010, kCapShortPreamble = 0x0020,
                        kCapShortSlot = 0x0400;
// Element IDs.
constexpr std::uint8_t kSsid = 0, kRates = 1, kDsParams = 3, kTim = 5, kErp = 42, kHtCaps = 45, kRsn = 48,
                       kExtRates = 50, kHtOperation = 61;

void element(std::vector<std::uint8_t>& f, std::uint8_t id, std::initializer_list<std::uint8_t> body) {
  f.push_back(id);
  f.push_back(static_cast<std::uint8_t>(body.size()));
  f.insert(f.end(), body);
}

void add_u16(std::vector<std::uint8_t>& f, std::uint16_t v) {
  f.resize(f.size() + 2);
  put_le16(f.data() + f.size() - 2, v);
}

}  // namespace

std::vector<std::uint8_t> encode_beacon(const Beacon& b) {
  std::vector<std::uint8_t> f{kBeaconFc0, 0x00, 0x00, 0x00};  // frame control, duration 0
  f.insert(f.end(), 6, 0xFF);                                  // to everyone
  f.insert(f.end(), b.bssid.bytes.begin(), b.bssid.bytes.end());  // from the AP
  f.insert(f.end(), b.bssid.bytes.begin(), b.bssid.bytes.end());  // of its BSS
  add_u16(f, static_cast<std::uint16_t>((b.sequence & 0x0FFF) << 4));
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<std::uint8_t>(b.timestamp_us >> (8 * i)));
  add_u16(f, b.interval_tu);
  add_u16(f, static_cast<std::uint16_t>(kCapEss | kCapShortPreamble | kCapShortSlot |
                                        (b.protected_network ? kCapPrivacy : 0)));
  const std::size_t ssid_len = std::min<std::size_t>(b.ssid.size(), 32);
  f.push_back(kSsid);
  f.push_back(static_cast<std::uint8_t>(ssid_len));
  f.insert(f.end(), b.ssid.begin(), b.ssid.begin() + static_cast<std::ptrdiff_t>(ssid_len));
  // 1, 2, 5.5 and 11 Mbps basic (bit 7), 6, 9, 12 and 18 Mbps, in 500 kbit/s.
  element(f, kRates, {0x82, 0x84, 0x8B, 0x96, 0x0C, 0x12, 0x18, 0x24});
  element(f, kDsParams, {b.channel});
  element(f, kTim, {0, 1, 0, 0});  // DTIM count 0 of period 1; no traffic buffered
  element(f, kErp, {0});           // no 802.11b-only stations, no protection
  element(f, kExtRates, {0x30, 0x48, 0x60, 0x6C});  // 24, 36, 48, 54 Mbps
  if (b.protected_network)  // version 1; CCMP group, one CCMP pairwise, one PSK AKM; no capabilities
    element(f, kRsn, {0x01, 0x00, 0x00, 0x0F, 0xAC, 0x04, 0x01, 0x00, 0x00, 0x0F, 0xAC, 0x04, 0x01, 0x00, 0x00, 0x0F,
                      0xAC, 0x02, 0x00, 0x00});
  // HT: SM power save off, short GI at 20 MHz; A-MPDU up to 64 kB; MCS 0-7.
  element(f, kHtCaps, {0x2C, 0x00, 0x1B, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  element(f, kHtOperation, {b.channel, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  f.resize(f.size() + kFcsLen);
  write_fcs(f);
  return f;
}

}  // namespace espnow::wire
