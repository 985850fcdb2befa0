/* An ESP-NOW program whose callbacks take the arguments of the ESP-IDF it is
 * compiled for: the receive callback a MAC before 5.0 and esp_now_recv_info_t
 * from 5.0, the send callback a MAC before 5.5 and esp_now_send_info_t
 * (wifi_tx_info_t) from 5.5. SHAPES_NAME names its entry points per version (callback_shapes.h).
 * It runs on the calling thread's emulated chip. */
#include <stdatomic.h>
#include <string.h>

#include "callback_shapes.h"
#include "esp_idf_version.h"
#include "esp_now.h"
#include "esp_wifi.h"

#define SHAPES_CAT2(a, b) a##b
#define SHAPES_CAT(a, b) SHAPES_CAT2(a, b)
#define SHAPES_FN(name) SHAPES_CAT(SHAPES_NAME, name)

/* Written on the Wi-Fi task; a callback fills its fields, then counts
 * itself (release), so a reader that sees the count sees the fields. */
static shapes_result_t g_result;
static atomic_int g_sent, g_received;

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
_Static_assert(ESP_NOW_MAX_IE_DATA_LEN == 250, "a v1 frame's body");
_Static_assert(sizeof(((wifi_tx_info_t*)0)->data_len) == 1, "uint8_t, as in esp_wifi_types_generic.h");

/* Written with esp_wifi.h's name, as 5.5 code may: esp_now_send_info_t is it. */
static void on_send(const wifi_tx_info_t* info, esp_now_send_status_t status) {
  const wifi_tx_status_t tx_status = info->tx_status;
  memcpy(g_result.sent_mac, info->des_addr, 6);
  memcpy(g_result.sent_src, info->src_addr, 6);
  g_result.sent_ifidx = (int)info->ifidx;
  g_result.sent_status = (tx_status == WIFI_SEND_SUCCESS) == (status == ESP_NOW_SEND_SUCCESS) ? (int)status : -1;
  atomic_fetch_add_explicit(&g_sent, 1, memory_order_release);
}
#else
static void on_send(const uint8_t* mac, esp_now_send_status_t status) {
  memcpy(g_result.sent_mac, mac, 6);
  g_result.sent_status = (int)status;
  atomic_fetch_add_explicit(&g_sent, 1, memory_order_release);
}
#endif

static void record_received(const uint8_t* src, const uint8_t* data, int len) {
  memcpy(g_result.recv_mac, src, 6);
  if (len >= (int)sizeof g_result.recv_data) len = (int)sizeof g_result.recv_data - 1;
  memcpy(g_result.recv_data, data, (size_t)len);
  g_result.recv_data[len] = '\0';
  atomic_fetch_add_explicit(&g_received, 1, memory_order_release);
}

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0)
static void on_recv(const esp_now_recv_info_t* info, const uint8_t* data, int len) {
  record_received(info->src_addr, data, len);
}
#else
static void on_recv(const uint8_t* mac, const uint8_t* data, int len) { record_received(mac, data, len); }
#endif

int SHAPES_FN(_start)(const uint8_t peer[6], int ap) {
  memset(&g_result, 0, sizeof g_result);
  g_result.sent_status = -1;
  g_result.sent_ifidx = -1;
  atomic_store(&g_sent, 0);
  atomic_store(&g_received, 0);
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  esp_err_t err = esp_wifi_init(&cfg);
  if (err == ESP_OK) err = esp_wifi_set_mode(ap ? WIFI_MODE_AP : WIFI_MODE_STA);
  if (err == ESP_OK) err = esp_wifi_start();
  if (err == ESP_OK) err = esp_now_init();
  if (err == ESP_OK) err = esp_now_register_send_cb(on_send);
  if (err == ESP_OK) err = esp_now_register_recv_cb(on_recv);
  esp_now_peer_info_t p;
  memset(&p, 0, sizeof p);
  memcpy(p.peer_addr, peer, 6);
  p.ifidx = ap ? WIFI_IF_AP : WIFI_IF_STA;
  if (err == ESP_OK) err = esp_now_add_peer(&p);
  return err;
}

int SHAPES_FN(_send)(const uint8_t peer[6], const char* text) {
  if (!esp_now_is_peer_exist(peer)) {
    esp_now_peer_info_t p;
    memset(&p, 0, sizeof p);
    memcpy(p.peer_addr, peer, 6);
    esp_err_t err = esp_now_add_peer(&p);
    if (err != ESP_OK) return err;
  }
  return esp_now_send(peer, (const uint8_t*)text, strlen(text));
}

/* Call only while no callback runs: after the count the test waited for. */
void SHAPES_FN(_result)(shapes_result_t* out) {
  const int sent = atomic_load_explicit(&g_sent, memory_order_acquire);
  const int received = atomic_load_explicit(&g_received, memory_order_acquire);
  *out = g_result;
  out->sent = sent;
  out->received = received;
}

int SHAPES_FN(_counts)(void) {
  return atomic_load_explicit(&g_sent, memory_order_acquire) * 1000 +
         atomic_load_explicit(&g_received, memory_order_acquire);
}

int SHAPES_FN(_version)(void) { return ESP_IDF_VERSION; }
