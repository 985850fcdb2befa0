/* The Task Watchdog Timer as ESP-IDF firmware uses it (C11). */
#include "task_wdt_program.h"

#include <stdbool.h>
#include <stddef.h>

#include "esp_task_wdt.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#define CHECK(cond) \
  do {              \
    if (!(cond)) return __LINE__; \
  } while (0)

int task_wdt_program_errors(void) {
  const esp_task_wdt_config_t config = {.timeout_ms = 2000, .idle_core_mask = 0, .trigger_panic = false};
  const esp_task_wdt_config_t zero = {.timeout_ms = 0};
  esp_task_wdt_user_handle_t user = NULL;
  CHECK(esp_task_wdt_init(&config) == ESP_ERR_INVALID_STATE); /* the chip booted with it */
  CHECK(esp_task_wdt_reconfigure(&config) == ESP_OK);
  CHECK(esp_task_wdt_reconfigure(&zero) == ESP_ERR_INVALID_ARG && esp_task_wdt_reconfigure(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_task_wdt_status(NULL) == ESP_ERR_NOT_FOUND && esp_task_wdt_reset() == ESP_ERR_NOT_FOUND);
  CHECK(esp_task_wdt_add(NULL) == ESP_OK && esp_task_wdt_add(xTaskGetCurrentTaskHandle()) == ESP_ERR_INVALID_ARG);
  CHECK(esp_task_wdt_status(NULL) == ESP_OK && esp_task_wdt_reset() == ESP_OK);
  CHECK(esp_task_wdt_deinit() == ESP_ERR_INVALID_STATE); /* a task is subscribed */
  CHECK(esp_task_wdt_add_user("poller", &user) == ESP_OK && esp_task_wdt_reset_user(user) == ESP_OK);
  CHECK(esp_task_wdt_add_user(NULL, &user) == ESP_ERR_INVALID_ARG && esp_task_wdt_reset_user(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_task_wdt_delete(NULL) == ESP_OK && esp_task_wdt_delete(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_task_wdt_reset() == ESP_ERR_NOT_FOUND);
  CHECK(esp_task_wdt_deinit() == ESP_ERR_INVALID_STATE); /* the user still is */
  CHECK(esp_task_wdt_delete_user(user) == ESP_OK);
  CHECK(esp_task_wdt_deinit() == ESP_OK && esp_task_wdt_deinit() == ESP_ERR_INVALID_STATE);
  CHECK(esp_task_wdt_add(NULL) == ESP_ERR_INVALID_STATE && esp_task_wdt_status(NULL) == ESP_ERR_INVALID_STATE);
  CHECK(esp_task_wdt_reset() == ESP_ERR_INVALID_STATE && esp_task_wdt_reconfigure(&config) == ESP_ERR_INVALID_STATE);
  CHECK(esp_task_wdt_init(&config) == ESP_OK && esp_task_wdt_init(&config) == ESP_ERR_INVALID_STATE);
  return 0;
}

static void resetting(void* arg) {
  const int resets = (int)(intptr_t)arg; /* < 0: for ever */
  esp_task_wdt_add(NULL);
  for (int i = 0; resets < 0 || i < resets; ++i) {
    vTaskDelay(pdMS_TO_TICKS(500));
    esp_task_wdt_reset();
  }
  for (;;) vTaskDelay(pdMS_TO_TICKS(10000)); /* stuck: no more resets */
}

static void start(bool panic) {
  const esp_task_wdt_config_t config = {.timeout_ms = 1000, .idle_core_mask = 1, .trigger_panic = panic};
  esp_task_wdt_reconfigure(&config);
  xTaskCreate(resetting, "steady", 2048, (void*)(intptr_t)-1, 5, NULL);
  xTaskCreate(resetting, "stuck", 2048, (void*)(intptr_t)6, 5, NULL);
}

void task_wdt_program_app_main(void) { start(false); }
void task_wdt_program_panic_app_main(void) { start(true); }
