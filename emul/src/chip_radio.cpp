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
    raw_reports_.push_back(raw);
  }
  const std::error_code ec = radio_.transmit(frame, rate);
  if (ec) {  // no report comes for it; nobody pushed after it (send_mutex_)
    std::lock_guard lk(owners_mutex_);
    raw_reports_.pop_back();
  }
  return ec;
}

void ChipRadio::on_tx_done(const MacAddress& dst, bool acked) {
  bool raw = false;
  {
    std::lock_guard lk(owners_mutex_);
    if (!raw_reports_.empty()) {
      raw = raw_reports_.front();
      raw_reports_.pop_front();
    }
  }
  if (raw) return;
  std::shared_lock lk(mutex_);
  if (link_) link_->on_tx_done(dst, acked);
}

}  // namespace espnow::emul::detail
