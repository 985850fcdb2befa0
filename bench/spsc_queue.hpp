// A bare single-producer single-consumer ring of fixed records: the floor
// for handing messages between two threads, used as a same-run baseline.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

namespace bench {

template <std::size_t RecordSize>
class SpscQueue {
 public:
  explicit SpscQueue(std::size_t capacity) : slots_(capacity) {}
  bool push(const std::uint8_t* data) {
    const auto t = tail_.load(std::memory_order_relaxed);
    if (t - head_.load(std::memory_order_acquire) == slots_.size()) return false;
    std::memcpy(slots_[t % slots_.size()].data(), data, RecordSize);
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  bool pop(std::uint8_t* out) {
    const auto h = head_.load(std::memory_order_relaxed);
    if (h == tail_.load(std::memory_order_acquire)) return false;
    std::memcpy(out, slots_[h % slots_.size()].data(), RecordSize);
    head_.store(h + 1, std::memory_order_release);
    return true;
  }

 private:
  std::vector<std::array<std::uint8_t, RecordSize>> slots_;
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
};

}  // namespace bench
