/* ESP-IDF's esp_system.h on the host (ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/misc_system_api.html),
 * acting on the selected chip.
 * - esp_restart: the shutdown handlers run (last registered first), then the
 *   chip restarts. The process's default chip restarts by re-executing the
 *   program with the same arguments, MAC (ESPNOW_MAC) and environment, so its
 *   NVS persisted in ESPNOW_NVS_DIR is there again, and esp_reset_reason()
 *   then says ESP_RST_SW. A chip made by a program restarts through its
 *   ChipOptions::on_restart (espnow_emul.hpp).
 * - The heap figures are fixed, plausible for an ESP32 with Wi-Fi started:
 *   the host's heap says nothing about a chip's. */
#pragma once

#include <stdint.h>

#include "esp_attr.h"
#include "esp_err.h"
#include "esp_idf_version.h"
#include "espnow_emul_sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ESP_RST_UNKNOWN,
  ESP_RST_POWERON,
  ESP_RST_EXT,
  ESP_RST_SW,
  ESP_RST_PANIC,
  ESP_RST_INT_WDT,
  ESP_RST_TASK_WDT,
  ESP_RST_WDT,
  ESP_RST_DEEPSLEEP,
  ESP_RST_BROWNOUT,
  ESP_RST_SDIO,
  ESP_RST_USB,
  ESP_RST_JTAG,
  ESP_RST_EFUSE,
  ESP_RST_PWR_GLITCH,
  ESP_RST_CPU_LOCKUP,
} esp_reset_reason_t;

typedef void (*shutdown_handler_t)(void);

/* ESP_ERR_INVALID_STATE: already registered; ESP_ERR_NO_MEM: 5 are registered
 * (ESP-IDF's slots); ESP_ERR_INVALID_ARG: null. */
esp_err_t esp_register_shutdown_handler(shutdown_handler_t handle);
/* ESP_ERR_INVALID_STATE: not registered. */
esp_err_t esp_unregister_shutdown_handler(shutdown_handler_t handle);

void esp_restart(void) __attribute__((noreturn));
esp_reset_reason_t esp_reset_reason(void);

/* 240 KiB free, never below 200 KiB: fixed values (see above). */
uint32_t esp_get_free_heap_size(void);
uint32_t esp_get_free_internal_heap_size(void);
uint32_t esp_get_minimum_free_heap_size(void);

/* Prints the details and aborts, as a chip panics. */
void esp_system_abort(const char* details) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif
