// `espnow sim --pcap FILE`: every frame on the discrete-event air, as a
// monitor on every channel at once would have captured it (docs/simulation.md,
// "espnow sim"): radiotap (TSFT, flags with FCS, rate, channel, signal) and
// the 802.11 frame with its FCS, one file in time order, pcap link type 127.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "espnow/host/pcap_file.hpp"
#include "espnow/sim/air.hpp"
#include "espnow/wire/air_datagram.hpp"

namespace espnow::cli {

class AirCapture {
 public:
  // The bytes of a data frame's attempt on the air (the air carries only its
  // length and tag): espnow sim's FrameStore, which SoftLink filled.
  using FrameBytes = std::function<std::span<const std::uint8_t>(const sim::AirFrame&)>;
  // Writes to `path` from now on; host_errc::pcap when it cannot.
  static Result<std::unique_ptr<AirCapture>> open(const std::string& path, sim::Air& air, FrameBytes data_bytes);

  std::uint64_t frames() const noexcept { return frames_; }
  void flush() { writer_.flush(); }

 private:
  AirCapture(host::PcapWriter writer, sim::Air& air, FrameBytes data_bytes);
  void capture(const sim::Transmission& tx);
  // The signal the frame is captured with: at the radio it is addressed to
  // (an ACK's too); a group frame's at the nearest radio on its channel.
  double signal_dbm(const sim::Transmission& tx);
  std::span<const std::uint8_t> frame_bytes(const sim::Transmission& tx);

  sim::Air& air_;
  FrameBytes data_bytes_;
  std::array<std::uint8_t, wire::kAckFrameLen> ack_{};
  host::PcapWriter writer_;
  std::map<MacAddress, std::uint32_t> index_;     // radio by MAC
  std::map<std::uint32_t, double> group_signal_;  // per sender: the nearest radio's signal
  std::vector<std::uint8_t> packet_;
  std::uint64_t frames_ = 0;
};

}  // namespace espnow::cli
