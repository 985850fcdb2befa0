/* What typical ESP-IDF firmware writes beyond esp_now, from C11 (run by
 * idioms_test.cpp): esp_check.h's macros, FreeRTOS's static allocation and
 * task suspension, the FreeRTOS heap, esp_wifi's transmit power, the eFuse
 * MAC, esp_chip_info and the capability heap. Each function returns 0, or
 * the line of the first check that failed. */
#include "idioms_program.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "driver/gpio.h"
#include "esp_check.h"
#include "esp_chip_info.h"
#include "esp_heap_caps.h"
#include "esp_mac.h"
#include "esp_rom_sys.h"
#include "esp_sleep.h"
#include "esp_timer.h"
#include "rom/ets_sys.h"
#include "esp_system.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "freertos/timers.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

static const char* TAG = "idioms";

/* ---- esp_check.h: each macro's failure logs "function(line): message" */

static char s_logged[512];

static int capture(const char* format, va_list args) {
  const size_t used = strlen(s_logged);
  return vsnprintf(s_logged + used, sizeof s_logged - used, format, args);
}

static esp_err_t fails_with(esp_err_t code) { return code; }

static esp_err_t return_on_error(esp_err_t code) {
  ESP_RETURN_ON_ERROR(fails_with(code), TAG, "step %d failed", 2);
  return ESP_OK;
}

static esp_err_t goto_on_error(esp_err_t code, int* cleaned) {
  esp_err_t ret = ESP_OK;
  ESP_GOTO_ON_ERROR(fails_with(code), cleanup, TAG, "no arguments");
  return ESP_OK;
cleanup:
  ++*cleaned;
  return ret;
}

static esp_err_t return_on_false(int ok) {
  ESP_RETURN_ON_FALSE(ok, ESP_ERR_INVALID_ARG, TAG, "ok is %d", ok);
  return ESP_OK;
}

static esp_err_t goto_on_false(int ok) {
  esp_err_t ret = ESP_OK;
  ESP_GOTO_ON_FALSE(ok, ESP_ERR_NO_MEM, out, TAG, "out of %s", "memory");
out:
  return ret;
}

static void void_on_error(esp_err_t code, int* reached) {
  ESP_RETURN_VOID_ON_ERROR(fails_with(code), TAG, "void");
  ESP_RETURN_VOID_ON_FALSE(code == ESP_OK, TAG, "never");
  *reached = 1;
}

int idioms_program_checks(void) {
  vprintf_like_t before = esp_log_set_vprintf(capture);
  s_logged[0] = '\0';
  int cleaned = 0, reached = 0;
  CHECK(return_on_error(ESP_OK) == ESP_OK && s_logged[0] == '\0');
  CHECK(return_on_error(ESP_ERR_TIMEOUT) == ESP_ERR_TIMEOUT);
  CHECK(strstr(s_logged, "E (") == s_logged);
  CHECK(strstr(s_logged, ") idioms: return_on_error(") != NULL);
  CHECK(strstr(s_logged, "): step 2 failed\n") != NULL);
  s_logged[0] = '\0';
  CHECK(goto_on_error(ESP_FAIL, &cleaned) == ESP_FAIL && cleaned == 1);
  CHECK(strstr(s_logged, "goto_on_error(") != NULL && strstr(s_logged, "): no arguments\n") != NULL);
  CHECK(goto_on_error(ESP_OK, &cleaned) == ESP_OK && cleaned == 1);
  CHECK(return_on_false(1) == ESP_OK && return_on_false(0) == ESP_ERR_INVALID_ARG);
  CHECK(strstr(s_logged, "): ok is 0\n") != NULL);
  CHECK(goto_on_false(1) == ESP_OK && goto_on_false(0) == ESP_ERR_NO_MEM);
  CHECK(strstr(s_logged, "): out of memory\n") != NULL);
  void_on_error(ESP_ERR_INVALID_STATE, &reached);
  CHECK(reached == 0);
  void_on_error(ESP_OK, &reached);
  CHECK(reached == 1);
  /* Below the tag's level nothing is logged; the check still returns. */
  esp_log_level_set(TAG, ESP_LOG_NONE);
  s_logged[0] = '\0';
  CHECK(return_on_error(ESP_FAIL) == ESP_FAIL && s_logged[0] == '\0');
  esp_log_level_set(TAG, ESP_LOG_INFO);
  esp_log_set_vprintf(before);
  return 0;
}

/* ---- static allocation, the FreeRTOS heap */

static void give_task(void* sem) {
  xSemaphoreGive((SemaphoreHandle_t)sem);
  vTaskDelete(NULL);
}

static void on_timer(TimerHandle_t t) { xSemaphoreGive((SemaphoreHandle_t)pvTimerGetTimerID(t)); }

int idioms_program_static_allocation(void) {
  static StaticQueue_t queue_buffer;
  static uint8_t storage[4 * sizeof(uint32_t)];
  QueueHandle_t q = xQueueCreateStatic(4, sizeof(uint32_t), storage, &queue_buffer);
  CHECK(q != NULL);
  uint32_t v = 7, got = 0;
  CHECK(xQueueSend(q, &v, 0) == pdTRUE && xQueueReceive(q, &got, 0) == pdTRUE && got == 7);
  vQueueDelete(q);
  CHECK(xQueueCreateStatic(4, sizeof(uint32_t), storage, NULL) == NULL);
  CHECK(xQueueCreateStatic(4, sizeof(uint32_t), NULL, &queue_buffer) == NULL);

  static StaticSemaphore_t sem_buffer;
  SemaphoreHandle_t done = xSemaphoreCreateBinaryStatic(&sem_buffer);
  CHECK(done != NULL && xSemaphoreCreateBinaryStatic(NULL) == NULL);
  static StaticSemaphore_t mutex_buffer;
  SemaphoreHandle_t mutex = xSemaphoreCreateMutexStatic(&mutex_buffer);
  CHECK(mutex != NULL && xSemaphoreTake(mutex, 0) == pdTRUE && xSemaphoreGive(mutex) == pdTRUE);
  vSemaphoreDelete(mutex);

  static StackType_t stack[2048];
  static StaticTask_t task_buffer;
  CHECK(xTaskCreateStatic(give_task, "static", 2048, done, 1, NULL, &task_buffer) == NULL);
  CHECK(xTaskCreateStatic(give_task, "static", 2048, done, 1, stack, &task_buffer) != NULL);
  CHECK(xSemaphoreTake(done, pdMS_TO_TICKS(10000)) == pdTRUE);

  static StaticTimer_t timer_buffer;
  TimerHandle_t timer = xTimerCreateStatic("t", pdMS_TO_TICKS(20), pdFALSE, done, on_timer, &timer_buffer);
  CHECK(timer != NULL && xTimerStart(timer, 0) == pdPASS);
  CHECK(xSemaphoreTake(done, pdMS_TO_TICKS(10000)) == pdTRUE);
  CHECK(xTimerDelete(timer, 0) == pdPASS);
  CHECK(xTimerCreateStatic("t", 5, pdFALSE, NULL, on_timer, NULL) == NULL);

  static StaticEventGroup_t group_buffer;
  EventGroupHandle_t group = xEventGroupCreateStatic(&group_buffer);
  CHECK(group != NULL && xEventGroupSetBits(group, BIT3) == BIT3);
  vEventGroupDelete(group);
  CHECK(xEventGroupCreateStatic(NULL) == NULL);
  vSemaphoreDelete(done);

  char* p = pvPortMalloc(32);
  CHECK(p != NULL);
  memset(p, 1, 32);
  vPortFree(p);
  return 0;
}

/* ---- task suspension */

typedef struct {
  SemaphoreHandle_t resumed;
  volatile int stage;
} sleeper_t;

static void suspends_itself(void* arg) {
  sleeper_t* s = arg;
  s->stage = 1;
  vTaskSuspend(NULL);
  s->stage = 2;
  xSemaphoreGive(s->resumed);
  vTaskDelete(NULL);
}

int idioms_program_suspend(void) {
  sleeper_t s = {.resumed = xSemaphoreCreateBinary(), .stage = 0};
  TaskHandle_t task = NULL;
  CHECK(xTaskCreate(suspends_itself, "suspender", 2048, &s, 1, &task) == pdPASS);
  /* Waits for the task to suspend itself, with a deadline. */
  for (int i = 0; i < 10000 && eTaskGetState(task) != eSuspended; ++i) vTaskDelay(1);
  CHECK(eTaskGetState(task) == eSuspended && s.stage == 1);
  CHECK(xSemaphoreTake(s.resumed, 0) == pdFALSE && s.stage == 1); /* still suspended */
  vTaskResume(task);
  CHECK(xSemaphoreTake(s.resumed, pdMS_TO_TICKS(10000)) == pdTRUE && s.stage == 2);
  vSemaphoreDelete(s.resumed);
  return 0;
}

/* ---- esp_wifi's transmit power, the eFuse MAC, the chip, the heap */

int idioms_program_tx_power_errors(void) {
  int8_t power = 0;
  CHECK(esp_wifi_set_max_tx_power(80) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_get_max_tx_power(&power) == ESP_ERR_WIFI_NOT_INIT);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK && esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  CHECK(esp_wifi_set_max_tx_power(80) == ESP_ERR_WIFI_NOT_STARTED);
  CHECK(esp_wifi_get_max_tx_power(&power) == ESP_ERR_WIFI_NOT_STARTED);
  CHECK(esp_wifi_start() == ESP_OK);
  CHECK(esp_wifi_get_max_tx_power(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_get_max_tx_power(&power) == ESP_OK && power == 80); /* 20 dBm, the chip's default */
  CHECK(esp_wifi_set_max_tx_power(7) == ESP_ERR_INVALID_ARG && esp_wifi_set_max_tx_power(85) == ESP_ERR_INVALID_ARG);
  /* Each setting lands on its row of ESP-IDF's table. */
  static const int8_t set[] = {8, 19, 20, 33, 34, 50, 55, 59, 65, 71, 79, 84};
  static const int8_t kept[] = {8, 8, 20, 28, 34, 44, 52, 56, 60, 66, 72, 80};
  for (size_t i = 0; i < sizeof set; ++i) {
    CHECK(esp_wifi_set_max_tx_power(set[i]) == ESP_OK);
    CHECK(esp_wifi_get_max_tx_power(&power) == ESP_OK && power == kept[i]);
  }
  return 0;
}

int idioms_program_identity(void) {
  uint8_t efuse[6], sta[6];
  CHECK(esp_efuse_mac_get_default(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_efuse_mac_get_default(efuse) == ESP_OK && esp_read_mac(sta, ESP_MAC_WIFI_STA) == ESP_OK);
  CHECK(memcmp(efuse, sta, 6) == 0);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  const uint8_t other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  CHECK(esp_wifi_set_mac(WIFI_IF_STA, other) == ESP_OK);
  CHECK(esp_read_mac(sta, ESP_MAC_WIFI_STA) == ESP_OK && memcmp(sta, other, 6) == 0);
  CHECK(esp_efuse_mac_get_default(efuse) == ESP_OK && memcmp(efuse, other, 6) != 0); /* the factory's stays */

  esp_chip_info_t info;
  esp_chip_info(&info);
  CHECK(info.model == CHIP_ESP32 && info.cores == 2 && (info.features & CHIP_FEATURE_WIFI_BGN));
  CHECK(heap_caps_get_free_size(MALLOC_CAP_8BIT) == esp_get_free_heap_size());
  CHECK(heap_caps_get_free_size(MALLOC_CAP_SPIRAM) == 0 && heap_caps_malloc(16, MALLOC_CAP_SPIRAM) == NULL);
  void* p = heap_caps_malloc(16, MALLOC_CAP_DEFAULT);
  CHECK(p != NULL);
  heap_caps_free(p);
  return 0;
}

/* ---- GPIO: an LED on 2, a button on 0 (pulled up, pressed low), 34 input only */

int idioms_program_gpio(void) {
  const gpio_config_t led = {.pin_bit_mask = 1ULL << GPIO_NUM_2, .mode = GPIO_MODE_OUTPUT};
  CHECK(gpio_config(&led) == ESP_OK);
  CHECK(gpio_set_level(GPIO_NUM_2, 1) == ESP_OK);
  CHECK(gpio_get_level(GPIO_NUM_2) == 0); /* its input is off: always 0, as ESP-IDF says */
  CHECK(gpio_set_direction(GPIO_NUM_2, GPIO_MODE_INPUT_OUTPUT) == ESP_OK && gpio_get_level(GPIO_NUM_2) == 1);
  const gpio_config_t button = {.pin_bit_mask = 1ULL << GPIO_NUM_0, .mode = GPIO_MODE_INPUT,
                                .pull_up_en = GPIO_PULLUP_ENABLE};
  CHECK(gpio_config(&button) == ESP_OK && gpio_get_level(GPIO_NUM_0) == 1); /* released: the pull-up */
  CHECK(gpio_set_pull_mode(GPIO_NUM_0, GPIO_PULLDOWN_ONLY) == ESP_OK && gpio_get_level(GPIO_NUM_0) == 0);
  CHECK(gpio_pullup_en(GPIO_NUM_0) == ESP_OK && gpio_pulldown_dis(GPIO_NUM_0) == ESP_OK);
  CHECK(gpio_get_level(GPIO_NUM_0) == 1);
  /* ESP-IDF's errors: no such pad, a pad that cannot drive, an empty mask. */
  const gpio_config_t none = {.pin_bit_mask = 0, .mode = GPIO_MODE_INPUT};
  const gpio_config_t drive_34 = {.pin_bit_mask = 1ULL << GPIO_NUM_34, .mode = GPIO_MODE_OUTPUT};
  const gpio_config_t pad_24 = {.pin_bit_mask = 1ULL << 24, .mode = GPIO_MODE_INPUT};
  CHECK(gpio_config(&none) == ESP_ERR_INVALID_ARG && gpio_config(&drive_34) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_config(&pad_24) == ESP_ERR_INVALID_ARG && gpio_config(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_set_level(GPIO_NUM_34, 1) == ESP_ERR_INVALID_ARG && gpio_set_level((gpio_num_t)40, 1) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_set_direction(GPIO_NUM_35, GPIO_MODE_OUTPUT) == ESP_ERR_INVALID_ARG);
  CHECK(gpio_set_direction(GPIO_NUM_35, GPIO_MODE_INPUT) == ESP_OK && gpio_get_level(GPIO_NUM_35) == 0); /* no pulls */
  CHECK(gpio_reset_pin(GPIO_NUM_2) == ESP_OK && gpio_get_level(GPIO_NUM_2) == 0); /* input off again */
  return 0;
}

/* ---- the ROM's busy wait takes its time on the chip's clock */

int idioms_program_busy_wait(void) {
  const int64_t start = esp_timer_get_time();
  esp_rom_delay_us(1500);
  const int64_t after_rom = esp_timer_get_time();
  ets_delay_us(700);
  const int64_t after_ets = esp_timer_get_time();
  esp_rom_delay_us(0);
  CHECK(after_rom - start >= 1500);
  CHECK(after_ets - after_rom >= 700);
  return 0;
}

/* ---- what ESP-NOW firmware prints and asserts with, and its wake button */

static int count_of(const char* text, const char* what) {
  int n = 0;
  for (const char* at = strstr(text, what); at; at = strstr(at + 1, what)) ++n;
  return n;
}

int idioms_program_rom_print_assert_and_wake_ups(void) {
  CHECK(esp_rom_printf("rom printf %d\n", 7) == 13);
  CHECK(ets_printf("ets printf %s\n", "ok") == 14);
  configASSERT(esp_rom_printf("%s", "") == 0);  /* a true condition passes (compiled out with NDEBUG) */
  vprintf_like_t before = esp_log_set_vprintf(capture);
  s_logged[0] = '\0';
  CHECK(esp_sleep_enable_ext0_wakeup(GPIO_NUM_0, 0) == ESP_OK);  /* accepted: a wake button builds */
  CHECK(esp_sleep_enable_ext0_wakeup(GPIO_NUM_0, 0) == ESP_OK);
  CHECK(esp_sleep_enable_ext0_wakeup(GPIO_NUM_0, 2) == ESP_ERR_INVALID_ARG);
  CHECK(esp_sleep_enable_ext0_wakeup((gpio_num_t)24, 0) == ESP_ERR_INVALID_ARG);
  CHECK(esp_sleep_enable_ext1_wakeup(0, ESP_EXT1_WAKEUP_ANY_HIGH) == ESP_ERR_INVALID_ARG);
  CHECK(esp_sleep_enable_ext1_wakeup(1ULL << 33, ESP_EXT1_WAKEUP_ANY_HIGH) == ESP_OK);
  CHECK(gpio_wakeup_enable(GPIO_NUM_0, GPIO_INTR_LOW_LEVEL) == ESP_OK);
  CHECK(gpio_wakeup_enable(GPIO_NUM_0, GPIO_INTR_POSEDGE) == ESP_ERR_INVALID_ARG);  /* a level, as ESP-IDF's */
  CHECK(esp_sleep_enable_gpio_wakeup() == ESP_OK);
  esp_log_set_vprintf(before);
  /* Said once each, as a warning: it will not wake the chip. */
  CHECK(count_of(s_logged, "esp_sleep_enable_ext0_wakeup: accepted, not emulated") == 1);
  CHECK(count_of(s_logged, "W (") == 4);
  CHECK(gpio_hold_en(GPIO_NUM_2) == ESP_OK && gpio_hold_dis(GPIO_NUM_2) == ESP_OK);
  CHECK(gpio_hold_en(GPIO_NUM_34) == ESP_ERR_INVALID_ARG);  /* an input-only pad */
  gpio_deep_sleep_hold_en();
  gpio_deep_sleep_hold_dis();
  return 0;
}
