#include "sim_capture.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "espnow/sim/phy_timing.hpp"
#include "espnow/wire/air_datagram.hpp"
#include "espnow/wire/fcs.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/wire/radiotap.hpp"

namespace espnow::cli {
namespace {

wire::RadiotapFields radiotap_for(const sim::Transmission& tx, double signal_dbm) {
  wire::RadiotapFields f = wire::capture_fields(tx.frame.rate, tx.channel);
  // Radiotap's TSFT is when the first bit of the MPDU arrived: after the
  // PLCP preamble and header (`tshark -o wlan_radio.tsf_at_end:FALSE` reads
  // it so, and then works out each frame's start, end and IFS exactly).
  f.has_tsft = true;
  f.tsft_us = static_cast<std::uint64_t>((tx.start + sim::timing_for(tx.frame.rate).preamble_header) / 1000);
  f.has_signal = true;
  f.signal_dbm = static_cast<std::int8_t>(std::clamp(std::lround(signal_dbm), -128L, 127L));
  return f;
}

}  // namespace

Result<std::unique_ptr<AirCapture>> AirCapture::open(const std::string& path, sim::Air& air, FrameBytes data_bytes) {
  auto writer = host::PcapWriter::open(path);
  if (!writer.ok()) return writer.failure();
  return std::unique_ptr<AirCapture>(new AirCapture(std::move(writer).value(), air, std::move(data_bytes)));
}

AirCapture::AirCapture(host::PcapWriter writer, sim::Air& air, FrameBytes data_bytes)
    : air_(air), data_bytes_(std::move(data_bytes)), writer_(std::move(writer)) {
  for (std::uint32_t i = 0; i < air_.size(); ++i) index_[air_.radio(i).mac] = i;
  air_.on_transmit([this](const sim::Transmission& tx) { capture(tx); });
}

double AirCapture::signal_dbm(const sim::Transmission& tx) {
  const auto to = index_.find(tx.frame.dst);
  if (to != index_.end()) return air_.rx_dbm(tx.from, to->second);
  const auto cached = group_signal_.find(tx.from);
  if (cached != group_signal_.end()) return cached->second;
  double best = -128.0;
  for (std::uint32_t i = 0; i < air_.size(); ++i)
    if (i != tx.from && air_.radio(i).channel == tx.channel) best = std::max(best, air_.rx_dbm(tx.from, i));
  return group_signal_[tx.from] = best;
}

// The frame as it went on the air: an ACK built here, a data frame's bytes
// as its sender's SoftLink built them.
std::span<const std::uint8_t> AirCapture::frame_bytes(const sim::Transmission& tx) {
  if (tx.frame.kind == sim::FrameKind::ack) {
    wire::encode_ack(tx.frame.dst, ack_);
    return ack_;
  }
  return data_bytes_(tx.frame);
}

void AirCapture::capture(const sim::Transmission& tx) {
  const std::span<const std::uint8_t> frame = frame_bytes(tx);
  if (frame.empty()) return;
  const wire::RadiotapFields fields = radiotap_for(tx, signal_dbm(tx));
  packet_.resize(wire::radiotap_size(fields));
  wire::build_radiotap(fields, packet_);
  packet_.insert(packet_.end(), frame.begin(), frame.end());
  writer_.write(packet_, std::chrono::microseconds(tx.start / 1000));
  ++frames_;
}

}  // namespace espnow::cli
