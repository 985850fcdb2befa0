// FreeRTOS's timer service task ("Tmr Svc"), one per chip (and one for
// timers made on a thread with no chip): its armed timers by expiry on the
// chip's clock, and the task that runs their callbacks and pended functions
// in turn with its lock released, so a callback may command any timer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "chip_thread.hpp"
#include "freertos/timers.h"

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

class TimerService {
 public:
  TimerService(EmulatedChip* chip, Clock& clock);
  ~TimerService();
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;

  // Ends the task (after a running callback); timers stay, never firing.
  void shut_down();

  Clock& clock;
  std::mutex mutex;  // the timers' fields and those below
  void arm_locked(TimerHandle_t t);
  void disarm_locked(TimerHandle_t t);
  void pend(PendedFunction_t fn, void* p1, uint32_t p2);
  // Returns once no callback of `t` runs (at once on the service's own task).
  void wait_not_running_locked(std::unique_lock<std::mutex>& lk, TimerHandle_t t);

 private:
  struct Pended {
    PendedFunction_t fn;
    void* p1;
    uint32_t p2;
  };
  void loop(EmulatedChip* chip);
  void fire_locked(std::unique_lock<std::mutex>& lk);

  std::multimap<std::chrono::nanoseconds, TimerHandle_t> armed_;
  std::vector<Pended> pended_;
  TimerHandle_t running_ = nullptr;
  bool stop_ = false;
  std::condition_variable cv_, idle_cv_;
  ChipThread thread_;  // last: starts once the rest exists
};

}  // namespace espnow::emul::detail
