#include "espnow/common/clock.hpp"

#include <atomic>
#include <cstdint>
#include <thread>

#include "spin_wait.hpp"

namespace espnow {
namespace {

class SteadyClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override {
    return std::chrono::steady_clock::now().time_since_epoch();
  }
  void sleep_until(std::chrono::nanoseconds t) override {
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(t));
  }
  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<std::chrono::nanoseconds> deadline) override {
    if (deadline) cv.wait_until(lock, std::chrono::steady_clock::time_point(*deadline));
    else cv.wait(lock);
  }
  void notify(std::condition_variable& cv) override {
    notices_.fetch_add(1, std::memory_order_release);
    cv.notify_all();
  }
  bool brief_wait(std::unique_lock<std::mutex>& lock, std::chrono::nanoseconds budget) override {
    if (!spin_.worth_trying()) return false;
    const auto seen = notices_.load(std::memory_order_acquire);
    lock.unlock();
    spin_.record(spin_until([&] { return notices_.load(std::memory_order_acquire) != seen; }, budget));
    lock.lock();
    return true;
  }

 private:
  std::atomic<std::uint64_t> notices_{0};  // notify() calls: what a brief wait watches
  SpinPolicy spin_;
};

}  // namespace

// Set during static initialisation, so it is the process's start even if
// first asked for later.
const std::chrono::steady_clock::time_point g_process_start = std::chrono::steady_clock::now();

// Never destroyed: threads that outlive main (a chipless FreeRTOS timer
// service, a detached task) may still wait on it while statics are torn down.
Clock& steady_clock() {
  static auto* clock = new SteadyClock;
  return *clock;
}

std::chrono::steady_clock::time_point process_start() { return g_process_start; }

}  // namespace espnow
