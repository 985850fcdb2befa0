// A lock that plays CPython's GIL in tests of lock ordering: lock(),
// unlock() and try_lock_for(), so a deadlock turns into a failure after a
// deadline instead of a hang. Built on a mutex and a condition variable
// rather than std::timed_mutex, whose timed wait (pthread_mutex_clocklock)
// ThreadSanitizer does not see, so it reports the unlock as a bad one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace espnow::test {

class FakeGil {
 public:
  void lock() {
    std::unique_lock lk(m_);
    cv_.wait(lk, [this] { return !held_; });
    held_ = true;
  }
  template <class Rep, class Period>
  bool try_lock_for(std::chrono::duration<Rep, Period> limit) {
    std::unique_lock lk(m_);
    if (!cv_.wait_for(lk, limit, [this] { return !held_; })) return false;
    held_ = true;
    return true;
  }
  void unlock() {
    {
      std::lock_guard lk(m_);
      held_ = false;
    }
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool held_ = false;
};

}  // namespace espnow::test
