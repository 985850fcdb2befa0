// ChipServices: made with the chip; its NVS file is named after the chip's
// STA MAC, so a chip made again with the same MAC and directory boots with
// the NVS it had.
#include "chip_services.hpp"

#include "chip_state.hpp"
#include "esp_timer_task.hpp"
#include "event_loop.hpp"
#include "freertos_timer_service.hpp"
#include "nvs_partition.hpp"
#include "task_wdt.hpp"

namespace espnow::emul::detail {

ChipServices::ChipServices(EmulatedChip& c, Clock& k, std::string dir, int reason, int wakeup_cause)
    : chip(c), clock(k), boot(k.now()), nvs_dir(std::move(dir)), reset_reason(reason),
      time_of_day_offset_ns(time_of_day_offset_at_power_on(k, boot)), sleep(wakeup_cause) {}

ChipServices::~ChipServices() {
  // No callback once the chip is gone.
  if (rtos_timers_) rtos_timers_->shut_down();
  if (esp_timer_) esp_timer_->shut_down();
}

std::shared_ptr<TimerService> ChipServices::rtos_timers() {
  std::lock_guard lk(mutex);
  if (!rtos_timers_) rtos_timers_ = std::make_shared<TimerService>(&chip, clock);
  return rtos_timers_;
}

std::shared_ptr<EspTimerTask> ChipServices::esp_timer() {
  std::lock_guard lk(mutex);
  if (!esp_timer_) esp_timer_ = std::make_shared<EspTimerTask>(&chip, clock, boot);
  return esp_timer_;
}

TaskWdt& ChipServices::task_wdt() {
  std::lock_guard lk(mutex);
  if (!task_wdt_) task_wdt_ = std::make_unique<TaskWdt>();
  return *task_wdt_;
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

std::string ChipServices::nvs_memory_text() {
  std::lock_guard lk(mutex);
  return nvs_ && nvs_->path().empty() ? nvs_->text() : std::string();
}

ChipServices& services() { return selected_chip().state().services; }

}  // namespace espnow::emul::detail
