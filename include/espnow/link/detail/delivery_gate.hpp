// What a reader-writer lock does for a link's callbacks, in one word: while
// the gate is open, the radio's callbacks (a frame, a send report) pass it
// concurrently; close() shuts it and returns once the callbacks under way
// have left, so that deinit() knows nothing of the old activation is still
// being delivered. One word rather than a 56-byte lock and two calls, because
// a simulation delivers each frame to hundreds of links whose state has gone
// cold (espnow sim: every line a delivery reads is a wait for memory).
#pragma once

#include <atomic>
#include <cstdint>

namespace espnow::detail {

class DeliveryGate {
 public:
  void open() { word_.fetch_or(kOpen, std::memory_order_acq_rel); }
  // Shuts the gate; returns when no callback that passed it is still running.
  // Not from within such a callback (it would wait for itself).
  void close() {
    word_.fetch_and(~kOpen, std::memory_order_acq_rel);
    for (std::uint32_t v = word_.load(std::memory_order_acquire); (v & ~kOpen) != 0;
         v = word_.load(std::memory_order_acquire))
      word_.wait(v, std::memory_order_acquire);
  }
  bool is_open() const { return (word_.load(std::memory_order_acquire) & kOpen) != 0; }

  // A callback's passage: open() says whether the gate was open when it came,
  // which close() then waits for.
  class Pass {
   public:
    explicit Pass(DeliveryGate& gate)
        : gate_(gate), open_((gate.word_.fetch_add(1, std::memory_order_acquire) & kOpen) != 0) {}
    ~Pass() {
      // The last one out of a shut gate wakes close().
      if (gate_.word_.fetch_sub(1, std::memory_order_release) == 1) gate_.word_.notify_all();
    }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    bool open() const { return open_; }

   private:
    DeliveryGate& gate_;
    bool open_;
  };

 private:
  static constexpr std::uint32_t kOpen = 1u << 31;  // the rest: callbacks passing
  std::atomic<std::uint32_t> word_{0};
};

}  // namespace espnow::detail
