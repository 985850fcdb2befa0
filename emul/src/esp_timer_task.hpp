// A chip's esp_timer task: its armed timers by expiry on the chip's clock,
// and the task (with the chip selected) that runs their callbacks one at a
// time with the lock released, so a callback may start, stop or delete any
// timer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "chip_thread.hpp"
#include "esp_timer.h"

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

class EspTimerTask;

}  // namespace espnow::emul::detail

struct esp_timer {
  esp_timer_cb_t callback;
  void* arg;
  std::string name;
  bool skip_unhandled_events;
  std::shared_ptr<espnow::emul::detail::EspTimerTask> task;  // its chip's
  // Under the task's mutex:
  bool armed = false;
  std::uint64_t period_us = 0;  // 0: one-shot
  std::chrono::nanoseconds expiry{};  // on the task's clock
};

namespace espnow::emul::detail {

class EspTimerTask {
 public:
  using TimePoint = std::chrono::nanoseconds;  // on the chip's clock
  EspTimerTask(EmulatedChip* chip, Clock& clock, TimePoint boot);
  ~EspTimerTask();
  EspTimerTask(const EspTimerTask&) = delete;
  EspTimerTask& operator=(const EspTimerTask&) = delete;

  // Ends the thread (after a running callback); timers stay, never firing.
  void shut_down();

  Clock& clock;           // the chip's
  const TimePoint boot;  // the chip's: esp_timer's time 0
  std::mutex mutex;
  void arm_locked(esp_timer_handle_t t, TimePoint expiry, std::uint64_t period_us);
  void disarm_locked(esp_timer_handle_t t);
  // Returns once no callback of `t` runs (at once on the task's own thread).
  void wait_not_running_locked(std::unique_lock<std::mutex>& lk, esp_timer_handle_t t);
  // The earliest armed expiry, or TimePoint::max().
  TimePoint next_alarm_locked() const;
  // While held (light sleep, counted) no timer fires; those due meanwhile
  // fire on release(), as a chip's fire once it wakes.
  void hold();
  void release();

 private:
  void run(EmulatedChip* chip);
  void fire_locked(std::unique_lock<std::mutex>& lk, TimePoint when, esp_timer_handle_t t);

  std::multimap<TimePoint, esp_timer_handle_t> armed_;
  esp_timer_handle_t running_ = nullptr;
  bool stop_ = false;
  int holds_ = 0;
  std::condition_variable changed_, idle_;
  ChipThread thread_;  // last: starts once the rest exists
};

}  // namespace espnow::emul::detail
