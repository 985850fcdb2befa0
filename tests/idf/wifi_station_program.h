/* wifi_station_program.c (C11), run by wifi_station_test.cpp: a station's
 * settings and connection attempts as ESP-IDF firmware makes them, with no
 * access point on the air. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint32_t disconnects;          /* WIFI_EVENT_STA_DISCONNECTED events */
  uint32_t disconnect_ticks[4];  /* when the first four came */
  uint32_t connect_tick;         /* when app_main called esp_wifi_connect */
  int last_reason;
  char last_ssid[33];
  uint32_t espnow_received;      /* messages while it tried */
  uint32_t blocking_scan_ticks;  /* how long esp_wifi_scan_start(block) took */
  uint32_t scan_start_tick;      /* when it started a scan that does not block */
  uint32_t scans_done;           /* WIFI_EVENT_SCAN_DONE events */
  uint32_t last_scan_done_tick;
  uint32_t last_scan_found, last_scan_id;
  int setup_failed_line;
} station_seen_t;

void station_reset(void);
station_seen_t station_seen(void);

/* A gateway: STA mode, ESP-NOW, two scans for its router (one blocking, one
 * not), then a connection to "home-router" that it tries again on each
 * disconnection, as ESP-IDF's station example does. */
void station_gateway_app_main(void);
/* Broadcasts an ESP-NOW message every 100 ms for 3 s. */
void station_sender_app_main(void);

/* The settings' errors and round trips: 0, or the failing line. Needs a selected chip. */
int station_program_errors(void);

#ifdef __cplusplus
}
#endif
