// Radio: raw 802.11 frames in and out, with the MAC layer's acknowledgement
// and retry. Backends: the in-process air (sim_air.hpp), the air shared
// between processes (udp_air.hpp) and, on a host, a Linux monitor-mode
// interface (espnow/host/linux_radio.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <system_error>

#include "espnow/wire/frame.hpp"
#include "espnow/wire/mac_address.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow {

// The two WLAN interfaces of a device (ESP-IDF's wifi_interface_t order).
enum class Interface : std::uint8_t { sta = 0, ap = 1 };

// What the radio measured receiving one frame (ESP-IDF's rx_ctrl,
// wifi_pkt_rx_ctrl_t): conditions of the reception, not a message.
struct RxControl {
  std::int8_t rssi_dbm = 0;
  std::uint8_t channel = 0;
  PhyRate rate = PhyRate::r1m;
  std::uint64_t timestamp_us = 0;  // the receiving radio's clock
};

// Implemented by the layer above (SoftLink). Called on the radio's delivery
// thread (the sender's thread on the in-process air in immediate mode):
// implementations hand over and return, never block.
class RadioListener {
 public:
  // Only frames whose FCS the radio has verified are delivered (as a
  // hardware radio does); the FCS is still attached.
  virtual void on_frame(std::span<const std::uint8_t> frame_with_fcs, const RxControl& rx_ctrl) = 0;
  // The same, from a radio that decodes each transmission once for all who
  // hear it (espnow sim's stations: a frame reaches hundreds of links that
  // would each decode the same bytes): `decoded` is what
  // wire::decode(frame_with_fcs, wire::Fcs::trusted, storage) gives, valid
  // during the call. A listener that does not decode takes it as on_frame.
  virtual void on_decoded_frame(std::span<const std::uint8_t> frame_with_fcs, const wire::DecodeResult& decoded,
                                const RxControl& rx_ctrl) {
    (void)decoded;
    on_frame(frame_with_fcs, rx_ctrl);
  }
  // One report per transmit(), in transmit order. `acked` is true for a
  // unicast the destination acknowledged, and for every group-addressed
  // frame (never acknowledged, so never a failure).
  virtual void on_tx_done(const MacAddress& dst, bool acked) = 0;

 protected:
  ~RadioListener() = default;
};

class Radio {
 public:
  virtual ~Radio() = default;

  virtual MacAddress mac(Interface i) const = 0;
  virtual bool interface_active(Interface i) const = 0;
  virtual std::uint8_t channel() const = 0;
  virtual std::error_code set_channel(std::uint8_t ch) = 0;
  virtual bool long_range() const = 0;

  // `dst` is the MAC of one of its active interfaces (so it ACKs frames to it).
  virtual bool owns(const MacAddress& dst) const {
    return (interface_active(Interface::sta) && mac(Interface::sta) == dst) ||
           (interface_active(Interface::ap) && mac(Interface::ap) == dst);
  }
  // The delivery rule, every radio's and every air's, before its physics: a
  // frame reaches the radio when it is addressed to one of its active
  // interfaces, or to broadcast while an interface listens. No interface
  // owns any other group address, so those reach nobody.
  bool accepts(const MacAddress& dst) const {
    if (!dst.is_multicast()) return owns(dst);
    return dst.is_broadcast() && (interface_active(Interface::sta) || interface_active(Interface::ap));
  }
  // Microseconds since the radio started; stamps received frames.
  virtual std::uint64_t now_us() const = 0;

  // After set_listener(nullptr) returns, no callback is running or will run.
  virtual void set_listener(RadioListener* listener) = 0;

  // Sends a frame (FCS included) at `rate`. The radio copies it before
  // returning. Unacknowledged unicasts are retried with the retry bit set.
  // errc::no_mem when the transmit queue is full.
  virtual std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate rate) = 0;
};

}  // namespace espnow
