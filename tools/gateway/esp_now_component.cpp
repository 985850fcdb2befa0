#include "esp_now_component.hpp"

namespace espnow::gateway {
namespace {

constexpr const char* kTypeNames[] = {"ack",         "forward",       "group",      "prov",         "control_bind",
                                      "control_data", "ota_status",   "ota_data",   "debug_log",    "debug_command",
                                      "data",         "security_status", "security", "security_data", "timesync"};
constexpr std::size_t kTypes = sizeof kTypeNames / sizeof kTypeNames[0];

// The head's bit-fields as GCC lays them out on the (little-endian) chips.
ComponentFrameHead read_head(const std::uint8_t* h) {
  ComponentFrameHead f;
  f.magic = static_cast<std::uint16_t>(h[0] | h[1] << 8);
  f.channel = h[2] & 0x0F;
  f.filter_adjacent_channel = h[2] & 0x10;
  f.filter_weak_signal = h[2] & 0x20;
  f.security = h[2] & 0x40;
  f.broadcast = h[3] & 0x08;
  f.group = h[3] & 0x10;
  f.ack = h[3] & 0x20;
  f.retransmit_count = static_cast<std::uint8_t>((h[3] >> 6) | (h[4] & 0x07) << 2);
  f.forward_ttl = static_cast<std::uint8_t>(h[4] >> 3);
  f.forward_rssi = static_cast<std::int8_t>(h[5]);
  return f;
}

void write_head(const ComponentFrameHead& f, std::uint8_t* h) {
  h[0] = static_cast<std::uint8_t>(f.magic), h[1] = static_cast<std::uint8_t>(f.magic >> 8);
  h[2] = static_cast<std::uint8_t>((f.channel & 0x0F) | f.filter_adjacent_channel << 4 | f.filter_weak_signal << 5 |
                                   f.security << 6);
  h[3] = static_cast<std::uint8_t>(f.broadcast << 3 | f.group << 4 | f.ack << 5 | (f.retransmit_count & 0x03) << 6);
  h[4] = static_cast<std::uint8_t>((f.retransmit_count >> 2 & 0x07) | (f.forward_ttl & 0x1F) << 3);
  h[5] = static_cast<std::uint8_t>(f.forward_rssi);
}

}  // namespace

const char* component_type_name(std::uint8_t type) { return type < kTypes ? kTypeNames[type] : nullptr; }

std::optional<ComponentFrame> parse_component_frame(std::span<const std::uint8_t> m, std::string& why) {
  if (m.size() < kComponentHeaderLen) return why = "shorter than the component's 20-byte header", std::nullopt;
  const std::uint8_t type = m[0] & 0x0F, version = (m[0] >> 4) & 0x03;
  if (version != kComponentVersion) return why = "version " + std::to_string(version) + ", not 2", std::nullopt;
  if (!component_type_name(type)) return why = "unknown type " + std::to_string(type), std::nullopt;
  if (m[1] != static_cast<std::uint8_t>(m.size() - kComponentHeaderLen))
    return why = "size " + std::to_string(m[1]) + " but " + std::to_string(m.size() - kComponentHeaderLen) + " bytes follow", std::nullopt;
  ComponentFrame f;
  f.type = type;
  f.head = read_head(m.data() + 2);
  f.dst = MacAddress::read(m.data() + 8);
  f.src = MacAddress::read(m.data() + 14);
  f.payload.assign(m.begin() + kComponentHeaderLen, m.end());
  return f;
}

std::vector<std::uint8_t> encode_component_frame(const ComponentFrame& f) {
  std::vector<std::uint8_t> m(kComponentHeaderLen + f.payload.size());
  m[0] = static_cast<std::uint8_t>((f.type & 0x0F) | kComponentVersion << 4);
  m[1] = static_cast<std::uint8_t>(f.payload.size());
  write_head(f.head, m.data() + 2);
  std::copy(f.dst.bytes.begin(), f.dst.bytes.end(), m.begin() + 8);
  std::copy(f.src.bytes.begin(), f.src.bytes.end(), m.begin() + 14);
  std::copy(f.payload.begin(), f.payload.end(), m.begin() + kComponentHeaderLen);
  return m;
}

ComponentFrame component_ack(const ComponentFrame& f, const MacAddress& self) {
  ComponentFrame ack{.type = kComponentTypeAck, .head = f.head, .dst = f.src, .src = self, .payload = {}};
  ack.head.retransmit_count = 1;
  ack.head.broadcast = true;
  return ack;
}

bool MagicCache::seen(std::uint8_t type, std::uint16_t magic) {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (used_[i] && entries_[i] == std::pair{type, magic}) return true;
  entries_[next_] = {type, magic};
  used_[next_] = true;
  next_ = (next_ + 1) % entries_.size();
  return false;
}

}  // namespace espnow::gateway
