// FaultInjector: a deterministic "fail the n-th" hook for tests. The in-process
// air's radios and SoftLink ask it at each point where the real thing can
// fail; after arm(n), the n-th question from then on (counting every point)
// is answered "fail" (and every later one too when persistent). A test runs a
// scripted scenario for n = 1, 2, 3, ... until it completes with no fault,
// checking each time that the failure surfaced as the documented error and
// that no state was corrupted.
#pragma once

#include <atomic>
#include <cstdint>

namespace espnow {

enum class FaultPoint : std::uint8_t {
  radio_transmit,  // the radio's transmit queue is full: transmit() -> NO_MEM
  radio_delivery,  // a frame is lost on the air (no delivery, no ACK; the MAC retries)
  link_add_peer,   // the link cannot allocate a peer: add_peer() -> NO_MEM
  link_send,       // the link fails internally while sending: send() -> INTERNAL
};

class FaultInjector {
 public:
  void arm(std::uint64_t n, bool persistent = false) {
    persistent_ = persistent;
    fired_ = 0;
    calls_ = 0;
    target_ = n;
  }
  void disarm() { target_ = 0; }

  // Asked at each point; true means: fail here.
  bool fail(FaultPoint point) {
    const std::uint64_t target = target_.load(std::memory_order_relaxed);
    if (target == 0) return false;
    const std::uint64_t call = ++calls_;
    if (call < target || (call > target && !persistent_)) return false;
    ++fired_;
    last_point_ = point;
    return true;
  }

  std::uint64_t calls() const { return calls_.load(); }
  std::uint64_t fired() const { return fired_.load(); }
  FaultPoint last_point() const { return last_point_.load(); }

 private:
  std::atomic<std::uint64_t> target_{0};
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> fired_{0};
  std::atomic<bool> persistent_{false};
  std::atomic<FaultPoint> last_point_{FaultPoint::radio_transmit};
};

// Asks `f` if there is one (the hooks cost one branch when there is none).
inline bool inject(FaultInjector* f, FaultPoint point) { return f && f->fail(point); }

}  // namespace espnow
