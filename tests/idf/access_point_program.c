/* ESP-IDF firmware and the routers of its air (C11): a gateway that joins
 * its router, as ESP-NOW-to-Wi-Fi gateways do, and a sensor that finds the
 * router's channel with a scan for its SSID (the common way to meet a
 * gateway whose channel the router chose). */
#include "access_point_program.h"

#include <string.h>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

static volatile ap_seen_t s_seen;
static esp_netif_t* s_sta_netif;

void ap_reset(void) {
  ap_seen_t zero = {0};
  s_seen = zero;
}

ap_seen_t ap_seen(void) { return s_seen; }

static void copy_ssid(volatile char* to, const uint8_t* ssid, size_t len) {
  for (size_t i = 0; i < len && i < 32; ++i) to[i] = (char)ssid[i];
  to[len < 32 ? len : 32] = '\0';
}

static void on_event(void* arg, esp_event_base_t base, int32_t id, void* data) {
  (void)arg;
  if (base == WIFI_EVENT && id == WIFI_EVENT_STA_CONNECTED) {
    const wifi_event_sta_connected_t* e = (const wifi_event_sta_connected_t*)data;
    s_seen.connected++;
    s_seen.connected_channel = e->channel;
    copy_ssid(s_seen.connected_ssid, e->ssid, e->ssid_len);
  } else if (base == WIFI_EVENT && id == WIFI_EVENT_STA_DISCONNECTED) {
    const wifi_event_sta_disconnected_t* e = (const wifi_event_sta_disconnected_t*)data;
    if (s_seen.first_reason == 0) s_seen.first_reason = e->reason;
    s_seen.last_reason = e->reason;
  } else if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
    const ip_event_got_ip_t* e = (const ip_event_got_ip_t*)data;
    s_seen.got_ip++;
    s_seen.ip = e->ip_info.ip.addr;
    s_seen.gw = e->ip_info.gw.addr;
    s_seen.netmask = e->ip_info.netmask.addr;
    s_seen.esp_netif_matches = e->esp_netif == s_sta_netif;
  }
}

static void on_espnow(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  (void)info;
  (void)data;
  (void)len;
  s_seen.espnow_received++;
}

/* Beacons (management subtype 8) as a sniffer reads them: the SSID and DS
 * Parameter Set elements follow the 24-byte header and 12 fixed bytes. */
static void on_sniffed(void* buf, wifi_promiscuous_pkt_type_t type) {
  const wifi_promiscuous_pkt_t* pkt = (const wifi_promiscuous_pkt_t*)buf;
  const uint8_t* f = pkt->payload;
  const int len = (int)pkt->rx_ctrl.sig_len - 4; /* without the FCS */
  if (type != WIFI_PKT_MGMT || len < 36 || f[0] != 0x80) return;
  if (s_seen.beacons++ > 0) return;
  s_seen.beacon_bssid_last = f[21];
  for (int at = 36; at + 2 <= len && at + 2 + f[at + 1] <= len; at += 2 + f[at + 1]) {
    if (f[at] == 0) copy_ssid(s_seen.beacon_ssid, f + at + 2, f[at + 1]);
    if (f[at] == 3 && f[at + 1] == 1) s_seen.beacon_channel = f[at + 2];
  }
}

static int start_station(void) {
  CHECK(esp_netif_init() == ESP_OK);
  CHECK(esp_event_loop_create_default() == ESP_OK);
  s_sta_netif = esp_netif_create_default_wifi_sta();
  CHECK(s_sta_netif != NULL && esp_netif_get_handle_from_ifkey("WIFI_STA_DEF") == s_sta_netif);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  return 0;
}

static int join(const char* password) {
  wifi_config_t config = {.sta = {.ssid = "home-router", .threshold.authmode = WIFI_AUTH_WPA2_PSK}};
  strcpy((char*)config.sta.password, password);
  CHECK(esp_wifi_set_config(WIFI_IF_STA, &config) == ESP_OK);
  CHECK(esp_wifi_connect() == ESP_OK);
  /* The attempt holds the radio (ESP_FAIL, and the channel stays). */
  s_seen.set_channel_connecting = esp_wifi_set_channel(3, WIFI_SECOND_CHAN_NONE);
  vTaskDelay(pdMS_TO_TICKS(2000)); /* the attempt's scan takes 1.32 s */
  return 0;
}

static int gateway(void) {
  int line = start_station();
  if (line) return line;
  CHECK(esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_event, NULL) == ESP_OK);
  CHECK(esp_event_handler_register(IP_EVENT, IP_EVENT_STA_GOT_IP, on_event, NULL) == ESP_OK);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_recv_cb(on_espnow) == ESP_OK);
  CHECK(esp_wifi_scan_start(NULL, true) == ESP_OK);
  uint16_t n = 0;
  CHECK(esp_wifi_scan_get_ap_num(&n) == ESP_OK);
  wifi_ap_record_t records[4];
  uint16_t want = 4;
  CHECK(esp_wifi_scan_get_ap_records(&want, records) == ESP_OK && want == n);
  s_seen.scan_found = want;
  for (uint16_t i = 0; i < want; ++i) {
    copy_ssid(s_seen.scan_ssids[i], records[i].ssid, strlen((const char*)records[i].ssid));
    s_seen.scan_channels[i] = records[i].primary;
    s_seen.scan_rssi[i] = records[i].rssi;
    s_seen.scan_authmodes[i] = records[i].authmode;
  }
  uint16_t after = 99;
  CHECK(esp_wifi_scan_get_ap_num(&after) == ESP_OK);
  s_seen.after_read = after;
  uint8_t primary = 0;
  wifi_second_chan_t second;
  CHECK(esp_wifi_get_channel(&primary, &second) == ESP_OK);
  s_seen.channel_after_scan = primary;
  if ((line = join("wrong password"))) return line;
  if ((line = join("correct horse"))) return line;
  CHECK(esp_wifi_get_channel(&primary, &second) == ESP_OK);
  s_seen.channel_after = primary;
  wifi_ap_record_t info;
  CHECK(esp_wifi_sta_get_ap_info(&info) == ESP_OK);
  copy_ssid(s_seen.ap_info_ssid, info.ssid, strlen((const char*)info.ssid));
  s_seen.set_channel_connected = esp_wifi_set_channel(1, WIFI_SECOND_CHAN_NONE);
  CHECK(esp_wifi_get_channel(&primary, &second) == ESP_OK);
  s_seen.channel_after_refused = primary;
  CHECK(esp_wifi_set_promiscuous_rx_cb(on_sniffed) == ESP_OK);
  CHECK(esp_wifi_set_promiscuous(true) == ESP_OK);
  vTaskDelay(pdMS_TO_TICKS(3000)); /* the sensor's messages, and the router's beacons */
  CHECK(esp_wifi_set_promiscuous(false) == ESP_OK);
  const TickType_t t0 = xTaskGetTickCount();
  CHECK(esp_wifi_scan_start(NULL, true) == ESP_OK);
  s_seen.connected_scan_ticks = xTaskGetTickCount() - t0;
  CHECK(esp_wifi_get_channel(&primary, &second) == ESP_OK);
  s_seen.channel_after_connected_scan = primary;
  CHECK(esp_wifi_disconnect() == ESP_OK);
  vTaskDelay(pdMS_TO_TICKS(10));
  s_seen.not_connected_after = esp_wifi_sta_get_ap_info(&info) == ESP_ERR_WIFI_NOT_CONNECT;
  s_seen.set_channel_disconnected = esp_wifi_set_channel(1, WIFI_SECOND_CHAN_NONE);
  return 0;
}

void ap_gateway_app_main(void) { s_seen.setup_failed_line = gateway(); }

static int sensor(void) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  vTaskDelay(pdMS_TO_TICKS(4000)); /* until the gateway is on the router's channel */
  wifi_scan_config_t only = {.ssid = (uint8_t*)"home-router"};
  CHECK(esp_wifi_scan_start(&only, true) == ESP_OK);
  wifi_ap_record_t record;
  uint16_t n = 1;
  CHECK(esp_wifi_scan_get_ap_records(&n, &record) == ESP_OK && n == 1);
  s_seen.sensor_channel = record.primary;
  CHECK(esp_wifi_set_channel(record.primary, WIFI_SECOND_CHAN_NONE) == ESP_OK);
  CHECK(esp_now_init() == ESP_OK);
  esp_now_peer_info_t peer = {.peer_addr = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, .ifidx = WIFI_IF_STA};
  CHECK(esp_now_add_peer(&peer) == ESP_OK);
  for (int i = 0; i < 10; ++i) {
    const uint8_t reading[4] = {'T', (uint8_t)i, 0, 0};
    CHECK(esp_now_send(peer.peer_addr, reading, sizeof reading) == ESP_OK);
    vTaskDelay(pdMS_TO_TICKS(100));
  }
  return 0;
}

void ap_sensor_app_main(void) { s_seen.sensor_failed_line = sensor(); }
