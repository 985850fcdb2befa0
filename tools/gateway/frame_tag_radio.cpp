#include "frame_tag_radio.hpp"

namespace espnow::gateway {
namespace {

thread_local FrameTag t_tag;

constexpr std::size_t kHeaderLen = 24;
constexpr std::uint8_t kProtected = 0x40;  // frame control, second byte

// Reads the tag from the frame's bytes: the 802.11 header, then either the
// action body (category, OUI, 4-byte random) or the CCMP header (PN0 PN1
// reserved key-id PN2..PN5). A frame too short for it gets a zero nonce;
// the link drops such a frame anyway.
FrameTag read_tag(std::span<const std::uint8_t> f) {
  FrameTag t;
  if (f.size() < kHeaderLen) return t;
  t.src = MacAddress::read(f.data() + 10);
  t.sequence = static_cast<std::uint16_t>((f[22] | f[23] << 8) >> 4);
  t.encrypted = (f[1] & kProtected) != 0;
  const auto body = f.subspan(kHeaderLen);
  if (t.encrypted && body.size() >= 8) {
    const std::uint8_t pn[6] = {body[0], body[1], body[4], body[5], body[6], body[7]};
    for (int i = 5; i >= 0; --i) t.nonce = t.nonce << 8 | pn[i];
  } else if (!t.encrypted && body.size() >= 8) {
    for (int i = 7; i >= 4; --i) t.nonce = t.nonce << 8 | body[static_cast<std::size_t>(i)];
  }
  return t;
}

}  // namespace

// By hand rather than snprintf: it is made for every message received, on
// the air's receive thread (snprintf was 8% of that thread in a stream).
// Every field fits its width: 12 bits, 32 bits (8 digits), 48 bits (12).
std::string FrameTag::text() const {
  constexpr char kHex[] = "0123456789abcdef";
  const int nonce_digits = encrypted ? 12 : 8;
  std::string out(12 + 1 + 3 + 1 + static_cast<std::size_t>(nonce_digits), '-');
  const auto put = [&](std::size_t at, std::uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i, v >>= 4) out[at + static_cast<std::size_t>(i)] = kHex[v & 15];
  };
  for (std::size_t i = 0; i < 6; ++i) put(2 * i, src.bytes[i], 2);
  put(13, sequence, 3);
  put(17, nonce, nonce_digits);
  return out;
}

const FrameTag& current_frame_tag() { return t_tag; }

void FrameTagRadio::set_listener(RadioListener* listener) {
  if (listener) {
    listener_ = listener;
    inner_.set_listener(this);
  } else {
    inner_.set_listener(nullptr);  // returns once no callback runs
    listener_ = nullptr;
  }
}

void FrameTagRadio::on_frame(std::span<const std::uint8_t> frame_with_fcs, const RxControl& info) {
  t_tag = read_tag(frame_with_fcs);
  listener_->on_frame(frame_with_fcs, info);
}

void FrameTagRadio::on_tx_done(const MacAddress& dst, bool acked) { listener_->on_tx_done(dst, acked); }

}  // namespace espnow::gateway
