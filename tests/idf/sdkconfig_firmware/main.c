/* Firmware configured as an ESP-IDF project is: its own options in
 * Kconfig.projbuild, its defaults in sdkconfig.defaults, read through
 * sdkconfig.h (which espnow_add_firmware generates from them). */
#include <inttypes.h>
#include <stdio.h>

#include "esp_err.h"
#include "esp_task_wdt.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "sdkconfig.h"

void app_main(void) {
  printf("This is %s chip\n", CONFIG_IDF_TARGET); /* as ESP-IDF's hello_world says it */
#if defined(CONFIG_REMOTE_ROLE_SENSOR) && !defined(CONFIG_REMOTE_ROLE_GATEWAY)
  printf("role sensor, period %d ms\n", CONFIG_REMOTE_SENSOR_PERIOD_MS);
#else
  printf("role gateway\n");
#endif
  printf("channel %d, pmk %s, sends %d, magic 0x%x\n", CONFIG_REMOTE_CHANNEL, CONFIG_REMOTE_PMK,
         CONFIG_REMOTE_SEND_COUNT, CONFIG_REMOTE_MAGIC);
#ifdef CONFIG_REMOTE_LONG_RANGE
  printf("long range at %d kbit/s\n", CONFIG_REMOTE_LR_KBPS);
#elif defined(CONFIG_REMOTE_LR_KBPS)
  printf("long range off, yet a rate: its dependency was not honoured\n");
#else
  printf("long range off\n");
#endif
#ifdef CONFIG_REMOTE_VERBOSE
  printf("verbose\n");
#endif
#if CONFIG_REMOTE_ACK && !defined(CONFIG_REMOTE_POWER_SAVE)
  printf("ack on, power save off\n");
#endif
  printf("log level %d, at most %d\n", CONFIG_LOG_DEFAULT_LEVEL, CONFIG_LOG_MAXIMUM_LEVEL);
  /* Not started at boot (turned off in sdkconfig): the firmware's own starts. */
  const esp_task_wdt_config_t wdt = {.timeout_ms = 3000, .idle_core_mask = 0, .trigger_panic = false};
  printf("own watchdog: %s\n", esp_err_to_name(esp_task_wdt_init(&wdt)));
  const TickType_t t0 = xTaskGetTickCount();
  vTaskDelay(pdMS_TO_TICKS(1000));
  printf("tick rate %d Hz: a second is %" PRIu32 " ticks\n", CONFIG_FREERTOS_HZ, (uint32_t)(xTaskGetTickCount() - t0));
}
