// A Radio whose test decides when each frame is reported: transmit() only
// queues the frame; report_next(acked) answers the oldest, as a radio reports
// in transmit order. With `report_at_once`, transmit() reports each frame
// acknowledged before it returns. Every frame sent stays in `sent`, and
// frames can be handed to the listener as received (deliver).
#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "espnow/radio/radio.hpp"

namespace espnow::test {

class ScriptedRadio final : public Radio {
 public:
  explicit ScriptedRadio(MacAddress mac, bool report_at_once = false) : mac_(mac), report_at_once_(report_at_once) {}

  MacAddress mac(Interface) const override { return mac_; }
  bool interface_active(Interface i) const override { return i == Interface::sta; }
  std::uint8_t channel() const override { return 1; }
  std::error_code set_channel(std::uint8_t) override { return {}; }
  bool long_range() const override { return false; }
  std::uint64_t now_us() const override { return 0; }
  void set_listener(RadioListener* l) override {
    std::lock_guard lk(mutex_);
    listener_ = l;
  }
  std::error_code transmit(std::span<const std::uint8_t> frame, PhyRate) override {
    {
      std::lock_guard lk(mutex_);
      sent.emplace_back(frame.begin(), frame.end());
      queued_.emplace_back(frame.begin(), frame.end());
    }
    if (report_at_once_) report_next(true);
    return {};
  }

  std::size_t queued() const {
    std::lock_guard lk(mutex_);
    return queued_.size();
  }
  // Reports the oldest queued frame; false when none is queued.
  bool report_next(bool acked) {
    RadioListener* l;
    MacAddress dst;
    {
      std::lock_guard lk(mutex_);
      if (queued_.empty()) return false;
      dst = MacAddress::read(queued_.front().data() + 4);
      queued_.pop_front();
      l = listener_;
    }
    if (l) l->on_tx_done(dst, acked);  // a radio with no listener reports to nobody
    return true;
  }
  std::vector<std::vector<std::uint8_t>> sent;  // every frame transmitted, in order

  void deliver(std::span<const std::uint8_t> frame) {
    if (RadioListener* l = listener()) l->on_frame(frame, kRx);
  }
  // As a radio that decoded the frame for its listener (espnow sim's stations).
  void deliver_decoded(std::span<const std::uint8_t> frame, const wire::DecodeResult& decoded) {
    if (RadioListener* l = listener()) l->on_decoded_frame(frame, decoded, kRx);
  }

 private:
  static constexpr RxControl kRx{-30, 1, PhyRate::r1m, 0};  // what every delivery reports
  // Called outside the lock: the listener may call back into the radio.
  RadioListener* listener() const {
    std::lock_guard lk(mutex_);
    return listener_;
  }

  mutable std::mutex mutex_;
  MacAddress mac_;
  bool report_at_once_;
  RadioListener* listener_ = nullptr;
  std::deque<std::vector<std::uint8_t>> queued_;
};

}  // namespace espnow::test
