// FreeRTOS software timers: each chip's timer service task (and one for
// timers made with no chip selected) keeps its armed timers by expiry on the
// chip's clock and runs their callbacks in turn (freertos_timer_service.hpp).
#include <memory>

#include "chip_state.hpp"
#include "espnow_emul.hpp"
#include "freertos/timers.h"
#include "freertos_kernel.hpp"
#include "freertos_timer_service.hpp"
#include "relock_on_exit.hpp"

using namespace espnow::emul::rtos;
using espnow::emul::detail::TimerService;

struct tmrTimerControl {
  std::string name;
  TickType_t period;
  bool auto_reload;
  void* id;
  TimerCallbackFunction_t callback;
  espnow::emul::EmulatedChip* chip;  // the creator's: selected while the callback runs
  std::shared_ptr<TimerService> service;  // the chip's
  bool active = false;
  std::chrono::nanoseconds expiry{};  // on the service's clock
  bool deleted = false;
};

namespace espnow::emul::detail {

TimerService::TimerService(EmulatedChip* chip, Clock& k) : clock(k) {
  thread_.start(clock, "Tmr Svc", [this, chip] { loop(chip); });
}

TimerService::~TimerService() { shut_down(); }

void TimerService::shut_down() {
  {
    std::lock_guard lk(mutex);
    stop_ = true;
  }
  clock.notify(cv_);
  thread_.join();
}

void TimerService::arm_locked(TimerHandle_t t) {
  disarm_locked(t);
  t->active = true;
  t->expiry = clock.now() + ticks_to_duration(t->period);
  armed_.emplace(t->expiry, t);
  clock.notify(cv_);
}

void TimerService::disarm_locked(TimerHandle_t t) {
  t->active = false;
  for (auto it = armed_.begin(); it != armed_.end(); ++it)
    if (it->second == t) {
      armed_.erase(it);
      break;
    }
}

void TimerService::pend(PendedFunction_t fn, void* p1, uint32_t p2) {
  std::lock_guard lk(mutex);
  pended_.push_back({fn, p1, p2});
  clock.notify(cv_);
}

void TimerService::wait_not_running_locked(std::unique_lock<std::mutex>& lk, TimerHandle_t t) {
  if (thread_.on_thread()) return;
  while (running_ == t) clock.wait(lk, idle_cv_, std::nullopt);
}

void TimerService::loop(EmulatedChip* chip) {
  select_chip(chip);
  std::unique_lock lk(mutex);
  while (!stop_) {
    if (!pended_.empty()) {
      const Pended p = pended_.front();
      pended_.erase(pended_.begin());
      lk.unlock();
      p.fn(p.p1, p.p2);
      lk.lock();
      continue;
    }
    if (armed_.empty()) {
      clock.wait(lk, cv_, std::nullopt);
      continue;
    }
    const auto when = armed_.begin()->first;
    if (clock.now() < when) {
      clock.wait(lk, cv_, when);
      continue;
    }
    fire_locked(lk);
  }
}

// Re-arms an auto-reload timer from its due time (so it does not drift),
// then runs the callback without the lock.
void TimerService::fire_locked(std::unique_lock<std::mutex>& lk) {
  const auto [when, t] = *armed_.begin();
  armed_.erase(armed_.begin());
  if (t->auto_reload) {
    t->expiry = when + ticks_to_duration(t->period);
    armed_.emplace(t->expiry, t);
  } else {
    t->active = false;
  }
  running_ = t;
  lk.unlock();
  const RelockOnExit done(lk, [this] {
    running_ = nullptr;
    clock.notify(idle_cv_);
  });
  select_chip(t->chip);  // again for each callback: one may have selected another
  t->callback(t);
}

}  // namespace espnow::emul::detail

namespace {

// Timers made on a thread with no chip: one service on the steady clock,
// never destroyed (its task may run while the process exits).
std::shared_ptr<TimerService> chipless_service() {
  static auto* service = new std::shared_ptr<TimerService>(std::make_shared<TimerService>(nullptr, espnow::steady_clock()));
  return *service;
}

template <class Fn>
BaseType_t command(TimerHandle_t t, Fn fn) {
  if (!t) return pdFAIL;
  TimerService& s = *t->service;
  std::lock_guard lk(s.mutex);
  fn(s);
  return pdPASS;
}

}  // namespace

extern "C" {

TimerHandle_t xTimerCreate(const char* const pcTimerName, const TickType_t xTimerPeriodInTicks, const BaseType_t xAutoReload,
                           void* const pvTimerID, TimerCallbackFunction_t pxCallbackFunction) {
  if (xTimerPeriodInTicks == 0 || !pxCallbackFunction) return nullptr;
  espnow::emul::EmulatedChip* chip = espnow::emul::selected_chip_or_null();
  return new tmrTimerControl{pcTimerName ? pcTimerName : "", xTimerPeriodInTicks, xAutoReload != pdFALSE, pvTimerID,
                             pxCallbackFunction, chip,
                             chip ? chip->state().services.rtos_timers() : chipless_service()};
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
  TimerService& s = *xTimer->service;
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
  std::lock_guard lk(xTimer->service->mutex);
  return xTimer->active ? pdTRUE : pdFALSE;
}

void* pvTimerGetTimerID(const TimerHandle_t xTimer) {
  std::lock_guard lk(xTimer->service->mutex);
  return xTimer->id;
}

void vTimerSetTimerID(TimerHandle_t xTimer, void* pvNewID) {
  std::lock_guard lk(xTimer->service->mutex);
  xTimer->id = pvNewID;
}

const char* pcTimerGetName(TimerHandle_t xTimer) { return xTimer->name.c_str(); }

TickType_t xTimerGetPeriod(TimerHandle_t xTimer) {
  std::lock_guard lk(xTimer->service->mutex);
  return xTimer->period;
}

TickType_t xTimerGetExpiryTime(TimerHandle_t xTimer) {
  std::lock_guard lk(xTimer->service->mutex);
  const auto left =
      std::chrono::duration_cast<std::chrono::microseconds>(xTimer->expiry - xTimer->service->clock.now()).count();
  return ticks_now() + static_cast<TickType_t>(left > 0 ? static_cast<uint64_t>(left) * tick_rate_hz() / 1000000u : 0);
}

void vTimerSetReloadMode(TimerHandle_t xTimer, const BaseType_t xAutoReload) {
  std::lock_guard lk(xTimer->service->mutex);
  xTimer->auto_reload = xAutoReload != pdFALSE;
}

BaseType_t xTimerPendFunctionCall(PendedFunction_t xFunctionToPend, void* pvParameter1, uint32_t ulParameter2,
                                  TickType_t) {
  if (!xFunctionToPend) return pdFAIL;
  espnow::emul::EmulatedChip* chip = espnow::emul::selected_chip_or_null();
  (chip ? chip->state().services.rtos_timers() : chipless_service())->pend(xFunctionToPend, pvParameter1, ulParameter2);
  return pdPASS;
}

}  // extern "C"
