/* polling_program.c: firmware that busy-waits, run on virtual time by
 * polling_test.cpp. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int64_t waited_us;      /* what esp_timer said the 1000 µs busy wait took */
  uint32_t tick_waited;   /* ticks the tick-count poll saw pass (asked: 2) */
  int64_t flag_seen_us;   /* esp_timer_get_time when the yielding poll saw the flag */
  int done;               /* all three loops ended */
} polling_seen_t;

/* Busy-waits 1000 µs on esp_timer_get_time, then 2 ticks on
 * xTaskGetTickCount, then yields (taskYIELD) until another task, delayed
 * 30 ms, sets a flag. */
void polling_app_main(void);
polling_seen_t polling_seen(void);

#ifdef __cplusplus
}
#endif
