/* ESP-IDF's esp_timer.h on the host (ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_timer.html).
 * Time is the microseconds since the selected chip booted (was made). Each
 * chip has one esp_timer task, a host thread with the chip selected, that
 * runs its timers' callbacks in expiry order, as the chip's "esp_timer" task
 * does; a callback should be short, since the others wait for it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "espnow_emul_sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct esp_timer* esp_timer_handle_t;
typedef void (*esp_timer_cb_t)(void* arg);

/* Only the task method: ESP_TIMER_ISR exists on a chip built with
 * CONFIG_ESP_TIMER_SUPPORTS_ISR_DISPATCH_METHOD, which the emulation has not. */
typedef enum {
  ESP_TIMER_TASK,
  ESP_TIMER_MAX,
} esp_timer_dispatch_t;

typedef struct {
  esp_timer_cb_t callback;
  void* arg;
  esp_timer_dispatch_t dispatch_method;
  const char* name;
  bool skip_unhandled_events; /* a periodic timer late by several periods fires once, not once per period */
} esp_timer_create_args_t;

/* Called by the start-up on a chip; ESP_ERR_INVALID_STATE (already initialised) from an application. */
esp_err_t esp_timer_init(void);
/* ESP_ERR_INVALID_ARG: null arguments or callback, or an unknown dispatch method. */
esp_err_t esp_timer_create(const esp_timer_create_args_t* create_args, esp_timer_handle_t* out_handle);
/* ESP_ERR_INVALID_ARG: null handle; ESP_ERR_INVALID_STATE: the timer is running. */
esp_err_t esp_timer_start_once(esp_timer_handle_t timer, uint64_t timeout_us);
/* As start_once; a period under 50 us is raised to 50 us, as on the chip. */
esp_err_t esp_timer_start_periodic(esp_timer_handle_t timer, uint64_t period);
/* A running timer again from now (a periodic one with the new period);
 * ESP_ERR_INVALID_STATE when it is not running. */
esp_err_t esp_timer_restart(esp_timer_handle_t timer, uint64_t timeout_us);
/* ESP_ERR_INVALID_STATE: the timer is not running. */
esp_err_t esp_timer_stop(esp_timer_handle_t timer);
/* ESP_ERR_INVALID_STATE: the timer is running (stop it first). Returns once
 * its callback is not running, except from the callback itself. */
esp_err_t esp_timer_delete(esp_timer_handle_t timer);
/* Microseconds since the selected chip booted. */
int64_t esp_timer_get_time(void);
/* When the selected chip's next timer expires (esp_timer_get_time's scale),
 * or INT64_MAX with none armed. */
int64_t esp_timer_get_next_alarm(void);
/* ESP_ERR_INVALID_ARG: null handle or output. */
esp_err_t esp_timer_get_period(esp_timer_handle_t timer, uint64_t* period);
/* ESP_ERR_INVALID_ARG: null handle or output; ESP_ERR_NOT_SUPPORTED: a periodic timer. */
esp_err_t esp_timer_get_expiry_time(esp_timer_handle_t timer, uint64_t* expiry);
bool esp_timer_is_active(esp_timer_handle_t timer);

#ifdef __cplusplus
}
#endif
