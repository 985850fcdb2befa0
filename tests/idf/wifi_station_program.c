/* A station's settings and connection attempts (C11), as ESP-IDF firmware
 * writes them: esp_wifi_set_config with designated initializers, an event
 * handler that connects again on each disconnection, ESP-NOW alongside. */
#include "wifi_station_program.h"

#include <string.h>

#include "esp_event.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

static volatile station_seen_t s_seen;

void station_reset(void) {
  station_seen_t zero = {0};
  s_seen = zero;
}

station_seen_t station_seen(void) { return s_seen; }

static void on_wifi_event(void* arg, esp_event_base_t base, int32_t id, void* data) {
  (void)arg;
  if (base == WIFI_EVENT && id == WIFI_EVENT_SCAN_DONE) {
    const wifi_event_sta_scan_done_t* done = (const wifi_event_sta_scan_done_t*)data;
    s_seen.scans_done++;
    s_seen.last_scan_done_tick = xTaskGetTickCount();
    s_seen.last_scan_found = done->number;
    s_seen.last_scan_id = done->scan_id;
    return;
  }
  if (base != WIFI_EVENT || id != WIFI_EVENT_STA_DISCONNECTED) return;
  const wifi_event_sta_disconnected_t* event = (const wifi_event_sta_disconnected_t*)data;
  const uint32_t n = s_seen.disconnects;
  if (n < 4) s_seen.disconnect_ticks[n] = xTaskGetTickCount();
  s_seen.last_reason = event->reason;
  memcpy((char*)s_seen.last_ssid, event->ssid, event->ssid_len);
  s_seen.last_ssid[event->ssid_len] = '\0';
  s_seen.disconnects = n + 1;
  esp_wifi_connect(); /* the station example's retry */
}

static void on_espnow(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  (void)info;
  (void)data;
  (void)len;
  s_seen.espnow_received++;
}

static int gateway(void) {
  CHECK(esp_event_loop_create_default() == ESP_OK);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi_event, NULL) == ESP_OK);
  CHECK(esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  wifi_config_t wifi_config = {
      .sta =
          {
              .ssid = "home-router",
              .password = "correct horse",
              .threshold.authmode = WIFI_AUTH_WPA2_PSK,
              .sae_pwe_h2e = WPA3_SAE_PWE_BOTH,
          },
  };
  CHECK(esp_wifi_set_config(WIFI_IF_STA, &wifi_config) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_recv_cb(on_espnow) == ESP_OK);
  /* Where is the router? 11 channels, 50 ms each: nobody. */
  wifi_scan_config_t quick = {.scan_time.active.max = 50};
  const TickType_t t0 = xTaskGetTickCount();
  CHECK(esp_wifi_scan_start(&quick, true) == ESP_OK);
  s_seen.blocking_scan_ticks = xTaskGetTickCount() - t0;
  uint16_t found = 99;
  CHECK(esp_wifi_scan_get_ap_num(&found) == ESP_OK && found == 0);
  wifi_ap_record_t records[4];
  found = 4;
  CHECK(esp_wifi_scan_get_ap_records(&found, records) == ESP_OK && found == 0);
  wifi_ap_record_t info;
  CHECK(esp_wifi_sta_get_ap_info(&info) == ESP_ERR_WIFI_NOT_CONNECT);
  /* Channel 6 alone, passive (360 ms), in the background. */
  wifi_scan_config_t one = {.channel = 6, .scan_type = WIFI_SCAN_TYPE_PASSIVE};
  s_seen.scan_start_tick = xTaskGetTickCount();
  CHECK(esp_wifi_scan_start(&one, false) == ESP_OK);
  CHECK(esp_wifi_scan_start(&one, false) == ESP_ERR_WIFI_STATE);
  CHECK(esp_wifi_set_channel(3, WIFI_SECOND_CHAN_NONE) == ESP_FAIL); /* the scan holds the radio */
  vTaskDelay(pdMS_TO_TICKS(500));
  s_seen.connect_tick = xTaskGetTickCount();
  CHECK(esp_wifi_connect() == ESP_OK);
  CHECK(esp_wifi_scan_start(NULL, false) == ESP_ERR_WIFI_STATE); /* while it connects */
  return 0;
}

void station_gateway_app_main(void) { s_seen.setup_failed_line = gateway(); }

void station_sender_app_main(void) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  esp_wifi_init(&cfg);
  esp_wifi_set_mode(WIFI_MODE_STA);
  esp_wifi_start();
  esp_now_init();
  esp_now_peer_info_t peer = {.peer_addr = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, .ifidx = WIFI_IF_STA};
  esp_now_add_peer(&peer);
  for (int i = 0; i < 30; ++i) {
    vTaskDelay(pdMS_TO_TICKS(100));
    esp_now_send(peer.peer_addr, (const uint8_t*)"sensor", 6);
  }
}

int station_program_errors(void) {
  wifi_config_t conf = {0};
  CHECK(esp_wifi_set_config(WIFI_IF_STA, &conf) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_get_config(WIFI_IF_STA, &conf) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_connect() == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_disconnect() == ESP_ERR_WIFI_NOT_INIT);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_set_config(WIFI_IF_STA, &conf) == ESP_ERR_WIFI_MODE); /* WIFI_MODE_NULL */
  CHECK(esp_wifi_set_mode(WIFI_MODE_STA) == ESP_OK);
  CHECK(esp_wifi_set_config(WIFI_IF_AP, &conf) == ESP_ERR_WIFI_MODE);
  CHECK(esp_wifi_set_config(WIFI_IF_STA, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_set_config((wifi_interface_t)7, &conf) == ESP_ERR_WIFI_IF);
  wifi_config_t sta = {.sta = {.ssid = "office", .password = "p4ssw0rd!", .channel = 6}};
  CHECK(esp_wifi_set_config(WIFI_IF_STA, &sta) == ESP_OK);
  CHECK(esp_wifi_get_config(WIFI_IF_STA, &conf) == ESP_OK);
  CHECK(strcmp((const char*)conf.sta.ssid, "office") == 0 && conf.sta.channel == 6);
  CHECK(strcmp((const char*)conf.sta.password, "p4ssw0rd!") == 0);
  CHECK(esp_wifi_connect() == ESP_ERR_WIFI_NOT_STARTED);
  CHECK(esp_wifi_disconnect() == ESP_ERR_WIFI_NOT_STARTED);
  CHECK(esp_wifi_scan_start(NULL, false) == ESP_ERR_WIFI_NOT_STARTED);
  uint16_t found = 0;
  CHECK(esp_wifi_scan_get_ap_num(&found) == ESP_ERR_WIFI_NOT_STARTED);
  CHECK(esp_wifi_scan_get_ap_num(NULL) == ESP_ERR_INVALID_ARG);
  wifi_ap_record_t info;
  CHECK(esp_wifi_sta_get_ap_info(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_sta_get_ap_info(&info) == ESP_ERR_WIFI_NOT_CONNECT);
  uint8_t protocols = 0;
  CHECK(esp_wifi_get_protocol(WIFI_IF_STA, &protocols) == ESP_OK);
  CHECK(protocols == (WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N));
  CHECK(esp_wifi_set_protocol(WIFI_IF_STA, WIFI_PROTOCOL_11B | WIFI_PROTOCOL_LR) == ESP_OK);
  CHECK(esp_wifi_get_protocol(WIFI_IF_STA, &protocols) == ESP_OK);
  CHECK(protocols == (WIFI_PROTOCOL_11B | WIFI_PROTOCOL_LR));
  CHECK(esp_wifi_get_protocol(WIFI_IF_AP, &protocols) == ESP_OK);
  CHECK(protocols == (WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N)); /* per interface */
  CHECK(esp_wifi_get_protocol(WIFI_IF_STA, NULL) == ESP_ERR_INVALID_ARG);
  wifi_ps_type_t ps = WIFI_PS_NONE;
  CHECK(esp_wifi_get_ps(&ps) == ESP_OK && ps == WIFI_PS_MIN_MODEM);
  CHECK(esp_wifi_set_ps(WIFI_PS_NONE) == ESP_OK);
  CHECK(esp_wifi_get_ps(&ps) == ESP_OK && ps == WIFI_PS_NONE);
  CHECK(esp_wifi_set_ps((wifi_ps_type_t)7) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_get_ps(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_start() == ESP_OK);
  CHECK(esp_wifi_connect() == ESP_OK);
  CHECK(esp_wifi_disconnect() == ESP_OK);
  CHECK(esp_wifi_stop() == ESP_OK);
  /* A soft-AP: its password and channel. */
  CHECK(esp_wifi_set_mode(WIFI_MODE_AP) == ESP_OK);
  wifi_config_t ap = {.ap = {.ssid = "espnow-ap", .password = "short", .channel = 6, .authmode = WIFI_AUTH_WPA2_PSK,
                             .max_connection = 4}};
  CHECK(esp_wifi_set_config(WIFI_IF_AP, &ap) == ESP_ERR_WIFI_PASSWORD);
  ap.ap.authmode = WIFI_AUTH_OPEN; /* an open soft-AP needs none */
  CHECK(esp_wifi_set_config(WIFI_IF_AP, &ap) == ESP_OK);
  ap.ap.authmode = WIFI_AUTH_WPA2_PSK;
  strcpy((char*)ap.ap.password, "long enough");
  ap.ap.channel = 15;
  CHECK(esp_wifi_set_config(WIFI_IF_AP, &ap) == ESP_ERR_INVALID_ARG);
  ap.ap.channel = 6;
  CHECK(esp_wifi_set_config(WIFI_IF_AP, &ap) == ESP_OK);
  CHECK(esp_wifi_connect() == ESP_ERR_WIFI_NOT_STARTED);
  CHECK(esp_wifi_start() == ESP_OK);
  uint8_t channel = 0;
  wifi_second_chan_t second;
  CHECK(esp_wifi_get_channel(&channel, &second) == ESP_OK && channel == 6); /* the soft-AP's */
  ap.ap.channel = 9;
  CHECK(esp_wifi_set_config(WIFI_IF_AP, &ap) == ESP_OK); /* a running soft-AP moves at once */
  CHECK(esp_wifi_get_channel(&channel, &second) == ESP_OK && channel == 9);
  CHECK(esp_wifi_connect() == ESP_ERR_WIFI_MODE); /* no station interface */
  CHECK(esp_wifi_sta_get_ap_info(&info) == ESP_ERR_WIFI_CONN);
  CHECK(esp_wifi_scan_start(NULL, false) == ESP_OK);
  CHECK(esp_wifi_scan_stop() == ESP_OK); /* ends it: a new one may start */
  CHECK(esp_wifi_scan_start(NULL, false) == ESP_OK);
  CHECK(esp_wifi_get_config(WIFI_IF_AP, &conf) == ESP_OK && conf.ap.channel == 9 && conf.ap.max_connection == 4);
  CHECK(esp_wifi_stop() == ESP_OK); /* ends the scan too */
  CHECK(esp_wifi_deinit() == ESP_OK);
  CHECK(esp_wifi_scan_stop() == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_sta_get_ap_info(&info) == ESP_ERR_WIFI_NOT_INIT);
  return 0;
}
