// A chip's Task Watchdog Timer (esp_task_wdt.h): who is subscribed and who
// has reset it since it was last fed, and an esp_timer on the chip's clock
// that runs out `timeout` after the last feed. Fed when every subscriber has
// reset; at the timeout it names the others, and panics or warns on.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "esp_task_wdt.h"
#include "esp_timer.h"

namespace espnow::emul::detail {

class TaskWdt {
 public:
  // As the chip boots: initialized or not, per the program's sdkconfig.h.
  TaskWdt();
  ~TaskWdt();
  TaskWdt(const TaskWdt&) = delete;
  TaskWdt& operator=(const TaskWdt&) = delete;

  esp_err_t init(const esp_task_wdt_config_t& config, bool reconfigure);
  esp_err_t deinit();
  // A task (user == nullptr) or a user (task == nullptr) subscribes, resets, leaves.
  esp_err_t add(TaskHandle_t task, esp_task_wdt_user_handle_t user);
  esp_err_t reset(TaskHandle_t task, esp_task_wdt_user_handle_t user);
  esp_err_t remove(TaskHandle_t task, esp_task_wdt_user_handle_t user);
  esp_err_t status(TaskHandle_t task);

 private:
  struct Entry {
    TaskHandle_t task;
    esp_task_wdt_user_handle_t user;
    bool has_reset;
  };
  std::vector<Entry>::iterator find_locked(TaskHandle_t task, esp_task_wdt_user_handle_t user);
  void feed_if_all_reset_locked();
  void arm_locked();
  static void on_timeout(void* self);
  void timed_out();

  std::mutex mutex_;
  bool initialized_;
  esp_task_wdt_config_t config_;
  std::vector<Entry> entries_;
  esp_timer_handle_t timer_ = nullptr;  // made with the first subscriber
};

}  // namespace espnow::emul::detail
