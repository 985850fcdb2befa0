/* GPIO interrupts as ESP-IDF firmware writes them (C11): the ISR hands the
 * pad's number to a task through a queue; the task reads the level. */
#include "gpio_interrupt_program.h"

#include <stddef.h>

#include "driver/gpio.h"
#include "esp_attr.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define ESP_INTR_FLAG_DEFAULT 0 /* as ESP-IDF's example defines it */

static QueueHandle_t s_events;
static volatile gpio_program_seen_t s_seen;
static volatile int s_reenable_after_ms;
static volatile uint32_t s_pad; /* the pad set_up gave its handler */ /* > 0: enable the event's interrupt again that much later */

void gpio_program_reset(void) {
  if (s_events) vQueueDelete(s_events); /* the last run's: its chip is gone */
  s_events = NULL;
  gpio_program_seen_t zero = {0};
  s_seen = zero;
  s_reenable_after_ms = 0;
}

gpio_program_seen_t gpio_program_seen(void) { return s_seen; }

static void IRAM_ATTR on_interrupt(void* arg) {
  const uint32_t pad = (uint32_t)(uintptr_t)arg;
  s_seen.isr_calls++;
  if (pad != s_pad) s_seen.bad_args++;
  xQueueSendFromISR(s_events, &pad, NULL);
}

/* The level handler: ends its own interrupt, as a level handler must. */
static void IRAM_ATTR on_level(void* arg) {
  const uint32_t pad = (uint32_t)(uintptr_t)arg;
  gpio_intr_disable((gpio_num_t)pad);
  on_interrupt(arg);
}

static void IRAM_ATTR on_level_stuck(void* arg) { s_seen.isr_calls++; (void)arg; }

static void event_task(void* arg) {
  (void)arg;
  uint32_t pad;
  for (;;) {
    if (xQueueReceive(s_events, &pad, portMAX_DELAY) != pdTRUE) continue;
    const uint32_t n = s_seen.events;
    if (n < 16) s_seen.event_ticks[n] = xTaskGetTickCount();
    s_seen.last_tick = xTaskGetTickCount();
    s_seen.last_level = gpio_get_level((gpio_num_t)pad);
    s_seen.events = n + 1;
    if (s_reenable_after_ms > 0) {
      vTaskDelay(pdMS_TO_TICKS(s_reenable_after_ms));
      gpio_intr_enable((gpio_num_t)pad);
    }
  }
}

/* The pad as `mode` with its pulls, interrupt `type` and handler `isr`; the queue and task. */
static void set_up(gpio_num_t pad, gpio_mode_t mode, int pull_up, gpio_int_type_t type, gpio_isr_t isr) {
  const gpio_config_t io = {.pin_bit_mask = 1ULL << pad, .mode = mode,
                            .pull_up_en = pull_up ? GPIO_PULLUP_ENABLE : GPIO_PULLUP_DISABLE,
                            .pull_down_en = pull_up ? GPIO_PULLDOWN_DISABLE : GPIO_PULLDOWN_ENABLE,
                            .intr_type = type};
  gpio_config(&io);
  s_pad = pad;
  s_events = xQueueCreate(10, sizeof(uint32_t));
  xTaskCreate(event_task, "gpio_events", 2048, NULL, 10, NULL);
  gpio_install_isr_service(ESP_INTR_FLAG_DEFAULT);
  gpio_isr_handler_add(pad, isr, (void*)(uintptr_t)pad);
}

void gpio_button_app_main(void) { set_up(GPIO_NUM_0, GPIO_MODE_INPUT, 1, GPIO_INTR_NEGEDGE, on_interrupt); }

void gpio_anyedge_app_main(void) {
  set_up(GPIO_NUM_4, GPIO_MODE_INPUT, 1, GPIO_INTR_ANYEDGE, on_interrupt);
  vTaskDelay(pdMS_TO_TICKS(2000));
  gpio_intr_disable(GPIO_NUM_4);
  vTaskDelay(pdMS_TO_TICKS(1000));
  gpio_intr_enable(GPIO_NUM_4);
}

void gpio_level_app_main(void) {
  s_reenable_after_ms = 100;
  set_up(GPIO_NUM_5, GPIO_MODE_INPUT, 0, GPIO_INTR_HIGH_LEVEL, on_level);
}

void gpio_own_output_app_main(void) {
  set_up(GPIO_NUM_2, GPIO_MODE_INPUT_OUTPUT, 0, GPIO_INTR_POSEDGE, on_interrupt);
  for (int i = 0; i < 5; ++i) {
    vTaskDelay(pdMS_TO_TICKS(10));
    gpio_set_level(GPIO_NUM_2, 1);
    vTaskDelay(pdMS_TO_TICKS(10));
    gpio_set_level(GPIO_NUM_2, 0);
  }
}

void gpio_stuck_level_app_main(void) { set_up(GPIO_NUM_5, GPIO_MODE_INPUT, 0, GPIO_INTR_HIGH_LEVEL, on_level_stuck); }

#define CHECK(cond) \
  do {              \
    if (!(cond)) return __LINE__; \
  } while (0)

static void IRAM_ATTR count_only(void* arg) { (void)arg; s_seen.isr_calls++; }

int gpio_program_errors(void) {
  CHECK(gpio_isr_handler_add(GPIO_NUM_0, count_only, NULL) == ESP_ERR_INVALID_STATE);
  CHECK(gpio_isr_handler_remove(GPIO_NUM_0) == ESP_ERR_INVALID_STATE);
  CHECK(gpio_install_isr_service(ESP_INTR_FLAG_LEVEL4) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_install_isr_service(ESP_INTR_FLAG_NMI) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_install_isr_service(ESP_INTR_FLAG_SHARED | ESP_INTR_FLAG_EDGE) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_install_isr_service(ESP_INTR_FLAG_LEVEL1 | ESP_INTR_FLAG_IRAM) == ESP_OK);
  CHECK(gpio_install_isr_service(0) == ESP_ERR_INVALID_STATE);
  CHECK(gpio_isr_handler_add((gpio_num_t)24, count_only, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_isr_handler_add((gpio_num_t)40, count_only, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_isr_handler_remove(GPIO_NUM_NC) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_intr_enable((gpio_num_t)40) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_intr_disable((gpio_num_t)28) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_set_intr_type(GPIO_NUM_0, GPIO_INTR_MAX) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_isr_handler_add(GPIO_NUM_0, count_only, NULL) == ESP_OK);
  CHECK(gpio_isr_handler_remove(GPIO_NUM_0) == ESP_OK);
  gpio_uninstall_isr_service();
  CHECK(gpio_isr_handler_add(GPIO_NUM_0, count_only, NULL) == ESP_ERR_INVALID_STATE);
  gpio_uninstall_isr_service(); /* not installed: nothing to do */
  CHECK(gpio_install_isr_service(0) == ESP_OK);
  gpio_uninstall_isr_service();
  return 0;
}
