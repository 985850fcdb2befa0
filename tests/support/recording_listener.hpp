// RecordingListener: a RadioListener that keeps what a radio tells it (the
// frames it hears with their RxControl, and the transmit reports in order)
// for a test to look at. Safe to read while the radio's threads deliver:
// each accessor copies under the lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "espnow/radio/radio.hpp"

namespace espnow::test {

class RecordingListener final : public RadioListener {
 public:
  struct Frame {
    std::vector<std::uint8_t> bytes;  // with the FCS, as delivered
    RxControl rx_ctrl;
  };
  struct Report {
    MacAddress dst;
    bool acked = false;
  };

  void on_frame(std::span<const std::uint8_t> frame_with_fcs, const RxControl& rx_ctrl) override {
    std::lock_guard lk(mutex_);
    frames_.push_back({{frame_with_fcs.begin(), frame_with_fcs.end()}, rx_ctrl});
  }
  void on_tx_done(const MacAddress& dst, bool acked) override {
    std::lock_guard lk(mutex_);
    reports_.push_back({dst, acked});
  }

  std::vector<Frame> frames() const {
    std::lock_guard lk(mutex_);
    return frames_;
  }
  std::size_t frame_count() const {
    std::lock_guard lk(mutex_);
    return frames_.size();
  }
  std::vector<Report> reports() const {
    std::lock_guard lk(mutex_);
    return reports_;
  }
  std::size_t report_count() const {
    std::lock_guard lk(mutex_);
    return reports_.size();
  }
  // Each report's `acked`, in transmit order.
  std::vector<bool> acks() const {
    std::lock_guard lk(mutex_);
    std::vector<bool> out;
    for (const Report& r : reports_) out.push_back(r.acked);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Frame> frames_;
  std::vector<Report> reports_;
};

}  // namespace espnow::test
