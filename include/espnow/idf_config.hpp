// The component's Kconfig options (menuconfig > "ESP-NOW for C++") as a
// config() update, so firmware starts from the values chosen there:
//
//   e.config(espnow::kconfig_defaults());
//
// Outside ESP-IDF (no sdkconfig.h) it carries the seeds' defaults.
#pragma once

#if defined(ESP_PLATFORM) && __has_include("sdkconfig.h")
#include "sdkconfig.h"
#endif

#include "espnow/espnow.hpp"

namespace espnow {

inline ConfigUpdate kconfig_defaults() {
  ConfigUpdate u;
#ifdef CONFIG_ESPNOW_RXBUF
  u.rxbuf = CONFIG_ESPNOW_RXBUF;
#else
  u.rxbuf = 526;
#endif
#ifdef CONFIG_ESPNOW_TIMEOUT_MS
  u.timeout_ms = CONFIG_ESPNOW_TIMEOUT_MS;
#else
  u.timeout_ms = 300000;
#endif
#ifdef CONFIG_ESPNOW_PROTOCOL_VERSION
  u.version = CONFIG_ESPNOW_PROTOCOL_VERSION;
#else
  u.version = 1;
#endif
  return u;
}

}  // namespace espnow
