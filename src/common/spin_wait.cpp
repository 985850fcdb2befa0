#include "spin_wait.hpp"

#include <thread>

namespace espnow {
namespace {

// Per thread: each thread waits for its own things.
thread_local int t_skip = 0;

}  // namespace

SpinPolicy::SpinPolicy() {
#if defined(ESP_PLATFORM)
  enabled_ = false;
#else
  enabled_ = std::thread::hardware_concurrency() > 1;
#endif
}

bool SpinPolicy::worth_trying() {
  if (!enabled_) return false;
  if (t_skip == 0) return true;
  --t_skip;
  return false;
}

void SpinPolicy::record(bool woken) {
  if (!woken) t_skip = kSkipAfterMiss;
}

}  // namespace espnow
