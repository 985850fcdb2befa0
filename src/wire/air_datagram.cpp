#include "espnow/wire/air_datagram.hpp"

#include <bit>
#include <cstring>

#include "byte_order.hpp"
#include "espnow/wire/fcs.hpp"

namespace espnow::wire {
namespace {

constexpr std::uint8_t kMagic[4] = {'E', 'S', 'P', 'N'};
constexpr std::size_t kPresenceHeadLen = 4;

void put_f32(std::uint8_t* p, double v) { put_le32(p, std::bit_cast<std::uint32_t>(static_cast<float>(v))); }
double get_f32(const std::uint8_t* p) { return std::bit_cast<float>(get_le32(p)); }

void put_le64(std::uint8_t* p, std::uint64_t v) {
  put_le32(p, static_cast<std::uint32_t>(v));
  put_le32(p + 4, static_cast<std::uint32_t>(v >> 32));
}
std::uint64_t get_le64(const std::uint8_t* p) { return get_le32(p) | (static_cast<std::uint64_t>(get_le32(p + 4)) << 32); }

}  // namespace

std::string_view to_string(AirError e) noexcept {
  switch (e) {
    case AirError::ok: return "ok";
    case AirError::too_short: return "shorter than the air header";
    case AirError::bad_magic: return "not an ESP-NOW air datagram";
    case AirError::wrong_version: return "another air protocol version";
    case AirError::bad_channel: return "channel outside 1..14";
    case AirError::bad_rate: return "unknown rate";
    case AirError::no_frame: return "no 802.11 frame after the header";
    case AirError::bad_kind: return "unknown datagram kind";
  }
  return "unknown";
}

std::size_t encode_air_datagram(const AirHeader& h, std::span<const std::uint8_t> payload,
                                std::span<std::uint8_t> out) noexcept {
  const std::size_t size = kAirHeaderLen + payload.size();
  if (out.size() < size) return 0;
  std::uint8_t* p = out.data();
  std::memset(p, 0, kAirHeaderLen);
  std::memcpy(p, kMagic, 4);
  p[4] = kAirVersion;
  p[5] = static_cast<std::uint8_t>(h.kind);
  p[6] = h.channel;
  p[7] = static_cast<std::uint8_t>(h.rate);
  p[8] = static_cast<std::uint8_t>(h.tx_power_dbm);
  put_f32(p + 12, h.position.x);
  put_f32(p + 16, h.position.y);
  put_le64(p + 20, h.sender_id);
  put_le32(p + 28, h.tag);
  put_le32(p + 32, h.stream);
  put_le32(p + 36, h.base);
  if (!payload.empty()) std::memcpy(p + kAirHeaderLen, payload.data(), payload.size());
  return size;
}

AirParse parse_air_datagram(std::span<const std::uint8_t> d) noexcept {
  AirParse r;
  if (d.size() < kAirHeaderLen) return r.error = AirError::too_short, r;
  if (std::memcmp(d.data(), kMagic, 4) != 0) return r.error = AirError::bad_magic, r;
  if (d[4] != kAirVersion) return r.error = AirError::wrong_version, r;
  if (d[5] > static_cast<std::uint8_t>(AirKind::goodbye)) return r.error = AirError::bad_kind, r;
  r.header.kind = static_cast<AirKind>(d[5]);
  r.header.channel = d[6];
  if (!is_valid_channel(r.header.channel)) return r.error = AirError::bad_channel, r;
  if (!rate_info(d[7])) return r.error = AirError::bad_rate, r;
  r.header.rate = static_cast<PhyRate>(d[7]);
  r.header.tx_power_dbm = static_cast<std::int8_t>(d[8]);
  r.header.position = {get_f32(&d[12]), get_f32(&d[16])};
  r.header.sender_id = get_le64(&d[20]);
  r.header.tag = get_le32(&d[28]);
  r.header.stream = get_le32(&d[32]);
  r.header.base = get_le32(&d[36]);
  r.frame = d.subspan(kAirHeaderLen);
  if (r.header.kind == AirKind::frame && r.frame.size() < kAckFrameLen) return r.error = AirError::no_frame, r;
  return r;
}

void encode_ack(const MacAddress& ra, std::span<std::uint8_t, kAckFrameLen> out) noexcept {
  out[0] = kAckFrameControl;
  out[1] = 0;
  out[2] = out[3] = 0;  // duration: nothing follows an ACK
  std::memcpy(&out[4], ra.bytes.data(), 6);
  write_fcs(out);
}

bool parse_ack(std::span<const std::uint8_t> frame, MacAddress& ra) noexcept {
  if (frame.size() != kAckFrameLen || frame[0] != kAckFrameControl || !fcs_ok(frame)) return false;
  ra = MacAddress::read(&frame[4]);
  return true;
}

std::size_t encode_acks(const MacAddress& ra, std::span<const std::uint32_t> more_tags,
                        std::span<std::uint8_t> out) noexcept {
  const std::size_t size = kAckFrameLen + 4 * more_tags.size();
  if (out.size() < size) return 0;
  encode_ack(ra, out.first<kAckFrameLen>());
  for (std::size_t i = 0; i < more_tags.size(); ++i) put_le32(&out[kAckFrameLen + 4 * i], more_tags[i]);
  return size;
}

std::optional<AckParse> parse_acks(std::span<const std::uint8_t> payload) {
  AckParse a;
  if (payload.size() < kAckFrameLen || (payload.size() - kAckFrameLen) % 4 != 0 ||
      !parse_ack(payload.first(kAckFrameLen), a.ra))
    return std::nullopt;
  for (std::size_t at = kAckFrameLen; at < payload.size(); at += 4) a.more_tags.push_back(get_le32(&payload[at]));
  return a;
}

std::vector<std::uint8_t> encode_presence(const Presence& p) {
  std::vector<std::uint8_t> out(kPresenceHeadLen + p.radios.size() * kPresenceEntryLen);
  put_le16(out.data(), p.bridged_channels);
  put_le16(out.data() + 2, static_cast<std::uint16_t>(p.radios.size()));
  std::uint8_t* e = out.data() + kPresenceHeadLen;
  for (const RadioPresence& r : p.radios) {
    put_le64(e, r.id);
    std::memcpy(e + 8, r.sta.bytes.data(), 6);
    std::memcpy(e + 14, r.ap.bytes.data(), 6);
    e[20] = static_cast<std::uint8_t>(r.sta_active | r.ap_active << 1 | r.long_range << 2);
    e[21] = r.channel;
    put_f32(e + 22, r.position.x);
    put_f32(e + 26, r.position.y);
    e += kPresenceEntryLen;  // the last two bytes are reserved (0)
  }
  return out;
}

std::optional<Presence> parse_presence(std::span<const std::uint8_t> payload) {
  if (payload.size() < kPresenceHeadLen) return std::nullopt;
  Presence p;
  p.bridged_channels = get_le16(payload.data());
  const std::size_t n = get_le16(payload.data() + 2);
  if (payload.size() != kPresenceHeadLen + n * kPresenceEntryLen) return std::nullopt;
  p.radios.resize(n);
  const std::uint8_t* e = payload.data() + kPresenceHeadLen;
  for (RadioPresence& r : p.radios) {
    r.id = get_le64(e);
    r.sta = MacAddress::read(e + 8);
    r.ap = MacAddress::read(e + 14);
    r.sta_active = e[20] & 1;
    r.ap_active = e[20] & 2;
    r.long_range = e[20] & 4;
    r.channel = e[21];
    if (!is_valid_channel(r.channel)) return std::nullopt;
    r.position = {get_f32(e + 22), get_f32(e + 26)};
    e += kPresenceEntryLen;
  }
  return p;
}

}  // namespace espnow::wire
