/* task_wdt_program.c: the Task Watchdog as firmware uses it, run by
 * task_wdt_test.cpp. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* ESP-IDF's errors and states: 0, or the line that failed. Needs a selected chip. */
int task_wdt_program_errors(void);
/* Two tasks subscribed with a 1 s timeout: "steady" resets every 500 ms for
 * ever, "stuck" for 3 s and then no more; `panic`: trigger_panic. */
void task_wdt_program_app_main(void);
void task_wdt_program_panic_app_main(void);

#ifdef __cplusplus
}
#endif
