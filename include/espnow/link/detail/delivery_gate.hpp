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
  DeliveryGate() = default;
  // `one_thread`: the callbacks, open() and close() all come from one thread
  // (a discrete-event simulation), so nothing can close the gate while a
  // callback passes it. A passage then only reads the gate: no
  // read-modify-write, each a locked instruction, on x86 a full barrier that
  // waits for every memory access in flight. (A callback may then close it,
  // which in the other mode would wait for itself.)
  explicit DeliveryGate(bool one_thread) : one_thread_(one_thread) {}
  bool one_thread() const { return one_thread_; }
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
    explicit Pass(DeliveryGate& gate) : gate_(gate), open_((enter(gate) & kOpen) != 0) {}
    ~Pass() {
      // The last one out of a shut gate wakes close().
      if (!gate_.one_thread_ && gate_.word_.fetch_sub(1, std::memory_order_release) == 1) gate_.word_.notify_all();
    }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    bool open() const { return open_; }

   private:
    static std::uint32_t enter(DeliveryGate& gate) {
      return gate.one_thread_ ? gate.word_.load(std::memory_order_relaxed)
                              : gate.word_.fetch_add(1, std::memory_order_acquire);
    }
    DeliveryGate& gate_;
    bool open_;
  };

 private:
  static constexpr std::uint32_t kOpen = 1u << 31;  // the rest: callbacks passing
  std::atomic<std::uint32_t> word_{0};
  bool one_thread_ = false;
};

}  // namespace espnow::detail
