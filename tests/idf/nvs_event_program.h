/* nvs_event_program.c: NVS and the event loop used from C, as an ESP-NOW
 * application uses them; run by nvs_test.cpp and esp_event_test.cpp. Each
 * function returns 0, or the line of the first check that failed. */
#ifndef NVS_EVENT_PROGRAM_H
#define NVS_EVENT_PROGRAM_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
/* Every NVS call and its errors, on the selected chip's fresh NVS. */
int nvs_program_errors(void);
/* Counts boots in NVS ("boot"/"count"): returns the count after this boot. */
int nvs_program_count_boot(void);
/* Starts Wi-Fi in `mode` and waits (with a deadline) for its START events;
 * returns 0 or the failing line. */
int event_program_wifi_start(int mode);
#ifdef __cplusplus
}
#endif
#endif
