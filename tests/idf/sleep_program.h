/* sleep_program.c: esp_sleep and the Wi-Fi wake interval used from C11, as
 * ESP-NOW sleepers use them; run by sleep_test.cpp. Each int function
 * returns 0, or the line of the first check that failed. */
#ifndef SLEEP_PROGRAM_H
#define SLEEP_PROGRAM_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
/* Every esp_sleep call's errors: wake-up sources, power domains, the
 * deep-sleep hook slots, a light sleep too short to take; on a fresh chip. */
int sleep_program_errors(void);
/* One light sleep of `us` on the timer: esp_timer time and FreeRTOS ticks
 * move on by at least that; the wake-up cause is the timer after it, and
 * undefined again after a refused one. */
int sleep_program_light_sleep(uint64_t us);
/* esp_wifi_connectionless_module_set_wake_interval before and after esp_wifi_init. */
int sleep_program_wake_interval(void);

/* Wi-Fi STA started, ESP-NOW with `peer` added, callbacks counting (for
 * the whole process: one test at a time). */
int sleep_program_start_espnow(const uint8_t peer[6]);
/* Sends "ping" to `peer`; the send callback counts its report. */
int sleep_program_send(const uint8_t peer[6]);
/* The counts so far: frames received, send reports of success and of failure. */
void sleep_program_counts(int* received, int* sent_ok, int* sent_fail);

/* What a light sleeper task does and saw. */
typedef struct {
  uint64_t sleep_us;  /* in: the timer wake-up */
  void* done;         /* in: a SemaphoreHandle_t given once the fields below are set */
  int result;         /* esp_light_sleep_start's */
  int64_t slept_from, slept_until; /* esp_timer_get_time around the sleep */
  int64_t timer_fired_at;          /* when a one-shot esp_timer due 10 ms into the sleep fired */
} sleep_program_sleeper_t;
/* A FreeRTOS task body (arg: sleep_program_sleeper_t*): arms the one-shot
 * timer, light-sleeps, waits for the timer, gives `done`, ends. */
void sleep_program_sleeper_task(void* arg);

/* A FreeRTOS task body: registers a deep-sleep hook that counts, then
 * esp_deep_sleep(*(uint64_t*)arg), or with arg NULL disables every wake-up
 * source and calls esp_deep_sleep_start. */
void sleep_program_deep_sleeper_task(void* arg);
int sleep_program_hook_runs(void);
#ifdef __cplusplus
}
#endif
#endif
