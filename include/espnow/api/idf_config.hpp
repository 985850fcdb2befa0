// The component's Kconfig options (menuconfig > "ESP-NOW for C++") as a
// config() update, so firmware starts from the values chosen there:
//
//   e.config(espnow::kconfig_defaults());
//
// Outside ESP-IDF (no sdkconfig.h) it carries the seeds' defaults: rxbuf and
// the version left to the device, timeout_ms 300000.
#pragma once

#if defined(ESP_PLATFORM) && __has_include("sdkconfig.h")
#include "sdkconfig.h"
#endif

#include "espnow/api/espnow.hpp"

namespace espnow {

// Only what Kconfig sets explicitly: rxbuf 0 (the default) follows the
// version, so a v2 device gets room for two 1470-byte messages; version 0 (the
// default) leaves the version the driver speaks (esp_now_get_version), which a
// device build cannot change.
inline ConfigUpdate kconfig_defaults() {
  ConfigUpdate u;
#if defined(CONFIG_ESPNOW_RXBUF) && CONFIG_ESPNOW_RXBUF > 0
  u.rxbuf = CONFIG_ESPNOW_RXBUF;
#endif
#ifdef CONFIG_ESPNOW_TIMEOUT_MS
  u.timeout_ms = CONFIG_ESPNOW_TIMEOUT_MS;
#else
  u.timeout_ms = 300000;
#endif
#if defined(CONFIG_ESPNOW_PROTOCOL_VERSION) && CONFIG_ESPNOW_PROTOCOL_VERSION > 0
  u.version = CONFIG_ESPNOW_PROTOCOL_VERSION;
#endif
  return u;
}

}  // namespace espnow
