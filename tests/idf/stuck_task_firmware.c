/* A firmware whose main task stops resetting the Task Watchdog and which
 * defines the watchdog's user handler, as ESP-IDF lets firmware do: run as
 * chips of --sim, each chip's watchdog calls its own copy's handler. */
#include <stdio.h>

#include "esp_task_wdt.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

static int s_calls; /* each chip's copy counts its own */

void esp_task_wdt_isr_user_handler(void) { printf("watchdog user handler, call %d\n", ++s_calls); }

void app_main(void) {
  if (esp_task_wdt_add(NULL) != ESP_OK) printf("could not subscribe\n");
  vTaskDelay(pdMS_TO_TICKS(7000)); /* past the 5 s timeout, without a reset */
  printf("main task woke\n");
}
