// Frames as Wireshark sees them: a radiotap header (rate, channel, signal)
// before each 802.11 frame, in a pcap file of link type 127. AirPcap writes
// every frame put on a SimAir (set it as the air's sniffer), stamped with the
// air's clock, so a Simulation's run can be opened in Wireshark and two runs
// compared byte for byte:
//
//   auto pcap = espnow::host::AirPcap::open("run.pcap").value();
//   sim.air().set_sniffer([&](const espnow::AiredFrame& f) { pcap->write(f); });
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "espnow/common/result.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/radio/sim_air.hpp"

namespace espnow::host {

// A radiotap header for `channel` and `rate` (and the signal, when known),
// then `frame` (FCS included).
std::vector<std::uint8_t> radiotap_packet(std::span<const std::uint8_t> frame, std::uint8_t channel, PhyRate rate,
                                          std::optional<int> signal_dbm);

class AirPcap {
 public:
  // host_errc::pcap ("cannot write PATH: why") when the file cannot be made.
  static Result<std::unique_ptr<AirPcap>> open(const std::string& path);

  // One frame, stamped with its start on the air's clock (microseconds).
  void write(const AiredFrame& frame);
  void flush() { writer_.flush(); }
  std::uint64_t frames() const { return frames_; }

 private:
  explicit AirPcap(PcapWriter writer) : writer_(std::move(writer)) {}

  PcapWriter writer_;
  std::uint64_t frames_ = 0;
};

}  // namespace espnow::host
