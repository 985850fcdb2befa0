// What an emulated chip has besides Wi-Fi and ESP-NOW: its boot time (the
// clock of esp_timer_get_time), its NVS partition and its default event
// loop. Each is made on first use, so a chip that never calls nvs_* or
// esp_event_* costs nothing for them.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

class NvsPartition;
class EventLoop;

struct ChipServices {
  ChipServices(EmulatedChip& chip, std::string nvs_dir);
  ~ChipServices();
  ChipServices(const ChipServices&) = delete;
  ChipServices& operator=(const ChipServices&) = delete;

  // Made on first use; never null.
  NvsPartition& nvs();

  EmulatedChip& chip;
  const std::chrono::steady_clock::time_point boot = std::chrono::steady_clock::now();
  const std::string nvs_dir;  // empty: the NVS lives in memory only

  std::mutex mutex;  // the fields below, and the creation of nvs_
  std::unique_ptr<EventLoop> default_loop;
  bool netif_init = false;
  bool netif_sta = false;
  bool netif_ap = false;

 private:
  std::unique_ptr<NvsPartition> nvs_;
};

// The selected chip's services (the process default chip's without a selection).
ChipServices& services();

}  // namespace espnow::emul::detail
