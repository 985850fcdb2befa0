#include "sim_station_radio.hpp"

#include <algorithm>
#include <cmath>

#include "espnow/common/errors.hpp"
#include "espnow/wire/frame.hpp"

namespace espnow::cli {
namespace {

// A reception ends at most this long after its sender's report (the
// propagation delay across any field, as the timed SimAir keeps frames).
constexpr sim::Time kRetireAfter = sim::milliseconds(10);


}  // namespace

// ------------------------------------------------------------ FrameStore

std::uint64_t FrameStore::keep(std::span<const std::uint8_t> frame, const MacAddress& dst) {
  reclaim();
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.bytes.assign(frame.begin(), frame.end());  // within the capacity a reused slot has
  s.dst = dst;
  s.decoded = wire::decode(s.bytes, wire::Fcs::trusted, s.storage);  // as a receiving link would
  if (s.decoded.error == wire::DecodeError::storage_too_small) {
    s.storage.resize(wire::kMaxMessageV2);
    s.decoded = wire::decode(s.bytes, wire::Fcs::trusted, s.storage);
  }
  return std::uint64_t{slot} + 1;
}

std::span<const std::uint8_t> FrameStore::attempt(const sim::AirFrame& f) {
  const std::vector<std::uint8_t>& bytes = slots_[f.tag - 1].bytes;
  if (!f.retry) return bytes;
  retry_.assign(bytes.begin(), bytes.end());
  wire::set_retry(retry_, true);
  return retry_;
}

void FrameStore::retire(std::uint64_t tag) {
  retired_.emplace_back(engine_.now(), static_cast<std::uint32_t>(tag - 1));
}

void FrameStore::reclaim() {
  const sim::Time now = engine_.now();
  while (retired_head_ < retired_.size() && retired_[retired_head_].first + kRetireAfter < now)
    free_.push_back(retired_[retired_head_++].second);
  // Drop the reclaimed entries once they are most of the list: the vector
  // keeps its capacity, so this allocates nothing either.
  if (retired_head_ > 64 && 2 * retired_head_ > retired_.size()) {
    retired_.erase(retired_.begin(), retired_.begin() + static_cast<std::ptrdiff_t>(retired_head_));
    retired_head_ = 0;
  }
}

// ---------------------------------------------------------- StationRadio

StationRadio::StationRadio(FrameStore& frames, sim::Air& air, std::uint32_t index)
    : frames_(frames), air_(air), index_(index), mac_(air.radio(index).mac), channel_(air.radio(index).channel) {
  sim::Dcf& mac = air_.mac(index_);
  mac.on_receive([this](const sim::AirFrame& f, double rx_dbm) { received(f, rx_dbm); });
  mac.on_report([this](const sim::TxReport& r) { reported(r); });
}

MacAddress StationRadio::mac(Interface i) const {
  if (i == Interface::sta) return mac_;
  MacAddress ap = mac_;  // as AirRadio's default AP MAC: the STA's, last byte + 1
  ap.bytes[5] = static_cast<std::uint8_t>(ap.bytes[5] + 1);
  return ap;
}

bool StationRadio::owns(const MacAddress& dst) const { return dst == mac_; }

std::error_code StationRadio::set_channel(std::uint8_t ch) {
  if (!is_valid_channel(ch)) return errc::arg;
  air_.set_channel(index_, ch);
  channel_ = ch;
  return {};
}

std::error_code StationRadio::transmit(std::span<const std::uint8_t> frame, PhyRate rate) {
  if (frame.size() < wire::kHeaderLen + wire::kFcsLen) return errc::arg;
  const MacAddress dst = MacAddress::read(frame.data() + 4);
  const std::uint64_t tag = frames_.keep(frame, dst);
  if (!air_.mac(index_).enqueue(sim::MacRequest{dst, static_cast<std::uint32_t>(frame.size()), rate, tag})) {
    frames_.forget(tag);
    return errc::no_mem;
  }
  return {};
}

void StationRadio::received(const sim::AirFrame& f, double rx_dbm) {
  if (!listener_ || !accepts(f.dst)) return;  // the rule of every air (Radio::accepts)
  const RxControl rx{rssi_of(rx_dbm), channel(), f.rate, now_us()};
  if (f.retry) listener_->on_frame(frames_.attempt(f), rx);  // not the bytes decoded: its retry bit is set
  else listener_->on_decoded_frame(frames_.attempt(f), frames_.decoded(f), rx);
}

void StationRadio::reported(const sim::TxReport& r) {
  const MacAddress dst = frames_.dst(r.tag);
  frames_.retire(r.tag);
  if (listener_) listener_->on_tx_done(dst, r.status != sim::TxStatus::failed);
}

}  // namespace espnow::cli
