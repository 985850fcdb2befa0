/* Promiscuous mode as ESP-IDF firmware uses it (C11): sniffers in
 * WIFI_MODE_NULL, and an ESP-NOW receiver that takes each message's RSSI
 * from the promiscuous callback, which runs just before the receive
 * callback for the same frame. */
#include "promiscuous_program.h"

#include <stdbool.h>
#include <string.h>

#include "esp_now.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#define CHECK(cond)               \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

static volatile promisc_seen_t s_seen;

static const uint8_t kBroadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static void mac_of(uint8_t last, uint8_t out[6]) {
  const uint8_t mac[6] = {0x02, 0, 0, 0, 0, last};
  memcpy(out, mac, 6);
}

void promisc_reset(void) {
  promisc_seen_t zero = {0};
  zero.sniffed_rssi_min = 1000;
  zero.sniffed_rssi_max = -1000;
  s_seen = zero;
}

promisc_seen_t promisc_seen(void) { return s_seen; }

/* IEEE 802.3's CRC-32, the FCS of an 802.11 frame. */
static uint32_t crc32(const uint8_t* p, unsigned n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

/* "msg-N" or "all-N" anywhere in a frame: its kind ('m' or 'a') and N; 0 if none. */
static char find_message(const uint8_t* p, unsigned n, int* number) {
  for (unsigned i = 0; i + 5 <= n; ++i) {
    if ((p[i] == 'm' && memcmp(p + i, "msg-", 4) == 0) || (p[i] == 'a' && memcmp(p + i, "all-", 4) == 0)) {
      *number = p[i + 4] - '0';
      return (char)p[i];
    }
  }
  return 0;
}

static int wifi_up(wifi_mode_t mode) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_set_mode(mode) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  CHECK(esp_wifi_set_channel(1, WIFI_SECOND_CHAN_NONE) == ESP_OK);
  return 0;
}

/* Promiscuous mode on, with a filter and a callback. */
static int start_sniffing(uint32_t mask, wifi_promiscuous_cb_t cb) {
  const wifi_promiscuous_filter_t filter = {.filter_mask = mask};
  CHECK(esp_wifi_set_promiscuous_filter(&filter) == ESP_OK);
  CHECK(esp_wifi_set_promiscuous_rx_cb(cb) == ESP_OK);
  CHECK(esp_wifi_set_promiscuous(true) == ESP_OK);
  return 0;
}

static void fail_setup(int line) {
  if (line && !s_seen.setup_failed_line) s_seen.setup_failed_line = line;
}

/* ---- the sender ---- */

static void on_sent(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  if (status == ESP_NOW_SEND_SUCCESS) {
    s_seen.sent_ok++;
  } else if (info->des_addr[5] == PROMISC_ABSENT) {
    s_seen.absent_fail++;
  } else {
    s_seen.sent_fail++;
  }
}

static int sender(void) {
  CHECK(wifi_up(WIFI_MODE_STA) == 0);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_send_cb(on_sent) == ESP_OK);
  esp_now_peer_info_t peer = {0};
  peer.ifidx = WIFI_IF_STA;
  mac_of(PROMISC_RECEIVER, peer.peer_addr);
  CHECK(esp_now_add_peer(&peer) == ESP_OK);
  uint8_t receiver[6];
  memcpy(receiver, peer.peer_addr, 6);
  mac_of(PROMISC_ABSENT, peer.peer_addr);
  CHECK(esp_now_add_peer(&peer) == ESP_OK);
  uint8_t absent[6];
  memcpy(absent, peer.peer_addr, 6);
  memcpy(peer.peer_addr, kBroadcast, 6);
  CHECK(esp_now_add_peer(&peer) == ESP_OK);
  vTaskDelay(pdMS_TO_TICKS(500)); /* the others are up and listening */
  CHECK(esp_now_send(absent, (const uint8_t*)"nobody", 6) == ESP_OK);
  for (int n = 0; n < PROMISC_ROUNDS; ++n) {
    vTaskDelay(pdMS_TO_TICKS(100));
    char text[6] = {'m', 's', 'g', '-', (char)('0' + n), 0};
    CHECK(esp_now_send(receiver, (const uint8_t*)text, 5) == ESP_OK);
    vTaskDelay(pdMS_TO_TICKS(20));
    memcpy(text, "all-", 4);
    CHECK(esp_now_send(kBroadcast, (const uint8_t*)text, 5) == ESP_OK);
  }
  return 0;
}

void promisc_sender_app_main(void) { fail_setup(sender()); }

/* ---- the receiver: RSSI from the promiscuous callback ---- */

static volatile int s_last_rssi = 1;
static volatile char s_last_kind;
static volatile int s_last_number = -1;

static void receiver_sniff(void* buf, wifi_promiscuous_pkt_type_t type) {
  if (type != WIFI_PKT_MGMT) return; /* ESP-NOW frames are action frames */
  const wifi_promiscuous_pkt_t* p = (const wifi_promiscuous_pkt_t*)buf;
  s_seen.rx_sniffed++;
  s_last_rssi = p->rx_ctrl.rssi;
  int number = -1;
  s_last_kind = find_message(p->payload, p->rx_ctrl.sig_len, &number);
  s_last_number = number;
}

static void receiver_recv(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  s_seen.rx_messages++;
  if (info->rx_ctrl->rssi == s_last_rssi) s_seen.rx_rssi_matches++;
  int number = -1;
  const char kind = find_message(data, (unsigned)len, &number);
  if (kind && kind == s_last_kind && number == s_last_number) s_seen.rx_sniffed_first++;
}

static int receiver(void) {
  CHECK(wifi_up(WIFI_MODE_STA) == 0);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_recv_cb(receiver_recv) == ESP_OK);
  return start_sniffing(WIFI_PROMIS_FILTER_MASK_MGMT, receiver_sniff);
}

void promisc_receiver_app_main(void) { fail_setup(receiver()); }

/* ---- the sniffer, in WIFI_MODE_NULL ---- */

static void sniff(void* buf, wifi_promiscuous_pkt_type_t type) {
  const wifi_promiscuous_pkt_t* p = (const wifi_promiscuous_pkt_t*)buf;
  const unsigned len = p->rx_ctrl.sig_len;
  if (type == WIFI_PKT_DATA && len >= 24 + 4 && p->payload[10 + 5] == PROMISC_RAW_SENDER) {  /* its data frame: 1 */
    s_seen.raw_data_sniffed++;
    if ((p->payload[22] | p->payload[23] << 8) >> 4 != 1) s_seen.raw_sequence_wrong++;
    return;
  }
  if (type != WIFI_PKT_MGMT) {
    s_seen.sniffed_not_mgmt++;
    return;
  }
  if (len < 24 + 4 + 4) {
    s_seen.sniffed_bad_len++;
    return;
  }
  const uint8_t* f = p->payload;
  const uint32_t fcs = (uint32_t)f[len - 4] | (uint32_t)f[len - 3] << 8 | (uint32_t)f[len - 2] << 16 |
                       (uint32_t)f[len - 1] << 24;
  if (crc32(f, len - 4) != fcs) s_seen.sniffed_bad_fcs++;
  if (p->rx_ctrl.channel != 1) s_seen.sniffed_channel_wrong++;
  if (p->rx_ctrl.rssi < s_seen.sniffed_rssi_min) s_seen.sniffed_rssi_min = p->rx_ctrl.rssi;
  if (p->rx_ctrl.rssi > s_seen.sniffed_rssi_max) s_seen.sniffed_rssi_max = p->rx_ctrl.rssi;
  /* An ESP-NOW frame: an action frame (0xd0) of Espressif's category (127, OUI 18:fe:34). */
  static const uint8_t oui[3] = {0x18, 0xFE, 0x34};
  if (f[0] != 0xD0 || f[24] != 127 || memcmp(f + 25, oui, 3) != 0) {
    if (f[10 + 5] == PROMISC_RAW_SENDER && f[0] == 0x80) {  /* its beacon; sequence 0 */
      s_seen.raw_beacons_sniffed++;
      if ((f[22] | f[23] << 8) >> 4 != 0) s_seen.raw_sequence_wrong++;
      return;
    }
    s_seen.sniffed_other++;
    return;
  }
  if (f[1] & 0x08) s_seen.sniffed_retries++;
  uint8_t receiver_mac[6], absent_mac[6];
  mac_of(PROMISC_RECEIVER, receiver_mac);
  mac_of(PROMISC_ABSENT, absent_mac);
  if (memcmp(f + 4, receiver_mac, 6) == 0) {
    s_seen.sniffed_to_receiver++;
  } else if (memcmp(f + 4, kBroadcast, 6) == 0) {
    s_seen.sniffed_broadcast++;
  } else if (memcmp(f + 4, absent_mac, 6) == 0) {
    s_seen.sniffed_to_absent++;
  } else {
    s_seen.sniffed_other++;
  }
}

static int sniffer(void) {
  CHECK(wifi_up(WIFI_MODE_NULL) == 0);
  CHECK(esp_wifi_set_promiscuous_rx_cb(sniff) == ESP_OK);
  CHECK(esp_wifi_set_promiscuous(true) == ESP_OK);
  return 0;
}

void promisc_sniffer_app_main(void) { fail_setup(sniffer()); }

static void data_sniff(void* buf, wifi_promiscuous_pkt_type_t type) {
  (void)buf;
  (void)type;
  s_seen.data_sniffer_calls++;
}

static int data_sniffer(void) {
  CHECK(wifi_up(WIFI_MODE_NULL) == 0);
  return start_sniffing(WIFI_PROMIS_FILTER_MASK_DATA, data_sniff);
}

void promisc_data_sniffer_app_main(void) { fail_setup(data_sniffer()); }

/* ---- the bystander: ESP-NOW only ---- */

static void bystander_recv(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  (void)info;
  (void)data;
  (void)len;
  s_seen.bystander_messages++;
}

static int bystander(void) {
  CHECK(wifi_up(WIFI_MODE_STA) == 0);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_recv_cb(bystander_recv) == ESP_OK);
  return 0;
}

void promisc_bystander_app_main(void) { fail_setup(bystander()); }

/* ---- a raw sender: esp_wifi_80211_tx ---- */

static void raw_sent(const esp_now_send_info_t* info, esp_now_send_status_t status) {
  s_seen.raw_send_callbacks++;
  if (status == ESP_NOW_SEND_SUCCESS && info->des_addr[5] == PROMISC_RECEIVER) s_seen.raw_send_ok++;
}

static int raw_sender(void) {
  CHECK(wifi_up(WIFI_MODE_STA) == 0);
  CHECK(esp_now_init() == ESP_OK);
  CHECK(esp_now_register_send_cb(raw_sent) == ESP_OK);
  uint8_t me[6], receiver[6];
  mac_of(PROMISC_RAW_SENDER, me);
  mac_of(PROMISC_RECEIVER, receiver);
  vTaskDelay(pdMS_TO_TICKS(300));
  /* A beacon-like management frame to broadcast, its sequence field 0x7FF0 (the driver's replaces it). */
  uint8_t beacon[24 + 4] = {0x80, 0x00, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  memcpy(beacon + 10, me, 6);
  memcpy(beacon + 16, me, 6);
  beacon[22] = 0xF0;
  beacon[23] = 0x7F;
  memcpy(beacon + 24, "RAW!", 4);
  CHECK(esp_wifi_80211_tx(WIFI_IF_STA, beacon, sizeof beacon, true) == ESP_OK);
  /* A data frame to the receiver: its radio acknowledges, its ESP-NOW stack drops it. */
  uint8_t data[24 + 8] = {0x08, 0x00};
  memcpy(data + 4, receiver, 6);
  memcpy(data + 10, me, 6);
  memcpy(data + 16, me, 6);
  memcpy(data + 24, "raw data", 8);
  CHECK(esp_wifi_80211_tx(WIFI_IF_STA, data, sizeof data, true) == ESP_OK);
  /* Then an ESP-NOW message: its send callback reports it, and only it. */
  esp_now_peer_info_t peer = {.ifidx = WIFI_IF_STA};
  memcpy(peer.peer_addr, receiver, 6);
  CHECK(esp_now_add_peer(&peer) == ESP_OK);
  CHECK(esp_now_send(receiver, (const uint8_t*)"msg-0", 5) == ESP_OK);
  /* Its errors. */
  CHECK(esp_wifi_80211_tx(WIFI_IF_STA, beacon, 23, true) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_80211_tx(WIFI_IF_STA, NULL, 24, true) == ESP_ERR_INVALID_ARG);
  static uint8_t big[1501];
  CHECK(esp_wifi_80211_tx(WIFI_IF_STA, big, sizeof big, true) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_80211_tx(WIFI_IF_AP, beacon, sizeof beacon, true) == ESP_ERR_WIFI_IF); /* STA mode */
  CHECK(esp_wifi_80211_tx((wifi_interface_t)9, beacon, sizeof beacon, true) == ESP_ERR_WIFI_IF);
  return 0;
}

void promisc_raw_sender_app_main(void) { fail_setup(raw_sender()); }

/* ---- errors and settings ---- */

static void unused_cb(void* buf, wifi_promiscuous_pkt_type_t type) {
  (void)buf;
  (void)type;
}

int promisc_program_errors(void) {
  bool on = true;
  wifi_promiscuous_filter_t filter = {0};
  CHECK(esp_wifi_set_promiscuous(true) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_80211_tx(WIFI_IF_STA, &filter, 24, true) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_get_promiscuous(&on) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_set_promiscuous_rx_cb(unused_cb) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_set_promiscuous_filter(&filter) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_get_promiscuous_filter(&filter) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_set_promiscuous_ctrl_filter(&filter) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_get_promiscuous_ctrl_filter(&filter) == ESP_ERR_WIFI_NOT_INIT);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_get_promiscuous(&on) == ESP_OK && !on);
  CHECK(esp_wifi_get_promiscuous(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_get_promiscuous_filter(&filter) == ESP_OK);
  CHECK(filter.filter_mask == (WIFI_PROMIS_FILTER_MASK_ALL & ~(uint32_t)WIFI_PROMIS_FILTER_MASK_MISC));
  CHECK(esp_wifi_get_promiscuous_ctrl_filter(&filter) == ESP_OK && filter.filter_mask == 0);
  CHECK(esp_wifi_set_promiscuous_filter(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_get_promiscuous_filter(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_set_promiscuous_ctrl_filter(NULL) == ESP_ERR_INVALID_ARG);
  CHECK(esp_wifi_get_promiscuous_ctrl_filter(NULL) == ESP_ERR_INVALID_ARG);
  filter.filter_mask = WIFI_PROMIS_FILTER_MASK_MGMT | WIFI_PROMIS_FILTER_MASK_DATA;
  CHECK(esp_wifi_set_promiscuous_filter(&filter) == ESP_OK);
  filter.filter_mask = WIFI_PROMIS_CTRL_FILTER_MASK_ACK;
  CHECK(esp_wifi_set_promiscuous_ctrl_filter(&filter) == ESP_OK);
  CHECK(esp_wifi_get_promiscuous_filter(&filter) == ESP_OK);
  CHECK(filter.filter_mask == (WIFI_PROMIS_FILTER_MASK_MGMT | WIFI_PROMIS_FILTER_MASK_DATA));
  CHECK(esp_wifi_get_promiscuous_ctrl_filter(&filter) == ESP_OK);
  CHECK(filter.filter_mask == WIFI_PROMIS_CTRL_FILTER_MASK_ACK);
  CHECK(esp_wifi_set_promiscuous_rx_cb(NULL) == ESP_OK);
  CHECK(esp_wifi_set_promiscuous(true) == ESP_OK);
  CHECK(esp_wifi_get_promiscuous(&on) == ESP_OK && on);
  CHECK(esp_wifi_start() == ESP_OK); /* in WIFI_MODE_NULL */
  CHECK(esp_wifi_stop() == ESP_OK);
  CHECK(esp_wifi_get_promiscuous(&on) == ESP_OK && on); /* it outlasts a stop */
  CHECK(esp_wifi_deinit() == ESP_OK);
  CHECK(esp_wifi_get_promiscuous(&on) == ESP_ERR_WIFI_NOT_INIT);
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_get_promiscuous(&on) == ESP_OK && !on); /* deinit turned it off */
  CHECK(esp_wifi_deinit() == ESP_OK);
  return 0;
}
