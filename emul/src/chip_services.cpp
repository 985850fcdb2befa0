// ChipServices: made with the chip; its NVS file is named after the chip's
// STA MAC, so a chip made again with the same MAC and directory boots with
// the NVS it had.
#include "chip_services.hpp"

#include "chip_state.hpp"
#include "esp_timer_task.hpp"
#include "event_loop.hpp"
#include "nvs_partition.hpp"

namespace espnow::emul::detail {

ChipServices::ChipServices(EmulatedChip& c, std::string dir, int reason, int wakeup_cause)
    : chip(c), nvs_dir(std::move(dir)), reset_reason(reason), sleep(wakeup_cause) {}

ChipServices::~ChipServices() {
  if (esp_timer_) esp_timer_->shut_down();  // no callback once the chip is gone
}

std::shared_ptr<EspTimerTask> ChipServices::esp_timer() {
  std::lock_guard lk(mutex);
  if (!esp_timer_) esp_timer_ = std::make_shared<EspTimerTask>(&chip, boot);
  return esp_timer_;
}

std::shared_ptr<EspTimerTask> ChipServices::esp_timer_if_made() {
  std::lock_guard lk(mutex);
  return esp_timer_;
}

NvsPartition& ChipServices::nvs() {
  std::lock_guard lk(mutex);
  if (!nvs_) {
    std::string path;
    if (!nvs_dir.empty()) {
      std::string mac = to_string(chip.radio().mac(Interface::sta));
      std::erase(mac, ':');
      path = nvs_dir + "/" + mac + ".nvs";
    }
    nvs_ = std::make_unique<NvsPartition>(path);
  }
  return *nvs_;
}

ChipServices& services() { return selected_chip().state().services; }

}  // namespace espnow::emul::detail
