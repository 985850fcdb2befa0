// A chip's esp_sleep settings (esp_sleep.cpp): its timer wake-up, power
// domain options and deep-sleep hooks, and what woke it last.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>

#include "esp_sleep.h"

namespace espnow::emul::detail {

struct SleepConfig {
  explicit SleepConfig(int boot_wakeup_cause) : boot_cause(boot_wakeup_cause) {}

  std::mutex mutex;  // the fields below
  bool timer_enabled = false;
  std::uint64_t timer_us = 0;
  std::array<esp_sleep_pd_option_t, ESP_PD_DOMAIN_MAX> pd_options = [] {
    std::array<esp_sleep_pd_option_t, ESP_PD_DOMAIN_MAX> all{};
    all.fill(ESP_PD_OPTION_AUTO);  // ESP-IDF's default for every domain
    return all;
  }();
  std::array<esp_deep_sleep_cb_t, 3> deep_sleep_hooks{};  // ESP-IDF's MAX_DSLP_HOOKS
  bool light_sleep_woke = false;  // the last light sleep returned ESP_OK

  const int boot_cause;  // ChipOptions::wakeup_cause: why the chip booted
};

}  // namespace espnow::emul::detail
