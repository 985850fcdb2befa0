// A Radio in front of the real one that notes, for each received frame,
// what identifies it on the air: the sender, the 802.11 sequence number,
// and the ESP-NOW random value (or, for an encrypted frame, its CCMP packet
// number). The link's receive callback runs inside the frame's delivery,
// on the same thread, so it reads the tag of the frame it is given with
// current_frame_tag(). Two gateways that hear one frame tag it the same.
#pragma once

#include <cstdint>
#include <string>

#include "espnow/radio/radio.hpp"

namespace espnow::gateway {

struct FrameTag {
  MacAddress src;
  std::uint16_t sequence = 0;  // the 802.11 sequence number (12 bits)
  std::uint64_t nonce = 0;     // ESP-NOW's random value, or the CCMP packet number
  bool encrypted = false;
  // "SRC-SEQ-NONCE": 12 hex digits, the sequence number (3 hex digits), and
  // the nonce (8 hex digits, or 12 for a packet number).
  std::string text() const;
};

// The tag of the frame being delivered on this thread.
const FrameTag& current_frame_tag();

class FrameTagRadio final : public Radio, private RadioListener {
 public:
  explicit FrameTagRadio(Radio& inner) : inner_(inner) {}
  ~FrameTagRadio() override { inner_.set_listener(nullptr); }

  MacAddress mac(Interface i) const override { return inner_.mac(i); }
  bool interface_active(Interface i) const override { return inner_.interface_active(i); }
  std::uint8_t channel() const override { return inner_.channel(); }
  std::error_code set_channel(std::uint8_t ch) override { return inner_.set_channel(ch); }
  bool long_range() const override { return inner_.long_range(); }
  std::uint64_t now_us() const override { return inner_.now_us(); }
  void set_listener(RadioListener* listener) override;
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) override {
    return inner_.transmit(frame, rate);
  }

 private:
  void on_frame(std::span<const std::uint8_t> frame_with_fcs, const RxControl& info) override;
  void on_tx_done(const MacAddress& dst, bool acked) override;

  Radio& inner_;
  RadioListener* listener_ = nullptr;  // set before frames flow, cleared after
};

}  // namespace espnow::gateway
