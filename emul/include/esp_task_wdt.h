/* ESP-IDF's Task Watchdog Timer (esp_task_wdt.h) on an emulated chip, on
 * its clock. As with ESP-IDF's default configuration the chip boots with it
 * initialized (CONFIG_ESP_TASK_WDT_INIT: 5 s, CONFIG_ESP_TASK_WDT_TIMEOUT_S;
 * no panic unless CONFIG_ESP_TASK_WDT_PANIC), so esp_task_wdt_init gives
 * ESP_ERR_INVALID_STATE and esp_task_wdt_reconfigure changes it. Once every
 * subscribed task and user has reset it, its timeout starts again; when it
 * runs out first, the chip logs the ones that did not
 *   E (5012) task_wdt: Task watchdog got triggered. The following tasks/users did not reset the watchdog in time:
 *   E (5012) task_wdt:  - sensor (CPU 0)
 * calls esp_task_wdt_isr_user_handler if the firmware defines it, and with
 * trigger_panic aborts as a chip's panic does; without, it warns again each
 * timeout. The emulation has no idle tasks: idle_core_mask watches nothing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "espnow_emul_sdkconfig.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint32_t timeout_ms;
  uint32_t idle_core_mask;
  bool trigger_panic;
} esp_task_wdt_config_t;

typedef struct esp_task_wdt_user_handle_s* esp_task_wdt_user_handle_t;

/* ESP_ERR_INVALID_STATE when initialized (as at boot); ESP_ERR_INVALID_ARG
 * for null or a timeout of 0. */
esp_err_t esp_task_wdt_init(const esp_task_wdt_config_t* config);
/* ESP_ERR_INVALID_STATE when not initialized; ESP_ERR_INVALID_ARG as init. */
esp_err_t esp_task_wdt_reconfigure(const esp_task_wdt_config_t* config);
/* ESP_ERR_INVALID_STATE when not initialized or while tasks or users are subscribed. */
esp_err_t esp_task_wdt_deinit(void);
/* NULL: the calling task. ESP_ERR_INVALID_STATE when not initialized,
 * ESP_ERR_INVALID_ARG when subscribed already. */
esp_err_t esp_task_wdt_add(TaskHandle_t task_handle);
esp_err_t esp_task_wdt_add_user(const char* user_name, esp_task_wdt_user_handle_t* user_handle_ret);
/* On behalf of the calling task: ESP_ERR_NOT_FOUND when it is not subscribed. */
esp_err_t esp_task_wdt_reset(void);
esp_err_t esp_task_wdt_reset_user(esp_task_wdt_user_handle_t user_handle);
/* ESP_ERR_INVALID_ARG when not subscribed. */
esp_err_t esp_task_wdt_delete(TaskHandle_t task_handle);
esp_err_t esp_task_wdt_delete_user(esp_task_wdt_user_handle_t user_handle);
/* ESP_OK subscribed, ESP_ERR_NOT_FOUND not, ESP_ERR_INVALID_STATE not initialized. */
esp_err_t esp_task_wdt_status(TaskHandle_t task_handle);
/* The firmware may define it: called at each timeout, before a panic. */
void __attribute__((weak)) esp_task_wdt_isr_user_handler(void);

/* The emulation's: how the chip's watchdog boots (the program's sdkconfig.h). */
void esp_emul_task_wdt_boot_config(bool init, uint32_t timeout_s, bool panic);

/* ESP-IDF's default is on. A project that turned it off has it absent from
 * sdkconfig.h: espnow_add_firmware's says so (ESPNOW_SDKCONFIG_OFF_...), and
 * an idf.py-generated one is complete (it names the target, and is not
 * espnow_add_firmware's), so there an absent option is off. */
#if defined(CONFIG_ESP_TASK_WDT_INIT)
#define ESPNOW_EMUL_TASK_WDT_INIT_ (CONFIG_ESP_TASK_WDT_INIT != 0)
#elif defined(ESPNOW_SDKCONFIG_OFF_ESP_TASK_WDT_INIT) || \
    (defined(CONFIG_IDF_TARGET) && !defined(ESPNOW_SDKCONFIG_GENERATED))
#define ESPNOW_EMUL_TASK_WDT_INIT_ false
#else
#define CONFIG_ESP_TASK_WDT_INIT 1
#define ESPNOW_EMUL_TASK_WDT_INIT_ true
#endif
#ifndef CONFIG_ESP_TASK_WDT_TIMEOUT_S
#define CONFIG_ESP_TASK_WDT_TIMEOUT_S 5
#endif
#ifdef CONFIG_ESP_TASK_WDT_PANIC
#define ESPNOW_EMUL_TASK_WDT_PANIC_ true
#else
#define ESPNOW_EMUL_TASK_WDT_PANIC_ false
#endif

/* Hands the program's configuration over before app_main, as the tick rate is. */
__attribute__((constructor)) static void espnow_emul_task_wdt_boot_config_(void) {
  esp_emul_task_wdt_boot_config(ESPNOW_EMUL_TASK_WDT_INIT_, CONFIG_ESP_TASK_WDT_TIMEOUT_S, ESPNOW_EMUL_TASK_WDT_PANIC_);
}

#ifdef __cplusplus
}
#endif
