#include "frame_tag_radio.hpp"

#include <cstdio>

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

std::string FrameTag::text() const {
  char buf[48];
  const auto m = src.bytes;
  std::snprintf(buf, sizeof buf, encrypted ? "%02x%02x%02x%02x%02x%02x-%03x-%012llx" : "%02x%02x%02x%02x%02x%02x-%03x-%08llx",
                m[0], m[1], m[2], m[3], m[4], m[5], sequence, static_cast<unsigned long long>(nonce));
  return buf;
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
