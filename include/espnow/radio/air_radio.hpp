// AirRadio: what every radio on a simulated air has (SimAir's SimRadio and
// UdpAir's UdpRadio; "virtual" is kept for virtual time): STA and AP interfaces with MACs and active flags, a channel, a
// long-range flag, a position and a transmit power, all changeable at run
// time from any thread. (The UDP air's and the instant air's transmit state
// machine is TxMachine, tx_machine.hpp; the timed air's is sim::Dcf.)
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "espnow/wire/air_physics.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/radio/radio.hpp"

namespace espnow {

struct RadioOptions {
  MacAddress mac{};                    // the STA interface
  std::optional<MacAddress> ap_mac{};  // default: the STA MAC with the last byte + 1
  std::uint8_t channel = 1;
  Position position{};
  double tx_power_dbm = 20.0;
  bool long_range = false;  // hears (and may send) Espressif LR rates
  bool sta_active = true;
  bool ap_active = false;
};

// errc::arg for a group MAC or a channel outside 1..14.
std::error_code validate(const RadioOptions& options);

class AirRadio;

// A transmitter as a receiver's rules see it.
struct Transmitter {
  MacAddress mac;  // its STA MAC: loss is drawn per pair of STA MACs
  Position position{};
  double tx_dbm = 20.0;
  std::uint8_t channel = 1;
};

// What one radio makes of one frame on an air without an interference model
// (the instant air and the UDP air; the timed air's PHY decides by SINR).
struct Hearing {
  enum class Outcome : std::uint8_t { not_addressed, not_heard, too_weak, lost, heard };
  Outcome outcome = Outcome::not_addressed;
  int rssi_dbm = 0;
};

// The delivery rules of those airs, once, in this order: the radio takes
// frames to `dst` (Radio::accepts), or every frame when promiscuous; it
// hears the transmitter (channel, long range, the sensitivity of `rate` at
// the RSSI of the path loss: reception()); the air's loss probability
// spares the frame. What the air then does (an error model, in-order
// delivery, the ACK) is its own.
Hearing hear(const AirRadio& rx, const Transmitter& tx, const MacAddress& dst, PhyRate rate, const PathLoss& path_loss,
             LossModel& loss);

class AirRadio : public Radio {
 public:
  MacAddress mac(Interface i) const override;
  bool interface_active(Interface i) const override;
  std::uint8_t channel() const override { return channel_.load(); }
  std::error_code set_channel(std::uint8_t ch) override;
  bool long_range() const override { return long_range_.load(); }

  // errc::arg for a group (multicast) address: no interface may own one.
  std::error_code set_mac(Interface i, const MacAddress& mac);
  void set_active(Interface i, bool active);
  void set_position(Position p);
  Position position() const { return {x_.load(), y_.load()}; }
  void set_long_range(bool on) { long_range_ = on; }
  void set_tx_power(double dbm) { tx_power_ = dbm; }
  double tx_power() const { return tx_power_.load(); }

  // An interface is active, so the radio hears frames.
  bool listening() const { return active_[0].load() || active_[1].load(); }
  // A sniffer (esp_wifi_set_promiscuous): the radio hears every frame on its
  // channel, whatever its address and whether or not an interface is active.
  // It still acknowledges only the frames it owns (Radio::owns), and its
  // listener sorts out what is for the link (Radio::accepts).
  void set_promiscuous(bool on) { promiscuous_ = on; }
  bool promiscuous() const { return promiscuous_.load(); }
  // The delivery rule with sniffing: accepts(dst), or promiscuous.
  bool hears(const MacAddress& dst) const { return promiscuous() || accepts(dst); }
  // Radio::owns without a virtual call per interface: the radios of an air
  // are asked for every frame.
  bool owns(const MacAddress& dst) const override;

 protected:
  explicit AirRadio(const RadioOptions& options);

 private:
  std::array<std::atomic<std::uint64_t>, 2> macs_;
  std::array<std::atomic<bool>, 2> active_;
  std::atomic<std::uint8_t> channel_;
  std::atomic<bool> long_range_;
  std::atomic<bool> promiscuous_{false};
  std::atomic<double> tx_power_;
  std::atomic<double> x_, y_;
};

}  // namespace espnow
