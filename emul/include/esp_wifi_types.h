/* The Wi-Fi events of ESP-IDF v5.5's esp_wifi_types_generic.h that an
 * ESP-NOW application meets (host emulation): esp_wifi_start posts
 * WIFI_EVENT_STA_START / WIFI_EVENT_AP_START for the mode's interfaces to the
 * chip's default event loop, esp_wifi_stop the matching _STOP. An
 * esp_wifi_connect ends in WIFI_EVENT_STA_CONNECTED (its data type is in
 * esp_wifi.h) or WIFI_EVENT_STA_DISCONNECTED, and a scan in
 * WIFI_EVENT_SCAN_DONE (esp_wifi.h); no other event is posted. */
#pragma once

#include <stdint.h>

#include "esp_event_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  WIFI_EVENT_WIFI_READY = 0,
  WIFI_EVENT_SCAN_DONE,
  WIFI_EVENT_STA_START,
  WIFI_EVENT_STA_STOP,
  WIFI_EVENT_STA_CONNECTED,
  WIFI_EVENT_STA_DISCONNECTED,
  WIFI_EVENT_STA_AUTHMODE_CHANGE,
  WIFI_EVENT_STA_WPS_ER_SUCCESS,
  WIFI_EVENT_STA_WPS_ER_FAILED,
  WIFI_EVENT_STA_WPS_ER_TIMEOUT,
  WIFI_EVENT_STA_WPS_ER_PIN,
  WIFI_EVENT_STA_WPS_ER_PBC_OVERLAP,
  WIFI_EVENT_AP_START,
  WIFI_EVENT_AP_STOP,
  WIFI_EVENT_AP_STACONNECTED,
  WIFI_EVENT_AP_STADISCONNECTED,
  WIFI_EVENT_AP_PROBEREQRECVED,
  WIFI_EVENT_FTM_REPORT,
  WIFI_EVENT_STA_BSS_RSSI_LOW,
  WIFI_EVENT_ACTION_TX_STATUS,
  WIFI_EVENT_ROC_DONE,
  WIFI_EVENT_STA_BEACON_TIMEOUT,
  WIFI_EVENT_CONNECTIONLESS_MODULE_WAKE_INTERVAL_START, /* never posted: no power save (esp_wifi.h) */
} wifi_event_t;

/* WIFI_EVENT_SCAN_DONE's data. */
typedef struct {
  uint32_t status; /* 0: the scan ran its course */
  uint8_t number;  /* access points found */
  uint8_t scan_id;
} wifi_event_sta_scan_done_t;

/* WIFI_EVENT_STA_DISCONNECTED's data. */
typedef struct {
  uint8_t ssid[32];
  uint8_t ssid_len;
  uint8_t bssid[6];
  uint8_t reason; /* a wifi_err_reason_t */
  int8_t rssi;
} wifi_event_sta_disconnected_t;

ESP_EVENT_DECLARE_BASE(WIFI_EVENT);

#ifdef __cplusplus
}
#endif
