// What an emulated chip has besides Wi-Fi and ESP-NOW: its boot time (the
// clock of esp_timer_get_time) and reset reason, its NVS partition, its
// default event loop, its esp_timer task, its FreeRTOS timer service task,
// its shutdown handlers and its sleep settings. The partition, loop and
// tasks are made on first use, so a chip that never calls nvs_*,
// esp_event_*, esp_timer_* or xTimer* costs nothing for them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "espnow/common/clock.hpp"
#include "sleep_config.hpp"

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

class NvsPartition;
class EventLoop;
class EspTimerTask;
class TimerService;
class TaskWdt;

struct ChipServices {
  ChipServices(EmulatedChip& chip, Clock& clock, std::string nvs_dir, int reset_reason, int wakeup_cause);
  ~ChipServices();
  ChipServices(const ChipServices&) = delete;
  ChipServices& operator=(const ChipServices&) = delete;

  // Made on first use; never null.
  NvsPartition& nvs();
  // What an NVS kept in memory only holds, as NvsPartition::text(); "" when
  // it has a file or was never used.
  std::string nvs_memory_text();
  // Made on first use; its timers keep it (stopped) after the chip is gone.
  std::shared_ptr<EspTimerTask> esp_timer();
  // The esp_timer task if the chip has one yet, else null.
  std::shared_ptr<EspTimerTask> esp_timer_if_made();
  // FreeRTOS's timer service task ("Tmr Svc"). Made on first use; its timers
  // keep it (stopped) after the chip is gone.
  std::shared_ptr<TimerService> rtos_timers();
  // The Task Watchdog Timer (esp_task_wdt.h). Made on first use, as the boot configured it.
  TaskWdt& task_wdt();

  EmulatedChip& chip;
  Clock& clock;                          // the chip's
  const std::chrono::nanoseconds boot;  // on `clock`: esp_timer's time 0
  const std::string nvs_dir;  // empty: the NVS lives in memory only
  const int reset_reason;      // esp_reset_reason_t

  std::mutex mutex;  // the fields below, and the creation of nvs_
  std::unique_ptr<EventLoop> default_loop;
  bool netif_init = false;
  bool netif_sta = false;
  bool netif_ap = false;
  std::vector<void (*)(void)> shutdown_handlers;  // esp_register_shutdown_handler's, in order

  // The time of day the chip's RTC keeps (gettimeofday, settimeofday, time:
  // time_of_day.cpp): on the steady clock the host's, on any other 0 at
  // power-on, as a chip's before anything sets it. What settimeofday set
  // is an offset from the clock, which a reboot in a simulation carries.
  std::chrono::nanoseconds time_of_day() const;
  void set_time_of_day(std::chrono::nanoseconds since_epoch);
  std::atomic<std::int64_t> time_of_day_offset_ns;

  SleepConfig sleep;  // its own lock
  // A firmware module's esp_task_wdt_isr_user_handler (module_symbol), set
  // as the chip boots; null: the program's own, if it has one.
  void (*task_wdt_user_handler)(void) = nullptr;

 private:
  std::unique_ptr<NvsPartition> nvs_;
  std::shared_ptr<EspTimerTask> esp_timer_;
  std::shared_ptr<TimerService> rtos_timers_;
  std::unique_ptr<TaskWdt> task_wdt_;  // after esp_timer_: its timer goes first
};

// The selected chip's services (the process default chip's without a selection).
ChipServices& services();

// ChipServices::time_of_day_offset_ns at power-on: the host's time on the
// steady clock, 0 at `boot` on any other (time_of_day.cpp).
std::int64_t time_of_day_offset_at_power_on(Clock& clock, std::chrono::nanoseconds boot);
// The host's time of day (CLOCK_REALTIME), since the epoch.
std::chrono::nanoseconds host_time_of_day();

}  // namespace espnow::emul::detail
