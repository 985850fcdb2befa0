#include "espnow/air_datagram.hpp"

#include <bit>
#include <cstring>

#include "byte_order.hpp"
#include "espnow/fcs.hpp"

namespace espnow::wire {
namespace {

constexpr std::uint8_t kMagic[4] = {'E', 'S', 'P', 'N'};
constexpr std::uint8_t kFrameControlAck = 0xD4;

void put_f32(std::uint8_t* p, double v) { put_le32(p, std::bit_cast<std::uint32_t>(static_cast<float>(v))); }
double get_f32(const std::uint8_t* p) { return std::bit_cast<float>(get_le32(p)); }

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
  }
  return "unknown";
}

std::size_t encode_air_datagram(const AirHeader& h, std::span<const std::uint8_t> frame,
                                std::span<std::uint8_t> out) noexcept {
  const std::size_t size = kAirHeaderLen + frame.size();
  if (out.size() < size) return 0;
  std::uint8_t* p = out.data();
  std::memset(p, 0, kAirHeaderLen);
  std::memcpy(p, kMagic, 4);
  p[4] = kAirVersion;
  p[6] = h.channel;
  p[7] = static_cast<std::uint8_t>(h.rate);
  p[8] = static_cast<std::uint8_t>(h.tx_power_dbm);
  put_f32(p + 12, h.position.x);
  put_f32(p + 16, h.position.y);
  put_le32(p + 20, static_cast<std::uint32_t>(h.sender_id));
  put_le32(p + 24, static_cast<std::uint32_t>(h.sender_id >> 32));
  if (!frame.empty()) std::memcpy(p + kAirHeaderLen, frame.data(), frame.size());
  return size;
}

AirParse parse_air_datagram(std::span<const std::uint8_t> d) noexcept {
  AirParse r;
  if (d.size() < kAirHeaderLen) return r.error = AirError::too_short, r;
  if (std::memcmp(d.data(), kMagic, 4) != 0) return r.error = AirError::bad_magic, r;
  if (d[4] != kAirVersion) return r.error = AirError::wrong_version, r;
  r.header.channel = d[6];
  if (!is_valid_channel(r.header.channel)) return r.error = AirError::bad_channel, r;
  if (!rate_info(d[7])) return r.error = AirError::bad_rate, r;
  r.header.rate = static_cast<PhyRate>(d[7]);
  r.header.tx_power_dbm = static_cast<std::int8_t>(d[8]);
  r.header.position = {get_f32(&d[12]), get_f32(&d[16])};
  r.header.sender_id = get_le32(&d[20]) | (static_cast<std::uint64_t>(get_le32(&d[24])) << 32);
  r.frame = d.subspan(kAirHeaderLen);
  if (r.frame.size() < kAckFrameLen) return r.error = AirError::no_frame, r;
  return r;
}

void encode_ack(const MacAddress& ra, std::span<std::uint8_t, kAckFrameLen> out) noexcept {
  out[0] = kFrameControlAck;
  out[1] = 0;
  out[2] = out[3] = 0;  // duration: nothing follows an ACK
  std::memcpy(&out[4], ra.bytes.data(), 6);
  write_fcs(out);
}

bool parse_ack(std::span<const std::uint8_t> frame, MacAddress& ra) noexcept {
  if (frame.size() != kAckFrameLen || frame[0] != kFrameControlAck || !fcs_ok(frame)) return false;
  ra = MacAddress::read(&frame[4]);
  return true;
}

}  // namespace espnow::wire
