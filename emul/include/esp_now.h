/* ESP-IDF's esp_now.h (host emulation). Names, signatures, constants and
 * error numbers matched against ESP-IDF v5.5 as documented; the callback
 * types follow ESP_IDF_VERSION, as they changed in 5.0 (receive) and 5.5
 * (send status), and the chip calls them in that shape. Implemented on SoftLink over the virtual air: callbacks run
 * on the selected chip's own "Wi-Fi task" thread, as on the chip. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_idf_version.h"
#include "esp_wifi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_ERR_ESPNOW_BASE (ESP_ERR_WIFI_BASE + 100)
#define ESP_ERR_ESPNOW_NOT_INIT (ESP_ERR_ESPNOW_BASE + 1)
#define ESP_ERR_ESPNOW_ARG (ESP_ERR_ESPNOW_BASE + 2)
#define ESP_ERR_ESPNOW_NO_MEM (ESP_ERR_ESPNOW_BASE + 3)
#define ESP_ERR_ESPNOW_FULL (ESP_ERR_ESPNOW_BASE + 4)
#define ESP_ERR_ESPNOW_NOT_FOUND (ESP_ERR_ESPNOW_BASE + 5)
#define ESP_ERR_ESPNOW_INTERNAL (ESP_ERR_ESPNOW_BASE + 6)
#define ESP_ERR_ESPNOW_EXIST (ESP_ERR_ESPNOW_BASE + 7)
#define ESP_ERR_ESPNOW_IF (ESP_ERR_ESPNOW_BASE + 8)
#define ESP_ERR_ESPNOW_CHAN (ESP_ERR_ESPNOW_BASE + 9)

#define ESP_NOW_ETH_ALEN 6
#define ESP_NOW_KEY_LEN 16
#define ESP_NOW_MAX_TOTAL_PEER_NUM 20
#define ESP_NOW_MAX_ENCRYPT_PEER_NUM 6
#define ESP_NOW_MAX_IE_DATA_LEN 250
#define ESP_NOW_MAX_DATA_LEN ESP_NOW_MAX_IE_DATA_LEN
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 4, 0)
#define ESP_NOW_MAX_DATA_LEN_V2 1470
#endif

typedef enum {
  ESP_NOW_SEND_SUCCESS = 0,
  ESP_NOW_SEND_FAIL,
} esp_now_send_status_t;

typedef struct esp_now_peer_info {
  uint8_t peer_addr[ESP_NOW_ETH_ALEN];
  uint8_t lmk[ESP_NOW_KEY_LEN];
  uint8_t channel;  /* 0: the current channel */
  wifi_interface_t ifidx;
  bool encrypt;
  void* priv;
} esp_now_peer_info_t;

typedef struct esp_now_peer_num {
  int total_num;
  int encrypt_num;
} esp_now_peer_num_t;

typedef struct esp_now_recv_info {
  uint8_t* src_addr;
  uint8_t* des_addr;
  wifi_pkt_rx_ctrl_t* rx_ctrl;
} esp_now_recv_info_t;

typedef struct esp_now_rate_config {
  wifi_phy_mode_t phymode;
  wifi_phy_rate_t rate;
  bool ersu;
  bool dcm;
} esp_now_rate_config_t;

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
/* esp_wifi.h's wifi_tx_info_t, as in ESP-IDF 5.5: a callback may be written
 * with either name. */
typedef wifi_tx_info_t esp_now_send_info_t;
typedef void (*esp_now_send_cb_t)(const esp_now_send_info_t* tx_info, esp_now_send_status_t status);
#else
typedef void (*esp_now_send_cb_t)(const uint8_t* mac_addr, esp_now_send_status_t status);
#endif

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0)
typedef void (*esp_now_recv_cb_t)(const esp_now_recv_info_t* esp_now_info, const uint8_t* data, int data_len);
#else
typedef void (*esp_now_recv_cb_t)(const uint8_t* mac_addr, const uint8_t* data, int data_len);
#endif

/* ESP_ERR_ESPNOW_INTERNAL when Wi-Fi is not initialised. */
esp_err_t esp_now_init(void);
/* Also removes every peer. */
esp_err_t esp_now_deinit(void);
/* 1 or 2: the chip's ESP-NOW protocol version. */
esp_err_t esp_now_get_version(uint32_t* version);

/* The emulated chip calls each callback in the shape of the ESP-IDF the
 * *program* was compiled for: the receive callback with a MAC before 5.0 and
 * with esp_now_recv_info_t from 5.0; the send callback with a MAC before 5.5
 * and with esp_now_send_info_t from 5.5. So the registrations are inline and
 * hand the library the program's ESP_IDF_VERSION with the callback. */
typedef void (*espnow_emul_any_cb_t)(void);
esp_err_t espnow_emul_register_recv_cb(espnow_emul_any_cb_t cb, uint32_t idf_version);
esp_err_t espnow_emul_register_send_cb(espnow_emul_any_cb_t cb, uint32_t idf_version);

static inline esp_err_t esp_now_register_recv_cb(esp_now_recv_cb_t cb) {
  return espnow_emul_register_recv_cb((espnow_emul_any_cb_t)cb, (uint32_t)ESP_IDF_VERSION);
}
static inline esp_err_t esp_now_register_send_cb(esp_now_send_cb_t cb) {
  return espnow_emul_register_send_cb((espnow_emul_any_cb_t)cb, (uint32_t)ESP_IDF_VERSION);
}
esp_err_t esp_now_unregister_recv_cb(void);
esp_err_t esp_now_unregister_send_cb(void);

/* peer_addr NULL: every unicast peer. `data` may be reused on return. */
esp_err_t esp_now_send(const uint8_t* peer_addr, const uint8_t* data, size_t len);

esp_err_t esp_now_add_peer(const esp_now_peer_info_t* peer);
esp_err_t esp_now_del_peer(const uint8_t* peer_addr);
esp_err_t esp_now_mod_peer(const esp_now_peer_info_t* peer);
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 1, 0)
esp_err_t esp_now_set_peer_rate_config(const uint8_t* peer_addr, esp_now_rate_config_t* config);
#endif
esp_err_t esp_now_get_peer(const uint8_t* peer_addr, esp_now_peer_info_t* peer);
/* Walks the unicast peers; broadcast and multicast peers are skipped. */
esp_err_t esp_now_fetch_peer(bool from_head, esp_now_peer_info_t* peer);
bool esp_now_is_peer_exist(const uint8_t* peer_addr);
esp_err_t esp_now_get_peer_num(esp_now_peer_num_t* num);

esp_err_t esp_now_set_pmk(const uint8_t* pmk);
esp_err_t esp_now_set_wake_window(uint16_t window);

#ifdef __cplusplus
}
#endif
