// esp_timer on the selected chip: time since its boot on its clock, its
// esp_timer task runs the callbacks.
#include <algorithm>
#include <climits>

#include "chip_services.hpp"
#include "esp_timer_task.hpp"
#include "relock_on_exit.hpp"
#include "freertos_kernel.hpp"
#include "espnow_emul.hpp"

namespace espnow::emul::detail {

namespace {
constexpr std::uint64_t kMinPeriodUs = 50;  // esp_timer's minimum period on the chip
}

EspTimerTask::EspTimerTask(EmulatedChip* chip, Clock& k, TimePoint boot_time) : clock(k), boot(boot_time) {
  thread_.start(clock, "esp_timer", [this, chip] { run(chip); }, 22);  // ESP_TASK_TIMER_PRIO
}

EspTimerTask::~EspTimerTask() { shut_down(); }

void EspTimerTask::shut_down() {
  {
    std::lock_guard lk(mutex);
    stop_ = true;
  }
  clock.notify(changed_);
  thread_.join();  // at once in a callback that deletes its chip: it cannot wait for itself
}

void EspTimerTask::arm_locked(esp_timer_handle_t t, TimePoint expiry, std::uint64_t period_us) {
  disarm_locked(t);
  t->armed = true;
  t->expiry = expiry;
  t->period_us = period_us;
  armed_.emplace(expiry, t);
  clock.notify(changed_);
}

void EspTimerTask::disarm_locked(esp_timer_handle_t t) {
  if (!t->armed) return;
  t->armed = false;
  for (auto it = armed_.lower_bound(t->expiry); it != armed_.end(); ++it)
    if (it->second == t) {
      armed_.erase(it);
      break;
    }
}

void EspTimerTask::wait_not_running_locked(std::unique_lock<std::mutex>& lk, esp_timer_handle_t t) {
  if (thread_.on_thread()) return;
  while (running_ == t) clock.wait(lk, idle_, std::nullopt);
}

EspTimerTask::TimePoint EspTimerTask::next_alarm_locked() const {
  return armed_.empty() ? TimePoint::max() : armed_.begin()->first;
}

void EspTimerTask::hold() {
  std::lock_guard lk(mutex);
  ++holds_;
}

void EspTimerTask::release() {
  {
    std::lock_guard lk(mutex);
    --holds_;
  }
  clock.notify(changed_);
}

void EspTimerTask::run(EmulatedChip* chip) {
  select_chip(chip);
  std::unique_lock lk(mutex);
  while (!stop_) {
    if (holds_ > 0 || armed_.empty()) {
      clock.wait(lk, changed_, std::nullopt);
      continue;
    }
    const auto [when, t] = *armed_.begin();
    if (clock.now() < when) {
      clock.wait(lk, changed_, when);
      continue;
    }
    fire_locked(lk, when, t);
  }
}

// Re-arms a periodic timer from its due time (so it does not drift), then
// runs the callback without the lock; `t` may be deleted by then.
void EspTimerTask::fire_locked(std::unique_lock<std::mutex>& lk, TimePoint when, esp_timer_handle_t t) {
  armed_.erase(armed_.begin());
  t->armed = false;
  if (t->period_us) {
    const auto period = std::chrono::microseconds(t->period_us);
    auto next = when + period;
    if (t->skip_unhandled_events)
      while (next <= clock.now()) next += period;
    t->armed = true;
    t->expiry = next;
    armed_.emplace(next, t);
  }
  running_ = t;
  const esp_timer_cb_t callback = t->callback;
  void* const arg = t->arg;
  lk.unlock();
  const RelockOnExit done(lk, [this] {
    running_ = nullptr;
    clock.notify(idle_);
  });
  callback(arg);
}

}  // namespace espnow::emul::detail

using espnow::emul::detail::EspTimerTask;
using espnow::emul::detail::services;

namespace {

esp_err_t start(esp_timer_handle_t timer, std::uint64_t timeout_us, std::uint64_t period_us) {
  if (!timer) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(timer->task->mutex);
  if (timer->armed) return ESP_ERR_INVALID_STATE;
  timer->task->arm_locked(timer, timer->task->clock.now() + std::chrono::microseconds(timeout_us), period_us);
  return ESP_OK;
}

}  // namespace

extern "C" {

esp_err_t esp_timer_init(void) { return ESP_ERR_INVALID_STATE; }  // the chip's start-up did

esp_err_t esp_timer_create(const esp_timer_create_args_t* create_args, esp_timer_handle_t* out_handle) {
  if (!create_args || !out_handle || !create_args->callback || create_args->dispatch_method != ESP_TIMER_TASK)
    return ESP_ERR_INVALID_ARG;
  *out_handle = new esp_timer{create_args->callback, create_args->arg, create_args->name ? create_args->name : "",
                              create_args->skip_unhandled_events, services().esp_timer()};
  return ESP_OK;
}

esp_err_t esp_timer_start_once(esp_timer_handle_t timer, uint64_t timeout_us) { return start(timer, timeout_us, 0); }

esp_err_t esp_timer_start_periodic(esp_timer_handle_t timer, uint64_t period) {
  period = std::max(period, espnow::emul::detail::kMinPeriodUs);
  return start(timer, period, period);
}

esp_err_t esp_timer_restart(esp_timer_handle_t timer, uint64_t timeout_us) {
  if (!timer) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(timer->task->mutex);
  if (!timer->armed) return ESP_ERR_INVALID_STATE;
  const std::uint64_t period = timer->period_us ? std::max(timeout_us, espnow::emul::detail::kMinPeriodUs) : 0;
  const std::uint64_t first = period ? period : timeout_us;
  timer->task->arm_locked(timer, timer->task->clock.now() + std::chrono::microseconds(first), period);
  return ESP_OK;
}

esp_err_t esp_timer_stop(esp_timer_handle_t timer) {
  if (!timer) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(timer->task->mutex);
  if (!timer->armed) return ESP_ERR_INVALID_STATE;
  timer->task->disarm_locked(timer);
  timer->period_us = 0;  // as ESP-IDF's: a stopped timer has no period
  return ESP_OK;
}

esp_err_t esp_timer_delete(esp_timer_handle_t timer) {
  if (!timer) return ESP_ERR_INVALID_ARG;
  {
    std::unique_lock lk(timer->task->mutex);
    if (timer->armed) return ESP_ERR_INVALID_STATE;
    timer->task->wait_not_running_locked(lk, timer);
  }
  delete timer;
  return ESP_OK;
}

int64_t esp_timer_get_time(void) {
  espnow::emul::rtos::charge_poll();
  const auto& s = services();
  return std::chrono::duration_cast<std::chrono::microseconds>(s.clock.now() - s.boot).count();
}

int64_t esp_timer_get_next_alarm(void) {
  const auto task = services().esp_timer();
  std::lock_guard lk(task->mutex);
  const auto next = task->next_alarm_locked();
  if (next == EspTimerTask::TimePoint::max()) return INT64_MAX;
  return std::chrono::duration_cast<std::chrono::microseconds>(next - task->boot).count();
}

esp_err_t esp_timer_get_period(esp_timer_handle_t timer, uint64_t* period) {
  if (!timer || !period) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(timer->task->mutex);
  *period = timer->period_us;
  return ESP_OK;
}

esp_err_t esp_timer_get_expiry_time(esp_timer_handle_t timer, uint64_t* expiry) {
  if (!timer || !expiry) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(timer->task->mutex);
  if (timer->period_us) return ESP_ERR_NOT_SUPPORTED;
  *expiry = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(timer->expiry - timer->task->boot).count());
  return ESP_OK;
}

bool esp_timer_is_active(esp_timer_handle_t timer) {
  if (!timer) return false;
  std::lock_guard lk(timer->task->mutex);
  return timer->armed;
}

}  // extern "C"
