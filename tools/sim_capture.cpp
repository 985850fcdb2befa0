#include "sim_capture.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "espnow/wire/air_datagram.hpp"
#include "espnow/wire/fcs.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/wire/radiotap.hpp"

namespace espnow::cli {
namespace {

// The message length whose ESP-NOW frame is `bytes` long (the air carries
// lengths, not bytes).
std::size_t message_length(std::uint32_t bytes) {
  for (std::size_t m = 0; m <= wire::kMaxMessageV2; ++m)
    if (wire::frame_size(m) == bytes) return m;
  return 0;
}

wire::RadiotapFields radiotap_for(const sim::Transmission& tx, double signal_dbm) {
  const RateInfo& rate = rate_info(tx.frame.rate);
  wire::RadiotapFields f;
  f.has_tsft = true;
  f.tsft_us = static_cast<std::uint64_t>(tx.start / 1000);
  f.has_flags = true;
  f.flags = wire::kRadiotapFlagFcs;
  // Radiotap's rate is in 500 kbps steps; LR 250K has none, so it goes without.
  f.has_rate = rate.kbps % 500 == 0;
  f.rate_500kbps = static_cast<std::uint8_t>(rate.kbps / 500);
  f.has_channel = true;
  f.channel_mhz = channel_to_mhz(tx.channel);
  f.channel_flags = wire::kRadiotapChan2Ghz |
                    (rate.modulation == Modulation::ofdm ? wire::kRadiotapChanOfdm : wire::kRadiotapChanCck);
  f.has_signal = true;
  f.signal_dbm = static_cast<std::int8_t>(std::clamp(std::lround(signal_dbm), -128L, 127L));
  return f;
}

}  // namespace

Result<std::unique_ptr<AirCapture>> AirCapture::open(const std::string& path, sim::Air& air) {
  auto writer = host::PcapWriter::open(path);
  if (!writer.ok()) return writer.failure();
  return std::unique_ptr<AirCapture>(new AirCapture(std::move(writer).value(), air));
}

AirCapture::AirCapture(host::PcapWriter writer, sim::Air& air) : air_(air), writer_(std::move(writer)) {
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

void AirCapture::frame_bytes(const sim::Transmission& tx, std::vector<std::uint8_t>& out) const {
  const sim::AirFrame& f = tx.frame;
  if (f.kind == sim::FrameKind::ack) {
    out.resize(wire::kAckFrameLen);
    wire::encode_ack(f.dst, std::span<std::uint8_t, wire::kAckFrameLen>(out.data(), wire::kAckFrameLen));
    return;
  }
  // The ESP-NOW frame; its message carries the sender's tag (flow and
  // message number), so a capture tells the messages apart.
  const std::size_t m = message_length(f.bytes);
  std::vector<std::uint8_t> message(m, 0);
  for (std::size_t i = 0; i < std::min<std::size_t>(m, 8); ++i) message[i] = static_cast<std::uint8_t>(f.tag >> (8 * i));
  wire::FrameParams p;
  p.dst = f.dst;
  p.src = f.src;
  p.sequence = f.seq & 0x0FFF;
  p.random = static_cast<std::uint32_t>(f.tag * 2654435761u);
  p.version = m > wire::kMaxMessageV1 ? 2 : 1;
  p.rate = f.rate;
  p.retry = f.retry;
  out.resize(wire::kMaxFrameSize);
  const wire::EncodeResult r = wire::encode(p, message, out);
  out.resize(r.ok() ? r.size : 0);
}

void AirCapture::capture(const sim::Transmission& tx) {
  std::vector<std::uint8_t> frame;
  frame_bytes(tx, frame);
  if (frame.empty()) return;
  const wire::RadiotapFields fields = radiotap_for(tx, signal_dbm(tx));
  packet_.resize(wire::radiotap_size(fields));
  wire::build_radiotap(fields, packet_);
  packet_.insert(packet_.end(), frame.begin(), frame.end());
  writer_.write(packet_, std::chrono::microseconds(tx.start / 1000));
  ++frames_;
}

}  // namespace espnow::cli
