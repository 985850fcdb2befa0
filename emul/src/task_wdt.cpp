// esp_task_wdt.h on the selected chip (task_wdt.hpp).
#include "task_wdt.hpp"

#include <algorithm>
#include <atomic>
#include <string>

#include "chip_services.hpp"
#include "esp_log.h"
#include "esp_system.h"

// A user's handle: its name, kept while it is subscribed (ESP-IDF copies it too).
struct esp_task_wdt_user_handle_s {
  std::string name;
};

namespace espnow::emul::detail {
namespace {

const char* const kTag = "task_wdt";

// The program's CONFIG_ESP_TASK_WDT_* (esp_task_wdt.h hands them over), ESP-IDF's defaults until then.
std::atomic<bool> g_boot_init{true};
std::atomic<std::uint32_t> g_boot_timeout_s{5};
std::atomic<bool> g_boot_panic{false};

}  // namespace

TaskWdt::TaskWdt()
    : initialized_(g_boot_init.load()), config_{g_boot_timeout_s.load() * 1000, 0, g_boot_panic.load()} {}

TaskWdt::~TaskWdt() {
  if (!timer_) return;
  (void)esp_timer_stop(timer_);
  (void)esp_timer_delete(timer_);
}

esp_err_t TaskWdt::init(const esp_task_wdt_config_t& config, bool reconfigure) {
  if (config.timeout_ms == 0) return ESP_ERR_INVALID_ARG;
  std::lock_guard lk(mutex_);
  if (initialized_ != reconfigure) return ESP_ERR_INVALID_STATE;
  initialized_ = true;
  config_ = config;
  if (!entries_.empty()) arm_locked();  // the new timeout, from now
  return ESP_OK;
}

esp_err_t TaskWdt::deinit() {
  std::lock_guard lk(mutex_);
  if (!initialized_ || !entries_.empty()) return ESP_ERR_INVALID_STATE;
  initialized_ = false;
  return ESP_OK;
}

std::vector<TaskWdt::Entry>::iterator TaskWdt::find_locked(TaskHandle_t task, esp_task_wdt_user_handle_t user) {
  return std::find_if(entries_.begin(), entries_.end(),
                      [&](const Entry& e) { return e.task == task && e.user == user; });
}

esp_err_t TaskWdt::add(TaskHandle_t task, esp_task_wdt_user_handle_t user) {
  std::lock_guard lk(mutex_);
  if (!initialized_) return ESP_ERR_INVALID_STATE;
  if (find_locked(task, user) != entries_.end()) return ESP_ERR_INVALID_ARG;
  entries_.push_back({task, user, false});
  if (entries_.size() == 1) arm_locked();  // the timer runs once someone is watched
  return ESP_OK;
}

esp_err_t TaskWdt::reset(TaskHandle_t task, esp_task_wdt_user_handle_t user) {
  std::lock_guard lk(mutex_);
  if (!initialized_) return ESP_ERR_INVALID_STATE;
  const auto it = find_locked(task, user);
  if (it == entries_.end()) return ESP_ERR_NOT_FOUND;
  it->has_reset = true;
  feed_if_all_reset_locked();
  return ESP_OK;
}

esp_err_t TaskWdt::remove(TaskHandle_t task, esp_task_wdt_user_handle_t user) {
  std::lock_guard lk(mutex_);
  if (!initialized_) return ESP_ERR_INVALID_STATE;
  const auto it = find_locked(task, user);
  if (it == entries_.end()) return ESP_ERR_INVALID_ARG;
  entries_.erase(it);
  if (entries_.empty() && timer_) (void)esp_timer_stop(timer_);
  else feed_if_all_reset_locked();
  return ESP_OK;
}

esp_err_t TaskWdt::status(TaskHandle_t task) {
  std::lock_guard lk(mutex_);
  if (!initialized_) return ESP_ERR_INVALID_STATE;
  return find_locked(task, nullptr) != entries_.end() ? ESP_OK : ESP_ERR_NOT_FOUND;
}

void TaskWdt::feed_if_all_reset_locked() {
  if (!std::all_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.has_reset; })) return;
  for (Entry& e : entries_) e.has_reset = false;
  arm_locked();
}

// The timeout runs again from now, on the chip's esp_timer task.
void TaskWdt::arm_locked() {
  if (!timer_) {
    const esp_timer_create_args_t args{.callback = on_timeout, .arg = this, .dispatch_method = ESP_TIMER_TASK,
                                       .name = "task_wdt", .skip_unhandled_events = false};
    (void)esp_timer_create(&args, &timer_);
  }
  (void)esp_timer_stop(timer_);
  (void)esp_timer_start_once(timer_, std::uint64_t{config_.timeout_ms} * 1000);
}

void TaskWdt::on_timeout(void* self) { static_cast<TaskWdt*>(self)->timed_out(); }

void TaskWdt::timed_out() {
  bool panic = false;
  {
    std::lock_guard lk(mutex_);
    if (entries_.empty()) return;
    ESP_LOGE(kTag, "Task watchdog got triggered. The following tasks/users did not reset the watchdog in time:");
    for (const Entry& e : entries_) {
      if (e.has_reset) continue;
      if (e.task) ESP_LOGE(kTag, " - %s (CPU 0)", pcTaskGetName(e.task));
      else ESP_LOGE(kTag, " - %s", e.user->name.c_str());
    }
    panic = config_.trigger_panic;
    if (!panic) arm_locked();  // it warns again a timeout later
  }
  // The chip's firmware module's, else linked firmware's.
  void (*user_handler)(void) = services().task_wdt_user_handler;
  if (user_handler == nullptr) user_handler = esp_task_wdt_isr_user_handler;
  if (user_handler) user_handler();
  if (panic) {
    ESP_LOGE(kTag, "Aborting.");
    esp_system_abort("task_wdt: the task watchdog ran out (trigger_panic)");
  }
}

}  // namespace espnow::emul::detail

using espnow::emul::detail::services;

extern "C" {

void esp_emul_task_wdt_boot_config(bool init, uint32_t timeout_s, bool panic) {
  espnow::emul::detail::g_boot_init = init;
  espnow::emul::detail::g_boot_timeout_s = timeout_s;
  espnow::emul::detail::g_boot_panic = panic;
}

esp_err_t esp_task_wdt_init(const esp_task_wdt_config_t* config) {
  if (!config) return ESP_ERR_INVALID_ARG;
  return services().task_wdt().init(*config, false);
}

esp_err_t esp_task_wdt_reconfigure(const esp_task_wdt_config_t* config) {
  if (!config) return ESP_ERR_INVALID_ARG;
  return services().task_wdt().init(*config, true);
}

esp_err_t esp_task_wdt_deinit(void) { return services().task_wdt().deinit(); }

static TaskHandle_t task_or_self(TaskHandle_t task) { return task ? task : xTaskGetCurrentTaskHandle(); }

esp_err_t esp_task_wdt_add(TaskHandle_t task) { return services().task_wdt().add(task_or_self(task), nullptr); }

esp_err_t esp_task_wdt_add_user(const char* user_name, esp_task_wdt_user_handle_t* user_handle_ret) {
  if (!user_name || !user_handle_ret) return ESP_ERR_INVALID_ARG;
  auto* user = new esp_task_wdt_user_handle_s{user_name};
  const esp_err_t e = services().task_wdt().add(nullptr, user);
  if (e != ESP_OK) {
    delete user;
    return e;
  }
  *user_handle_ret = user;
  return ESP_OK;
}

esp_err_t esp_task_wdt_reset(void) { return services().task_wdt().reset(xTaskGetCurrentTaskHandle(), nullptr); }

esp_err_t esp_task_wdt_reset_user(esp_task_wdt_user_handle_t user) {
  if (!user) return ESP_ERR_INVALID_ARG;
  return services().task_wdt().reset(nullptr, user);
}

esp_err_t esp_task_wdt_delete(TaskHandle_t task) { return services().task_wdt().remove(task_or_self(task), nullptr); }

esp_err_t esp_task_wdt_delete_user(esp_task_wdt_user_handle_t user) {
  if (!user) return ESP_ERR_INVALID_ARG;
  const esp_err_t e = services().task_wdt().remove(nullptr, user);
  if (e == ESP_OK) delete user;
  return e;
}

esp_err_t esp_task_wdt_status(TaskHandle_t task) { return services().task_wdt().status(task_or_self(task)); }

}  // extern "C"
