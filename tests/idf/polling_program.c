/* Firmware that waits by polling, as code ported from bare loops does: it
 * never blocks, so on a clock that moves only when every task waits it would
 * hold time still; on a chip, and here, its own CPU time moves it. */
#include "polling_program.h"

#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

static volatile polling_seen_t s_seen;
static volatile int s_flag;

polling_seen_t polling_seen(void) { return s_seen; }

static void setter(void* arg) {
  (void)arg;
  vTaskDelay(pdMS_TO_TICKS(30));
  s_flag = 1;
  vTaskDelete(NULL);
}

void polling_app_main(void) {
  polling_seen_t zero = {0};
  s_seen = zero;
  s_flag = 0;
  const int64_t t0 = esp_timer_get_time();
  while (esp_timer_get_time() - t0 < 1000) {
  }
  s_seen.waited_us = esp_timer_get_time() - t0;

  vTaskDelay(1); /* to the start of a tick */
  const TickType_t first = xTaskGetTickCount();
  while (xTaskGetTickCount() - first < 2) {
  }
  s_seen.tick_waited = xTaskGetTickCount() - first;

  xTaskCreate(setter, "setter", 2048, NULL, 1, NULL);
  while (!s_flag) taskYIELD();
  s_seen.flag_seen_us = esp_timer_get_time();
  s_seen.done = 1;
}
