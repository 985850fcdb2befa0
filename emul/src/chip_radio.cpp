#include "chip_radio.hpp"

#include <mutex>

namespace espnow::emul::detail {

// Listening from the start: frames reach nobody until the link or the
// sniffer is set.
ChipRadio::ChipRadio(AirRadio& radio) : radio_(radio) { radio_.set_listener(this); }

ChipRadio::~ChipRadio() { radio_.set_listener(nullptr); }

void ChipRadio::set_listener(RadioListener* listener) {
  std::unique_lock lk(mutex_);
  link_ = listener;
}

void ChipRadio::set_sniffer(Sniffer sniffer) {
  std::unique_lock lk(mutex_);
  sniffer_ = std::move(sniffer);
}

void ChipRadio::on_frame(std::span<const std::uint8_t> frame, const RxControl& rx) {
  std::shared_lock lk(mutex_);
  if (sniffer_) sniffer_(frame, rx);
  // A promiscuous radio hears other stations' unicasts: not the link's.
  if (link_ && frame.size() >= 10 && radio_.accepts(MacAddress::read(frame.data() + 4))) link_->on_frame(frame, rx);
}

std::error_code ChipRadio::send(std::span<const std::uint8_t> frame, PhyRate rate, bool raw) {
  std::lock_guard order(send_mutex_);
  {
    std::lock_guard lk(owners_mutex_);
    if (reports_count_ == raw_reports_.size()) {  // full: twice the ring, the oldest first
      std::vector<bool> grown(2 * raw_reports_.size());
      for (std::size_t i = 0; i < reports_count_; ++i)
        grown[i] = raw_reports_[(reports_head_ + i) % raw_reports_.size()];
      raw_reports_ = std::move(grown);
      reports_head_ = 0;
    }
    raw_reports_[(reports_head_ + reports_count_++) % raw_reports_.size()] = raw;
  }
  const std::error_code ec = radio_.transmit(frame, rate);
  if (ec) {  // no report comes for it; nobody pushed after it (send_mutex_)
    std::lock_guard lk(owners_mutex_);
    --reports_count_;
  }
  return ec;
}

void ChipRadio::on_tx_done(const MacAddress& dst, bool acked) {
  bool raw = false;
  {
    std::lock_guard lk(owners_mutex_);
    if (reports_count_ > 0) {
      raw = raw_reports_[reports_head_];
      reports_head_ = (reports_head_ + 1) % raw_reports_.size();
      --reports_count_;
    }
  }
  if (raw) return;
  std::shared_lock lk(mutex_);
  if (link_) link_->on_tx_done(dst, acked);
}

}  // namespace espnow::emul::detail
