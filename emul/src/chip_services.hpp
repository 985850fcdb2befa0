// What an emulated chip has besides Wi-Fi and ESP-NOW: its boot time (the
// clock of esp_timer_get_time) and reset reason, its NVS partition, its
// default event loop, its esp_timer task, its shutdown handlers and its
// sleep settings. The
// partition, loop and task are made on first use, so a chip that never
// calls nvs_*, esp_event_* or esp_timer_* costs nothing for them.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sleep_config.hpp"

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

class NvsPartition;
class EventLoop;
class EspTimerTask;

struct ChipServices {
  ChipServices(EmulatedChip& chip, std::string nvs_dir, int reset_reason, int wakeup_cause);
  ~ChipServices();
  ChipServices(const ChipServices&) = delete;
  ChipServices& operator=(const ChipServices&) = delete;

  // Made on first use; never null.
  NvsPartition& nvs();
  // Made on first use; its timers keep it (stopped) after the chip is gone.
  std::shared_ptr<EspTimerTask> esp_timer();
  // The esp_timer task if the chip has one yet, else null.
  std::shared_ptr<EspTimerTask> esp_timer_if_made();

  EmulatedChip& chip;
  const std::chrono::steady_clock::time_point boot = std::chrono::steady_clock::now();
  const std::string nvs_dir;  // empty: the NVS lives in memory only
  const int reset_reason;      // esp_reset_reason_t

  std::mutex mutex;  // the fields below, and the creation of nvs_
  std::unique_ptr<EventLoop> default_loop;
  bool netif_init = false;
  bool netif_sta = false;
  bool netif_ap = false;
  std::vector<void (*)(void)> shutdown_handlers;  // esp_register_shutdown_handler's, in order

  SleepConfig sleep;  // its own lock

 private:
  std::unique_ptr<NvsPartition> nvs_;
  std::shared_ptr<EspTimerTask> esp_timer_;
};

// The selected chip's services (the process default chip's without a selection).
ChipServices& services();

}  // namespace espnow::emul::detail
