#include "espnow/clock.hpp"

#include <thread>

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
};

}  // namespace

Clock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace espnow
