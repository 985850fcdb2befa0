// The end of a service's callback (the esp_timer task's, the timer
// service's, the Wi-Fi task's): its lock taken again and its "a callback is
// running" state cleared when the callback's scope ends, by a return or by
// a pthread_exit out of it. A chip's firmware that restarts, sleeps deep or
// panics inside a callback ends the thread there, and a deletion or a
// shutdown waiting for the callback to finish must not wait for ever.
#pragma once

#include <mutex>
#include <utility>

namespace espnow::emul::detail {

template <class Done>
class RelockOnExit {
 public:
  // `lock` is released; `done` runs with it held again.
  RelockOnExit(std::unique_lock<std::mutex>& lock, Done done) : lock_(lock), done_(std::move(done)) {}
  ~RelockOnExit() {
    lock_.lock();
    done_();
  }
  RelockOnExit(const RelockOnExit&) = delete;
  RelockOnExit& operator=(const RelockOnExit&) = delete;

 private:
  std::unique_lock<std::mutex>& lock_;
  Done done_;
};

}  // namespace espnow::emul::detail
