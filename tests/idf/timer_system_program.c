/* esp_timer and esp_system from C11 (run by timer_system_test.cpp).
 * Waits are on FreeRTOS objects with a deadline, never a bare sleep. */
#include "timer_system_program.h"

#include "esp_system.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

#define DEADLINE pdMS_TO_TICKS(5000)

typedef struct {
  SemaphoreHandle_t fired;
  volatile int count;
  volatile int64_t at_us;
  volatile int on_timer_task; /* the callback ran on the "esp_timer"-like thread, not the caller */
  TaskHandle_t caller;
} probe_t;

static void count_cb(void* arg) {
  probe_t* p = (probe_t*)arg;
  p->count++;
  p->at_us = esp_timer_get_time();
  p->on_timer_task = xTaskGetCurrentTaskHandle() != p->caller;
  xSemaphoreGive(p->fired);
}

int timer_program_errors_and_firing(void) {
  probe_t p = {xSemaphoreCreateCounting(100, 0), 0, 0, 0, xTaskGetCurrentTaskHandle()};
  esp_timer_create_args_t args = {.callback = count_cb, .arg = &p, .name = "probe"};
  esp_timer_handle_t t = NULL;

  /* Errors of creation and of a null handle. */
  CHECK(esp_timer_init() == ESP_ERR_INVALID_STATE); /* the start-up did it */
  CHECK(esp_timer_create(NULL, &t) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_create(&args, NULL) == ESP_ERR_INVALID_ARG);
  esp_timer_create_args_t no_cb = {.callback = NULL, .name = "none"};
  CHECK(esp_timer_create(&no_cb, &t) == ESP_ERR_INVALID_ARG);
  esp_timer_create_args_t bad_method = args;
  bad_method.dispatch_method = ESP_TIMER_MAX;
  CHECK(esp_timer_create(&bad_method, &t) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_start_once(NULL, 1) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_start_periodic(NULL, 1) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_restart(NULL, 1) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_stop(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_delete(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(!esp_timer_is_active(NULL));

  /* Time goes forward from the chip's boot. */
  const int64_t t0 = esp_timer_get_time();
  CHECK(t0 >= 0);
  CHECK(esp_timer_get_next_alarm() == INT64_MAX);

  /* A one-shot timer: states, its expiry, firing once on the timer task. */
  CHECK(esp_timer_create(&args, &t) == ESP_OK);
  CHECK(!esp_timer_is_active(t));
  CHECK(esp_timer_stop(t) == ESP_ERR_INVALID_STATE);    /* stopping a stopped timer */
  CHECK(esp_timer_restart(t, 10) == ESP_ERR_INVALID_STATE);
  CHECK(esp_timer_start_once(t, 20000) == ESP_OK);
  CHECK(esp_timer_is_active(t));
  CHECK(esp_timer_start_once(t, 20000) == ESP_ERR_INVALID_STATE); /* starting a running timer */
  CHECK(esp_timer_start_periodic(t, 20000) == ESP_ERR_INVALID_STATE);
  CHECK(esp_timer_delete(t) == ESP_ERR_INVALID_STATE); /* deleting a running timer */
  uint64_t expiry = 0, period = 1;
  CHECK(esp_timer_get_expiry_time(t, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_timer_get_expiry_time(t, &expiry) == ESP_OK);
  CHECK((int64_t)expiry >= t0 + 20000);
  CHECK(esp_timer_get_next_alarm() == (int64_t)expiry);
  CHECK(esp_timer_get_period(t, &period) == ESP_OK && period == 0);
  CHECK(esp_timer_get_period(t, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(xSemaphoreTake(p.fired, DEADLINE) == pdTRUE);
  CHECK(p.count == 1 && p.on_timer_task);
  CHECK(p.at_us >= (int64_t)expiry);
  CHECK(!esp_timer_is_active(t));
  CHECK(esp_timer_stop(t) == ESP_ERR_INVALID_STATE);

  /* Stopped before it fires: it never does. */
  CHECK(esp_timer_start_once(t, 60 * 1000000ull) == ESP_OK);
  CHECK(esp_timer_stop(t) == ESP_OK);
  CHECK(!esp_timer_is_active(t));

  /* Periodic: a period under 50 us is raised to 50 us; it keeps firing. */
  CHECK(esp_timer_start_periodic(t, 1) == ESP_OK);
  CHECK(esp_timer_get_period(t, &period) == ESP_OK && period == 50);
  CHECK(esp_timer_get_expiry_time(t, &expiry) == ESP_ERR_NOT_SUPPORTED);
  CHECK(esp_timer_restart(t, 2000) == ESP_OK); /* a periodic timer's new period */
  CHECK(esp_timer_get_period(t, &period) == ESP_OK && period == 2000);
  for (int i = 0; i < 3; ++i) CHECK(xSemaphoreTake(p.fired, DEADLINE) == pdTRUE);
  CHECK(esp_timer_is_active(t));
  CHECK(esp_timer_stop(t) == ESP_OK);
  CHECK(esp_timer_get_period(t, &period) == ESP_OK && period == 0);
  CHECK(esp_timer_delete(t) == ESP_OK);
  vSemaphoreDelete(p.fired);
  return 0;
}

typedef struct {
  esp_timer_handle_t self;
  SemaphoreHandle_t done;
  volatile int count;
  volatile esp_err_t stop_rc, delete_rc;
} self_deleting_t;

static void delete_self_cb(void* arg) {
  self_deleting_t* s = (self_deleting_t*)arg;
  if (++s->count < 3) return;
  s->stop_rc = esp_timer_stop(s->self);
  s->delete_rc = esp_timer_delete(s->self);
  xSemaphoreGive(s->done);
}

int timer_program_callback_deletes_itself(void) {
  self_deleting_t s = {NULL, xSemaphoreCreateBinary(), 0, -1, -1};
  const esp_timer_create_args_t args = {.callback = delete_self_cb, .arg = &s, .name = "self"};
  CHECK(esp_timer_create(&args, &s.self) == ESP_OK);
  CHECK(esp_timer_start_periodic(s.self, 1000) == ESP_OK);
  CHECK(xSemaphoreTake(s.done, DEADLINE) == pdTRUE);
  CHECK(s.stop_rc == ESP_OK && s.delete_rc == ESP_OK && s.count == 3);
  vSemaphoreDelete(s.done);
  return 0;
}

static void handler_a(void) {}
static void handler_b(void) {}
static void handler_c(void) {}
static void handler_d(void) {}
static void handler_e(void) {}
static void handler_f(void) {}

int system_program_handlers_heap_reason(int expected) {
  CHECK(esp_reset_reason() == (esp_reset_reason_t)expected);
  CHECK(esp_get_free_heap_size() > 0);
  CHECK(esp_get_minimum_free_heap_size() <= esp_get_free_heap_size());
  CHECK(esp_get_free_internal_heap_size() <= esp_get_free_heap_size());

  CHECK(esp_register_shutdown_handler(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_unregister_shutdown_handler(handler_a) == ESP_ERR_INVALID_STATE); /* not registered */
  CHECK(esp_register_shutdown_handler(handler_a) == ESP_OK);
  CHECK(esp_register_shutdown_handler(handler_a) == ESP_ERR_INVALID_STATE); /* already */
  CHECK(esp_register_shutdown_handler(handler_b) == ESP_OK);
  CHECK(esp_register_shutdown_handler(handler_c) == ESP_OK);
  CHECK(esp_register_shutdown_handler(handler_d) == ESP_OK);
  CHECK(esp_register_shutdown_handler(handler_e) == ESP_OK);
  CHECK(esp_register_shutdown_handler(handler_f) == ESP_ERR_NO_MEM); /* 5 slots */
  CHECK(esp_unregister_shutdown_handler(handler_c) == ESP_OK);
  CHECK(esp_register_shutdown_handler(handler_f) == ESP_OK);
  const shutdown_handler_t all[] = {handler_a, handler_b, handler_d, handler_e, handler_f};
  for (int i = 0; i < 5; ++i) CHECK(esp_unregister_shutdown_handler(all[i]) == ESP_OK);
  return 0;
}

static volatile int* s_ran;
static void count_shutdown(void) { ++*s_ran; }

void system_program_restart(void* ran) {
  s_ran = (volatile int*)ran;
  esp_unregister_shutdown_handler(count_shutdown);
  esp_register_shutdown_handler(count_shutdown);
  esp_restart();
}
