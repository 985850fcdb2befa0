// esp_sleep on the selected chip: the timer wake-up, light sleep (the radio
// off and the Wi-Fi and esp_timer tasks held, for the timer's time on the
// chip's clock) and deep sleep (the chip off, then booted again). Errors and
// limits are ESP-IDF's (sleep_modes.c) for an ESP32.
#include "esp_sleep.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "chip_state.hpp"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_timer_task.hpp"
#include "reboot.hpp"

using espnow::emul::detail::ChipState;
using espnow::emul::detail::SleepConfig;

namespace {

// The RTC timer's reach: (2^48 - 1) ticks of the 150 kHz slow clock, in
// whole seconds (as ESP-IDF computes it), in microseconds.
constexpr std::uint64_t kMaxTimerUs = ((1ull << 48) - 1) / 150000 * 1000000;
// A light sleep this short is refused: the wake-up overhead (60 us of
// hardware, 476 us of software) plus the minimum sleep, 2 slow-clock cycles.
constexpr std::uint64_t kLightSleepOverheadUs = 60 + 476;
constexpr std::uint64_t kMinSleepUs = 14;

using Clock = std::chrono::steady_clock;

ChipState& chip() { return espnow::emul::selected_chip().state(); }
SleepConfig& config() { return chip().services.sleep; }

// The timer's time, or nullopt with no wake-up source.
std::optional<std::uint64_t> timer_wakeup(SleepConfig& c) {
  std::lock_guard lk(c.mutex);
  if (!c.timer_enabled) return std::nullopt;
  return c.timer_us;
}

// What a sleeping chip does not do: hear, run Wi-Fi callbacks, fire
// esp_timers. Undone when the chip wakes.
class Asleep {
 public:
  explicit Asleep(ChipState& c) : chip_(c), timers_(c.services.esp_timer_if_made()) {
    {
      std::lock_guard lk(chip_.wifi_mutex);
      chip_.sleep_radio_locked();
    }
    chip_.task.hold();
    if (timers_) timers_->hold();
  }
  ~Asleep() {
    if (timers_) timers_->release();
    chip_.task.release();
    std::lock_guard lk(chip_.wifi_mutex);
    chip_.wake_radio_locked();
  }
  Asleep(const Asleep&) = delete;
  Asleep& operator=(const Asleep&) = delete;

 private:
  ChipState& chip_;
  std::shared_ptr<espnow::emul::detail::EspTimerTask> timers_;
};

// No wake-up source: asleep until the power is cut (on a Simulation's
// clock, until the simulation ends).
[[noreturn]] void sleep_forever(espnow::Clock& clock) {
  std::mutex mutex;
  std::condition_variable never_notified;
  std::unique_lock lk(mutex);
  for (;;) clock.wait(lk, never_notified, std::nullopt);
}

// The calling task's sleep, on its chip's clock.
void sleep_for(espnow::Clock& clock, std::chrono::microseconds us) {
  const auto until = clock.now() + us;
  while (clock.now() < until) clock.sleep_until(until);
}

void run_deep_sleep_hooks(SleepConfig& c) {
  decltype(c.deep_sleep_hooks) hooks;
  {
    std::lock_guard lk(c.mutex);
    hooks = c.deep_sleep_hooks;
  }
  for (const esp_deep_sleep_cb_t hook : hooks)
    if (hook) hook();
}

// The default chip is off until the deadline: the program executed again
// waits it out before main() (wait_out_deep_sleep below).
[[noreturn]] void reboot_default_chip_after(ChipState& c, std::optional<std::uint64_t> sleep_us) {
  std::string wake_at = "never";
  if (sleep_us) {
    const auto at = Clock::now() + std::chrono::microseconds(*sleep_us);
    wake_at = std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
    setenv("ESPNOW_EMUL_WAKEUP_CAUSE", std::to_string(ESP_SLEEP_WAKEUP_TIMER).c_str(), 1);
  }
  setenv("ESPNOW_EMUL_WAKE_AT", wake_at.c_str(), 1);
  espnow::emul::detail::reexecute_default_chip(c, ESP_RST_DEEPSLEEP);
}

[[noreturn]] void deep_sleep(std::optional<std::uint64_t> sleep_us) {
  ChipState& c = chip();
  run_deep_sleep_hooks(c.services.sleep);
  {
    std::lock_guard lk(c.wifi_mutex);
    c.sleep_radio_locked();  // for good: the chip that wakes is a new one
  }
  if (c.process_default) reboot_default_chip_after(c, sleep_us);
  if (!c.on_deep_sleep) {
    std::fprintf(stderr, "esp_deep_sleep_start: this chip was made by the program without ChipOptions::on_deep_sleep; stopping\n");
    std::fflush(nullptr);
    std::abort();
  }
  c.on_deep_sleep(sleep_us);
  pthread_exit(nullptr);  // the sleeping chip runs nothing more
}

// SIGTERM, SIGINT and SIGHUP cut the power, as for a chip that is awake:
// taken here when the start-up blocked them (the mask survives exec).
bool power_signals_blocked(sigset_t& power) {
  sigemptyset(&power);
  sigaddset(&power, SIGTERM);
  sigaddset(&power, SIGINT);
  sigaddset(&power, SIGHUP);
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, SIGTERM) && sigismember(&mask, SIGINT) && sigismember(&mask, SIGHUP);
}

void sleep_until(std::optional<Clock::time_point> wake_at) {
  sigset_t power;
  const bool blocked = power_signals_blocked(power);
  for (;;) {
    const auto now = Clock::now();
    if (wake_at && now >= *wake_at) return;
    const auto left = wake_at ? *wake_at - now : std::chrono::hours(24);
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec ts{static_cast<time_t>(s.count()), static_cast<long>((left - s) / std::chrono::nanoseconds(1))};
    if (!blocked) nanosleep(&ts, nullptr);
    else if (sigtimedwait(&power, nullptr, &ts) > 0) _exit(0);  // the power was cut while asleep
  }
}

// The program executed again after a deep sleep: the chip is off until
// ESPNOW_EMUL_WAKE_AT (steady-clock nanoseconds, or "never"), then boots.
__attribute__((constructor(101))) void wait_out_deep_sleep() {
  const char* text = std::getenv("ESPNOW_EMUL_WAKE_AT");
  if (!text) return;
  std::optional<Clock::time_point> wake_at;
  if (std::string(text) != "never") wake_at = Clock::time_point(std::chrono::nanoseconds(std::atoll(text)));
  unsetenv("ESPNOW_EMUL_WAKE_AT");
  sleep_until(wake_at);
}

// The GPIO wake-up calls firmware makes (a wake button) are accepted, so it
// builds and runs its timer path; what they would do is said once.
esp_err_t wake_up_not_emulated(const char* call) {
  static std::mutex said_mutex;
  static std::set<std::string> said;
  {
    std::lock_guard lk(said_mutex);
    if (!said.insert(call).second) return ESP_OK;
  }
  ESP_LOGW("sleep", "%s: accepted, not emulated: only the timer wakes this chip", call);
  return ESP_OK;
}

}  // namespace

extern "C" {

esp_err_t esp_sleep_enable_ext0_wakeup(gpio_num_t gpio_num, int level) {
  if (!GPIO_IS_VALID_GPIO(gpio_num) || (level != 0 && level != 1)) return ESP_ERR_INVALID_ARG;
  return wake_up_not_emulated("esp_sleep_enable_ext0_wakeup");
}

esp_err_t esp_sleep_enable_ext1_wakeup(uint64_t io_mask, esp_sleep_ext1_wakeup_mode_t level_mode) {
  (void)level_mode;
  if (io_mask == 0) return ESP_ERR_INVALID_ARG;
  return wake_up_not_emulated("esp_sleep_enable_ext1_wakeup");
}

esp_err_t esp_sleep_enable_gpio_wakeup(void) { return wake_up_not_emulated("esp_sleep_enable_gpio_wakeup"); }

esp_err_t gpio_wakeup_enable(gpio_num_t gpio_num, gpio_int_type_t intr_type) {
  if (!GPIO_IS_VALID_GPIO(gpio_num) || (intr_type != GPIO_INTR_LOW_LEVEL && intr_type != GPIO_INTR_HIGH_LEVEL))
    return ESP_ERR_INVALID_ARG;  // ESP-IDF's: only a level wakes from light sleep
  return wake_up_not_emulated("gpio_wakeup_enable");
}

esp_err_t gpio_wakeup_disable(gpio_num_t gpio_num) { return GPIO_IS_VALID_GPIO(gpio_num) ? ESP_OK : ESP_ERR_INVALID_ARG; }


esp_err_t esp_sleep_enable_timer_wakeup(uint64_t time_in_us) {
  if (time_in_us > kMaxTimerUs) return ESP_ERR_INVALID_ARG;
  SleepConfig& c = config();
  std::lock_guard lk(c.mutex);
  c.timer_enabled = true;
  c.timer_us = time_in_us;
  return ESP_OK;
}

esp_err_t esp_sleep_disable_wakeup_source(esp_sleep_source_t source) {
  SleepConfig& c = config();
  std::lock_guard lk(c.mutex);
  if (source != ESP_SLEEP_WAKEUP_ALL && !(source == ESP_SLEEP_WAKEUP_TIMER && c.timer_enabled))
    return ESP_ERR_INVALID_STATE;
  c.timer_enabled = false;
  c.timer_us = 0;
  return ESP_OK;
}

esp_err_t esp_sleep_pd_config(esp_sleep_pd_domain_t domain, esp_sleep_pd_option_t option) {
  const auto d = static_cast<int>(domain), o = static_cast<int>(option);
  if (d < 0 || d >= ESP_PD_DOMAIN_MAX || o < 0 || o > ESP_PD_OPTION_AUTO) return ESP_ERR_INVALID_ARG;
  SleepConfig& c = config();
  std::lock_guard lk(c.mutex);
  c.pd_options[static_cast<std::size_t>(d)] = option;
  return ESP_OK;
}

esp_err_t esp_light_sleep_start(void) {
  ChipState& chip_state = chip();
  SleepConfig& c = chip_state.services.sleep;
  const std::optional<std::uint64_t> sleep_us = timer_wakeup(c);
  {
    std::lock_guard lk(c.mutex);
    c.light_sleep_woke = false;
  }
  if (sleep_us && *sleep_us <= kLightSleepOverheadUs + kMinSleepUs) return ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION;
  {
    Asleep asleep(chip_state);
    if (!sleep_us) sleep_forever(chip_state.clock);
    sleep_for(chip_state.clock, std::chrono::microseconds(*sleep_us));
  }
  std::lock_guard lk(c.mutex);
  c.light_sleep_woke = true;
  return ESP_OK;
}

void esp_deep_sleep_start(void) { deep_sleep(timer_wakeup(config())); }

void esp_deep_sleep(uint64_t time_in_us) {
  (void)esp_sleep_enable_timer_wakeup(time_in_us);
  esp_deep_sleep_start();
}

esp_err_t esp_deep_sleep_try_to_start(void) { esp_deep_sleep_start(); }

esp_err_t esp_deep_sleep_try(uint64_t time_in_us) { esp_deep_sleep(time_in_us); }

esp_err_t esp_deep_sleep_register_hook(esp_deep_sleep_cb_t new_dslp_cb) {
  SleepConfig& c = config();
  std::lock_guard lk(c.mutex);
  for (esp_deep_sleep_cb_t& slot : c.deep_sleep_hooks)
    if (!slot || slot == new_dslp_cb) {
      slot = new_dslp_cb;
      return ESP_OK;
    }
  return ESP_ERR_NO_MEM;
}

void esp_deep_sleep_deregister_hook(esp_deep_sleep_cb_t old_dslp_cb) {
  SleepConfig& c = config();
  std::lock_guard lk(c.mutex);
  for (esp_deep_sleep_cb_t& slot : c.deep_sleep_hooks)
    if (slot == old_dslp_cb) slot = nullptr;
}

esp_sleep_wakeup_cause_t esp_sleep_get_wakeup_cause(void) {
  SleepConfig& c = config();
  std::lock_guard lk(c.mutex);
  if (c.light_sleep_woke) return ESP_SLEEP_WAKEUP_TIMER;
  return static_cast<esp_sleep_wakeup_cause_t>(c.boot_cause);
}

}  // extern "C"
