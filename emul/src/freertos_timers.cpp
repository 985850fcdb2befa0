// FreeRTOS software timers: one service thread (the kernel's "Tmr Svc"
// task) keeps the armed timers by expiry and runs their callbacks in turn,
// with its lock released, so a callback may command any timer.
#include <map>
#include <thread>

#include "espnow_emul.hpp"
#include "freertos/timers.h"
#include "freertos_kernel.hpp"

using namespace espnow::emul::rtos;

struct tmrTimerControl {
  std::string name;
  TickType_t period;
  bool auto_reload;
  void* id;
  TimerCallbackFunction_t callback;
  espnow::emul::EmulatedChip* chip;  // the creator's: selected while the callback runs
  bool active = false;
  Clock::time_point expiry{};
  bool deleted = false;
};

namespace {

class TimerService {
 public:
  // Never destroyed: its detached thread may wait on it while the process exits.
  static TimerService& instance() {
    static TimerService* service = new TimerService;
    return *service;
  }
  std::mutex mutex;

  void arm_locked(TimerHandle_t t) {
    disarm_locked(t);
    t->active = true;
    t->expiry = Clock::now() + ticks_to_duration(t->period);
    armed_.emplace(t->expiry, t);
    cv_.notify_all();
  }
  void disarm_locked(TimerHandle_t t) {
    t->active = false;
    for (auto it = armed_.begin(); it != armed_.end(); ++it)
      if (it->second == t) {
        armed_.erase(it);
        break;
      }
  }
  void pend(PendedFunction_t fn, void* p1, uint32_t p2) {
    std::lock_guard lk(mutex);
    pended_.push_back({fn, p1, p2});
    cv_.notify_all();
  }
  // Returns once no callback of `t` runs (at once on the service thread).
  void wait_not_running_locked(std::unique_lock<std::mutex>& lk, TimerHandle_t t) {
    if (std::this_thread::get_id() == thread_.get_id()) return;
    idle_cv_.wait(lk, [&] { return running_ != t; });
  }

 private:
  struct Pended {
    PendedFunction_t fn;
    void* p1;
    uint32_t p2;
  };
  TimerService() : thread_([this] { loop(); }) { thread_.detach(); }  // lives as long as the process

  void loop() {
    std::unique_lock lk(mutex);
    for (;;) {
      if (!pended_.empty()) {
        const Pended p = pended_.front();
        pended_.erase(pended_.begin());
        lk.unlock();
        p.fn(p.p1, p.p2);
        lk.lock();
        continue;
      }
      if (armed_.empty()) {
        cv_.wait(lk);
        continue;
      }
      const auto [when, t] = *armed_.begin();
      if (Clock::now() < when) {
        cv_.wait_until(lk, when);
        continue;
      }
      armed_.erase(armed_.begin());
      if (t->auto_reload) {
        t->expiry = when + ticks_to_duration(t->period);
        armed_.emplace(t->expiry, t);
      } else {
        t->active = false;
      }
      running_ = t;
      lk.unlock();
      espnow::emul::select_chip(t->chip);
      t->callback(t);
      lk.lock();
      running_ = nullptr;
      idle_cv_.notify_all();
    }
  }

  std::multimap<Clock::time_point, TimerHandle_t> armed_;
  std::vector<Pended> pended_;
  TimerHandle_t running_ = nullptr;
  std::condition_variable cv_, idle_cv_;
  std::thread thread_;
};

template <class Fn>
BaseType_t command(TimerHandle_t t, Fn fn) {
  if (!t) return pdFAIL;
  TimerService& s = TimerService::instance();
  std::lock_guard lk(s.mutex);
  fn(s);
  return pdPASS;
}

}  // namespace

extern "C" {

TimerHandle_t xTimerCreate(const char* const pcTimerName, const TickType_t xTimerPeriodInTicks, const BaseType_t xAutoReload,
                           void* const pvTimerID, TimerCallbackFunction_t pxCallbackFunction) {
  if (xTimerPeriodInTicks == 0 || !pxCallbackFunction) return nullptr;
  return new tmrTimerControl{pcTimerName ? pcTimerName : "", xTimerPeriodInTicks, xAutoReload != pdFALSE, pvTimerID,
                             pxCallbackFunction, espnow::emul::selected_chip_or_null()};
}

BaseType_t xTimerStart(TimerHandle_t xTimer, TickType_t) {
  return command(xTimer, [xTimer](TimerService& s) { s.arm_locked(xTimer); });
}

BaseType_t xTimerReset(TimerHandle_t xTimer, TickType_t) {
  return command(xTimer, [xTimer](TimerService& s) { s.arm_locked(xTimer); });
}

BaseType_t xTimerStop(TimerHandle_t xTimer, TickType_t) {
  return command(xTimer, [xTimer](TimerService& s) { s.disarm_locked(xTimer); });
}

BaseType_t xTimerChangePeriod(TimerHandle_t xTimer, TickType_t xNewPeriod, TickType_t) {
  if (xNewPeriod == 0) return pdFAIL;
  return command(xTimer, [=](TimerService& s) {
    xTimer->period = xNewPeriod;
    s.arm_locked(xTimer);
  });
}

BaseType_t xTimerDelete(TimerHandle_t xTimer, TickType_t) {
  if (!xTimer) return pdFAIL;
  TimerService& s = TimerService::instance();
  {
    std::unique_lock lk(s.mutex);
    s.disarm_locked(xTimer);
    s.wait_not_running_locked(lk, xTimer);
  }
  delete xTimer;
  return pdPASS;
}

BaseType_t xTimerIsTimerActive(TimerHandle_t xTimer) {
  if (!xTimer) return pdFALSE;
  std::lock_guard lk(TimerService::instance().mutex);
  return xTimer->active ? pdTRUE : pdFALSE;
}

void* pvTimerGetTimerID(const TimerHandle_t xTimer) {
  std::lock_guard lk(TimerService::instance().mutex);
  return xTimer->id;
}

void vTimerSetTimerID(TimerHandle_t xTimer, void* pvNewID) {
  std::lock_guard lk(TimerService::instance().mutex);
  xTimer->id = pvNewID;
}

const char* pcTimerGetName(TimerHandle_t xTimer) { return xTimer->name.c_str(); }

TickType_t xTimerGetPeriod(TimerHandle_t xTimer) {
  std::lock_guard lk(TimerService::instance().mutex);
  return xTimer->period;
}

TickType_t xTimerGetExpiryTime(TimerHandle_t xTimer) {
  std::lock_guard lk(TimerService::instance().mutex);
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(xTimer->expiry - Clock::now()).count();
  return ticks_now() + static_cast<TickType_t>(left > 0 ? static_cast<uint64_t>(left) * tick_rate_hz() / 1000000u : 0);
}

void vTimerSetReloadMode(TimerHandle_t xTimer, const BaseType_t xAutoReload) {
  std::lock_guard lk(TimerService::instance().mutex);
  xTimer->auto_reload = xAutoReload != pdFALSE;
}

BaseType_t xTimerPendFunctionCall(PendedFunction_t xFunctionToPend, void* pvParameter1, uint32_t ulParameter2,
                                  TickType_t) {
  if (!xFunctionToPend) return pdFAIL;
  TimerService::instance().pend(xFunctionToPend, pvParameter1, ulParameter2);
  return pdPASS;
}

}  // extern "C"
