/* esp_sleep and esp_wifi_connectionless_module_set_wake_interval from C11
 * (run by sleep_test.cpp). */
#include "sleep_program.h"

#include <stdatomic.h>
#include <string.h>

#include "esp_now.h"
#include "esp_sleep.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

static void no_op_hook_a(void) {}
static void no_op_hook_b(void) {}
static void no_op_hook_c(void) {}
static void no_op_hook_d(void) {}

static int hook_slots(void) {
  CHECK(esp_deep_sleep_register_hook(no_op_hook_a) == ESP_OK);
  CHECK(esp_deep_sleep_register_hook(no_op_hook_a) == ESP_OK); /* again: still one slot */
  CHECK(esp_deep_sleep_register_hook(no_op_hook_b) == ESP_OK);
  CHECK(esp_deep_sleep_register_hook(no_op_hook_c) == ESP_OK);
  CHECK(esp_deep_sleep_register_hook(no_op_hook_d) == ESP_ERR_NO_MEM);
  esp_deep_sleep_deregister_hook(no_op_hook_b);
  CHECK(esp_deep_sleep_register_hook(no_op_hook_d) == ESP_OK);
  esp_deep_sleep_deregister_hook(no_op_hook_a);
  esp_deep_sleep_deregister_hook(no_op_hook_c);
  esp_deep_sleep_deregister_hook(no_op_hook_d);
  esp_deep_sleep_deregister_hook(no_op_hook_d); /* not registered: nothing happens */
  return 0;
}

int sleep_program_errors(void) {
  CHECK(esp_sleep_get_wakeup_cause() == ESP_SLEEP_WAKEUP_UNDEFINED);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_ERR_INVALID_STATE);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_GPIO) == ESP_ERR_INVALID_STATE);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_ALL) == ESP_OK);
  /* The RTC timer's reach on an ESP32: (2^48 - 1) / 150 kHz, whole seconds. */
  CHECK(esp_sleep_enable_timer_wakeup(1876499844000001ull) == ESP_ERR_INVALID_ARG);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_ERR_INVALID_STATE);
  CHECK(esp_sleep_enable_timer_wakeup(1876499844000000ull) == ESP_OK);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_OK);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_ERR_INVALID_STATE);
  CHECK(esp_sleep_enable_timer_wakeup(1000) == ESP_OK);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_ALL) == ESP_OK);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_ERR_INVALID_STATE);

  CHECK(esp_sleep_pd_config(ESP_PD_DOMAIN_RTC_PERIPH, ESP_PD_OPTION_ON) == ESP_OK);
  CHECK(esp_sleep_pd_config(ESP_PD_DOMAIN_MAX, ESP_PD_OPTION_ON) == ESP_ERR_INVALID_ARG);
  CHECK(esp_sleep_pd_config(ESP_PD_DOMAIN_XTAL, (esp_sleep_pd_option_t)(ESP_PD_OPTION_AUTO + 1)) ==
        ESP_ERR_INVALID_ARG);

  /* 550 us cannot cover an ESP32's wake-up: refused at once, no sleep. */
  CHECK(esp_sleep_enable_timer_wakeup(550) == ESP_OK);
  CHECK(esp_light_sleep_start() == ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION);
  CHECK(ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION == ESP_ERR_INVALID_ARG);
  CHECK(esp_sleep_get_wakeup_cause() == ESP_SLEEP_WAKEUP_UNDEFINED);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_OK);
  return hook_slots();
}

int sleep_program_light_sleep(uint64_t us) {
  CHECK(esp_sleep_enable_timer_wakeup(us) == ESP_OK);
  const int64_t t0 = esp_timer_get_time();
  const TickType_t ticks0 = xTaskGetTickCount();
  CHECK(esp_light_sleep_start() == ESP_OK);
  const int64_t slept = esp_timer_get_time() - t0;
  const TickType_t ticks = xTaskGetTickCount() - ticks0;
  CHECK(slept >= (int64_t)us);
  /* Whole ticks only: one may be cut at each end of the sleep. */
  CHECK(ticks + 1 >= (TickType_t)(us / 1000 / portTICK_PERIOD_MS));
  CHECK(esp_sleep_get_wakeup_cause() == ESP_SLEEP_WAKEUP_TIMER);
  CHECK(esp_sleep_get_wakeup_cause() == ESP_SLEEP_WAKEUP_TIMER); /* stays until the next sleep */
  CHECK(esp_sleep_enable_timer_wakeup(100) == ESP_OK);
  CHECK(esp_light_sleep_start() == ESP_ERR_SLEEP_TOO_SHORT_SLEEP_DURATION);
  CHECK(esp_sleep_get_wakeup_cause() == ESP_SLEEP_WAKEUP_UNDEFINED);
  CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER) == ESP_OK);
  return 0;
}

int sleep_program_wake_interval(void) {
  CHECK(esp_wifi_connectionless_module_set_wake_interval(100) == ESP_ERR_WIFI_NOT_INIT);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  /* Every value is valid: 0 is ESP_WIFI_CONNECTIONLESS_INTERVAL_DEFAULT_MODE. */
  CHECK(esp_wifi_connectionless_module_set_wake_interval(ESP_WIFI_CONNECTIONLESS_INTERVAL_DEFAULT_MODE) == ESP_OK);
  CHECK(esp_wifi_connectionless_module_set_wake_interval(1) == ESP_OK);
  CHECK(esp_wifi_connectionless_module_set_wake_interval(100) == ESP_OK);
  CHECK(esp_wifi_connectionless_module_set_wake_interval(65535) == ESP_OK);
  CHECK(esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  CHECK(esp_now_init() == ESP_OK);
  /* As ESP-IDF's espnow example pairs them in power save. */
  CHECK(esp_now_set_wake_window(50) == ESP_OK);
  CHECK(esp_wifi_connectionless_module_set_wake_interval(100) == ESP_OK);
  CHECK(esp_now_deinit() == ESP_OK);
  CHECK(esp_wifi_stop() == ESP_OK);
  CHECK(esp_wifi_deinit() == ESP_OK);
  CHECK(esp_wifi_connectionless_module_set_wake_interval(100) == ESP_ERR_WIFI_NOT_INIT);
  return 0;
}

static atomic_int s_received, s_sent_ok, s_sent_fail;

static void on_received(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  (void)info;
  (void)data;
  (void)len;
  atomic_fetch_add(&s_received, 1);
}

static void on_sent(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  (void)info;
  atomic_fetch_add(status == ESP_NOW_SEND_SUCCESS ? &s_sent_ok : &s_sent_fail, 1);
}

int sleep_program_start_espnow(const uint8_t peer[6]) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_recv_cb(on_received) == ESP_OK);
  CHECK(esp_now_register_send_cb(on_sent) == ESP_OK);
  esp_now_peer_info_t info;
  memset(&info, 0, sizeof info);
  memcpy(info.peer_addr, peer, ESP_NOW_ETH_ALEN);
  info.ifidx = WIFI_IF_STA;
  CHECK(esp_now_add_peer(&info) == ESP_OK);
  return 0;
}

int sleep_program_send(const uint8_t peer[6]) {
  CHECK(esp_now_send(peer, (const uint8_t*)"ping", 4) == ESP_OK);
  return 0;
}

void sleep_program_counts(int* received, int* sent_ok, int* sent_fail) {
  *received = atomic_load(&s_received);
  *sent_ok = atomic_load(&s_sent_ok);
  *sent_fail = atomic_load(&s_sent_fail);
}

static SemaphoreHandle_t s_timer_fired;

static void timer_fired(void* arg) {
  sleep_program_sleeper_t* s = arg;
  s->timer_fired_at = esp_timer_get_time();
  xSemaphoreGive(s_timer_fired);
}

void sleep_program_sleeper_task(void* arg) {
  sleep_program_sleeper_t* s = arg;
  s_timer_fired = xSemaphoreCreateBinary();
  s->timer_fired_at = -1;
  const esp_timer_create_args_t args = {.callback = timer_fired, .arg = s, .name = "during sleep"};
  esp_timer_handle_t timer;
  ESP_ERROR_CHECK(esp_timer_create(&args, &timer));
  ESP_ERROR_CHECK(esp_sleep_enable_timer_wakeup(s->sleep_us));
  s->slept_from = esp_timer_get_time();
  ESP_ERROR_CHECK(esp_timer_start_once(timer, 10 * 1000));
  s->result = esp_light_sleep_start();
  s->slept_until = esp_timer_get_time();
  /* Due while the chip slept: it fires once the chip is awake. */
  if (xSemaphoreTake(s_timer_fired, pdMS_TO_TICKS(5000)) != pdTRUE) ESP_ERROR_CHECK(esp_timer_stop(timer));
  ESP_ERROR_CHECK(esp_timer_delete(timer));
  vSemaphoreDelete(s_timer_fired);
  ESP_ERROR_CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER));
  xSemaphoreGive((SemaphoreHandle_t)s->done);
  vTaskDelete(NULL);
}

static atomic_int s_hook_runs;

static void counting_hook(void) { atomic_fetch_add(&s_hook_runs, 1); }

int sleep_program_hook_runs(void) { return atomic_load(&s_hook_runs); }

void sleep_program_deep_sleeper_task(void* arg) {
  ESP_ERROR_CHECK(esp_deep_sleep_register_hook(counting_hook));
  if (arg) esp_deep_sleep(*(const uint64_t*)arg);
  ESP_ERROR_CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_ALL));
  esp_deep_sleep_start();
}
