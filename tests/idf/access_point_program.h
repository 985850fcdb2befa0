/* access_point_program.c (C11), run by access_point_test.cpp: ESP-IDF
 * firmware meeting the routers of a Simulation (add_access_point). */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int setup_failed_line;           /* the gateway's, 0 when every check held */
  uint16_t scan_found;             /* its full scan: records read */
  char scan_ssids[4][33];          /* their SSIDs, as read (strongest first) */
  uint8_t scan_channels[4];
  int8_t scan_rssi[4];
  int scan_authmodes[4];
  uint16_t after_read;             /* esp_wifi_scan_get_ap_num after reading */
  uint8_t channel_after_scan;      /* esp_wifi_get_channel after the scan: home again */
  int first_reason;                /* the attempt with the wrong password */
  uint32_t connected;              /* WIFI_EVENT_STA_CONNECTED events */
  uint8_t connected_channel;
  char connected_ssid[33];
  uint32_t got_ip;                 /* IP_EVENT_STA_GOT_IP events */
  uint32_t ip, gw, netmask;        /* as the event gives them (network order) */
  int esp_netif_matches;           /* the event's interface is the default STA one */
  uint8_t channel_after;           /* esp_wifi_get_channel once connected */
  char ap_info_ssid[33];           /* esp_wifi_sta_get_ap_info once connected */
  uint32_t espnow_received;        /* the sensor's messages, once on the router's channel */
  uint32_t beacons;                /* beacons a promiscuous callback got meanwhile (3 s) */
  char beacon_ssid[33];            /* the first one's SSID element */
  uint8_t beacon_channel;          /* its DS Parameter Set */
  uint8_t beacon_bssid_last;       /* the last byte of its BSSID */
  uint32_t connected_scan_ticks;   /* a blocking scan while connected: home visits between channels */
  uint8_t channel_after_connected_scan;
  int last_reason;                 /* after esp_wifi_disconnect */
  int not_connected_after;         /* esp_wifi_sta_get_ap_info after it */
  int set_channel_connecting;      /* esp_wifi_set_channel during an attempt's scan */
  int set_channel_connected;       /* ... while connected */
  uint8_t channel_after_refused;   /* esp_wifi_get_channel after that */
  int set_channel_disconnected;    /* ... after esp_wifi_disconnect */
  int sensor_failed_line;
  uint8_t sensor_channel;          /* the channel the sensor found the router on */
} ap_seen_t;

void ap_reset(void);
ap_seen_t ap_seen(void);

/* A gateway on channel 1: scans every channel, tries "home-router" with a
 * wrong password, then the right one, reports ESP-NOW messages for 3 s on the
 * router's channel, then disconnects. */
void ap_gateway_app_main(void);
/* A sensor: finds the router's channel by a scan for its SSID, moves there,
 * and broadcasts 10 ESP-NOW messages, one every 100 ms. */
void ap_sensor_app_main(void);

#ifdef __cplusplus
}
#endif
