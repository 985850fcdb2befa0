/* ESP-IDF's esp_wifi.h (with the types of esp_wifi_types.h), the subset
 * ESP-NOW code touches (host emulation). Names, signatures and values matched
 * against ESP-IDF v5.5 as documented. Each emulated chip is one radio on the
 * virtual air: its STA/AP interfaces, channel and MACs are the radio's. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_idf_version.h"
#include "esp_wifi_types.h"
#include "espnow_emul_sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_ERR_WIFI_NOT_INIT (ESP_ERR_WIFI_BASE + 1)
#define ESP_ERR_WIFI_NOT_STARTED (ESP_ERR_WIFI_BASE + 2)
#define ESP_ERR_WIFI_NOT_STOPPED (ESP_ERR_WIFI_BASE + 3)
#define ESP_ERR_WIFI_IF (ESP_ERR_WIFI_BASE + 4)
#define ESP_ERR_WIFI_MODE (ESP_ERR_WIFI_BASE + 5)
#define ESP_ERR_WIFI_STATE (ESP_ERR_WIFI_BASE + 6)
#define ESP_ERR_WIFI_CONN (ESP_ERR_WIFI_BASE + 7)
#define ESP_ERR_WIFI_NVS (ESP_ERR_WIFI_BASE + 8)
#define ESP_ERR_WIFI_MAC (ESP_ERR_WIFI_BASE + 9)
#define ESP_ERR_WIFI_SSID (ESP_ERR_WIFI_BASE + 10)
#define ESP_ERR_WIFI_PASSWORD (ESP_ERR_WIFI_BASE + 11)
#define ESP_ERR_WIFI_NOT_CONNECT (ESP_ERR_WIFI_BASE + 15)

typedef enum {
  WIFI_MODE_NULL = 0,
  WIFI_MODE_STA,
  WIFI_MODE_AP,
  WIFI_MODE_APSTA,
  WIFI_MODE_NAN,
  WIFI_MODE_MAX
} wifi_mode_t;

typedef enum {
  WIFI_IF_STA = 0,
  WIFI_IF_AP = 1,
  WIFI_IF_NAN = 2,
  WIFI_IF_MAX
} wifi_interface_t;

/* The older names the espnow example still uses. */
#define ESP_IF_WIFI_STA WIFI_IF_STA
#define ESP_IF_WIFI_AP WIFI_IF_AP

typedef enum {
  WIFI_SECOND_CHAN_NONE = 0,
  WIFI_SECOND_CHAN_ABOVE,
  WIFI_SECOND_CHAN_BELOW,
} wifi_second_chan_t;

typedef enum {
  WIFI_COUNTRY_POLICY_AUTO,   /* the connected AP's country, else the configured one */
  WIFI_COUNTRY_POLICY_MANUAL, /* always the configured one */
} wifi_country_policy_t;

typedef struct {
  char cc[3];                   /* country code string */
  uint8_t schan;                /* first channel */
  uint8_t nchan;                /* number of channels */
  int8_t max_tx_power;          /* dBm; read by esp_wifi_get_country, ignored when set */
  wifi_country_policy_t policy;
} wifi_country_t;

typedef enum {
  WIFI_STORAGE_FLASH,
  WIFI_STORAGE_RAM,
} wifi_storage_t;

typedef enum {
  WIFI_PS_NONE,
  WIFI_PS_MIN_MODEM,
  WIFI_PS_MAX_MODEM,
} wifi_ps_type_t;

typedef enum {
  WIFI_BW_HT20 = 1,
  WIFI_BW20 = WIFI_BW_HT20,
  WIFI_BW_HT40 = 2,
  WIFI_BW40 = WIFI_BW_HT40,
  WIFI_BW80 = 3,
  WIFI_BW160 = 4,
  WIFI_BW80_BW80 = 5,
} wifi_bandwidth_t;

#define WIFI_PROTOCOL_11B 0x1
#define WIFI_PROTOCOL_11G 0x2
#define WIFI_PROTOCOL_11N 0x4
#define WIFI_PROTOCOL_LR 0x8

typedef enum {
  WIFI_PHY_RATE_1M_L = 0x00,
  WIFI_PHY_RATE_2M_L = 0x01,
  WIFI_PHY_RATE_5M_L = 0x02,
  WIFI_PHY_RATE_11M_L = 0x03,
  WIFI_PHY_RATE_2M_S = 0x05,
  WIFI_PHY_RATE_5M_S = 0x06,
  WIFI_PHY_RATE_11M_S = 0x07,
  WIFI_PHY_RATE_48M = 0x08,
  WIFI_PHY_RATE_24M = 0x09,
  WIFI_PHY_RATE_12M = 0x0A,
  WIFI_PHY_RATE_6M = 0x0B,
  WIFI_PHY_RATE_54M = 0x0C,
  WIFI_PHY_RATE_36M = 0x0D,
  WIFI_PHY_RATE_18M = 0x0E,
  WIFI_PHY_RATE_9M = 0x0F,
  WIFI_PHY_RATE_MCS0_LGI = 0x10,
  WIFI_PHY_RATE_MCS7_SGI = 0x1F,
  WIFI_PHY_RATE_LORA_250K = 0x29,
  WIFI_PHY_RATE_LORA_500K = 0x2A,
  WIFI_PHY_RATE_MAX,
} wifi_phy_rate_t;

typedef enum {
  WIFI_PHY_MODE_LR,
  WIFI_PHY_MODE_11B,
  WIFI_PHY_MODE_11G,
  WIFI_PHY_MODE_11A,
  WIFI_PHY_MODE_HT20,
  WIFI_PHY_MODE_HT40,
  WIFI_PHY_MODE_HE20,
  WIFI_PHY_MODE_VHT20,
} wifi_phy_mode_t;

typedef enum {
  WIFI_AUTH_OPEN = 0,
  WIFI_AUTH_WEP,
  WIFI_AUTH_WPA_PSK,
  WIFI_AUTH_WPA2_PSK,
  WIFI_AUTH_WPA_WPA2_PSK,
  WIFI_AUTH_ENTERPRISE,
  WIFI_AUTH_WPA2_ENTERPRISE = WIFI_AUTH_ENTERPRISE,
  WIFI_AUTH_WPA3_PSK,
  WIFI_AUTH_WPA2_WPA3_PSK,
  WIFI_AUTH_WAPI_PSK,
  WIFI_AUTH_OWE,
  WIFI_AUTH_WPA3_ENT_192,
  WIFI_AUTH_WPA3_EXT_PSK,
  WIFI_AUTH_WPA3_EXT_PSK_MIXED_MODE,
  WIFI_AUTH_DPP,
  WIFI_AUTH_DUMMY1,
  WIFI_AUTH_DUMMY2,
  WIFI_AUTH_WPA_ENTERPRISE,
  WIFI_AUTH_MAX
} wifi_auth_mode_t;

/* WIFI_EVENT_STA_CONNECTED's data (esp_wifi_types_generic.h; here, after
 * the auth modes it names). */
typedef struct {
  uint8_t ssid[32];
  uint8_t ssid_len;
  uint8_t bssid[6];
  uint8_t channel;
  wifi_auth_mode_t authmode;
  uint16_t aid;
} wifi_event_sta_connected_t;

/* The disconnection reasons of WIFI_EVENT_STA_DISCONNECTED; the emulation
 * gives WIFI_REASON_NO_AP_FOUND (no router of the SSID reaches the chip),
 * WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY (one does, below the
 * config's threshold.authmode), WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT (a wrong
 * password) and WIFI_REASON_ASSOC_LEAVE (esp_wifi_disconnect). */
typedef enum {
  WIFI_REASON_UNSPECIFIED = 1,
  WIFI_REASON_AUTH_EXPIRE = 2,
  WIFI_REASON_AUTH_LEAVE = 3,
  WIFI_REASON_ASSOC_EXPIRE = 4,
  WIFI_REASON_DISASSOC_DUE_TO_INACTIVITY = 4,
  WIFI_REASON_ASSOC_TOOMANY = 5,
  WIFI_REASON_NOT_AUTHED = 6,
  WIFI_REASON_CLASS2_FRAME_FROM_NONAUTH_STA = 6,
  WIFI_REASON_NOT_ASSOCED = 7,
  WIFI_REASON_CLASS3_FRAME_FROM_NONASSOC_STA = 7,
  WIFI_REASON_ASSOC_LEAVE = 8,
  WIFI_REASON_ASSOC_NOT_AUTHED = 9,
  WIFI_REASON_DISASSOC_PWRCAP_BAD = 10,
  WIFI_REASON_DISASSOC_SUPCHAN_BAD = 11,
  WIFI_REASON_BSS_TRANSITION_DISASSOC = 12,
  WIFI_REASON_IE_INVALID = 13,
  WIFI_REASON_MIC_FAILURE = 14,
  WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT = 15,
  WIFI_REASON_GROUP_KEY_UPDATE_TIMEOUT = 16,
  WIFI_REASON_IE_IN_4WAY_DIFFERS = 17,
  WIFI_REASON_GROUP_CIPHER_INVALID = 18,
  WIFI_REASON_PAIRWISE_CIPHER_INVALID = 19,
  WIFI_REASON_AKMP_INVALID = 20,
  WIFI_REASON_UNSUPP_RSN_IE_VERSION = 21,
  WIFI_REASON_INVALID_RSN_IE_CAP = 22,
  WIFI_REASON_802_1X_AUTH_FAILED = 23,
  WIFI_REASON_CIPHER_SUITE_REJECTED = 24,
  WIFI_REASON_TDLS_PEER_UNREACHABLE = 25,
  WIFI_REASON_TDLS_UNSPECIFIED = 26,
  WIFI_REASON_SSP_REQUESTED_DISASSOC = 27,
  WIFI_REASON_NO_SSP_ROAMING_AGREEMENT = 28,
  WIFI_REASON_BAD_CIPHER_OR_AKM = 29,
  WIFI_REASON_NOT_AUTHORIZED_THIS_LOCATION = 30,
  WIFI_REASON_SERVICE_CHANGE_PERCLUDES_TS = 31,
  WIFI_REASON_UNSPECIFIED_QOS = 32,
  WIFI_REASON_NOT_ENOUGH_BANDWIDTH = 33,
  WIFI_REASON_MISSING_ACKS = 34,
  WIFI_REASON_EXCEEDED_TXOP = 35,
  WIFI_REASON_STA_LEAVING = 36,
  WIFI_REASON_END_BA = 37,
  WIFI_REASON_UNKNOWN_BA = 38,
  WIFI_REASON_TIMEOUT = 39,
  WIFI_REASON_PEER_INITIATED = 46,
  WIFI_REASON_AP_INITIATED = 47,
  WIFI_REASON_INVALID_FT_ACTION_FRAME_COUNT = 48,
  WIFI_REASON_INVALID_PMKID = 49,
  WIFI_REASON_INVALID_MDE = 50,
  WIFI_REASON_INVALID_FTE = 51,
  WIFI_REASON_TRANSMISSION_LINK_ESTABLISH_FAILED = 67,
  WIFI_REASON_ALTERATIVE_CHANNEL_OCCUPIED = 68,
  WIFI_REASON_BEACON_TIMEOUT = 200,
  WIFI_REASON_NO_AP_FOUND = 201,
  WIFI_REASON_AUTH_FAIL = 202,
  WIFI_REASON_ASSOC_FAIL = 203,
  WIFI_REASON_HANDSHAKE_TIMEOUT = 204,
  WIFI_REASON_CONNECTION_FAIL = 205,
  WIFI_REASON_AP_TSF_RESET = 206,
  WIFI_REASON_ROAMING = 207,
  WIFI_REASON_ASSOC_COMEBACK_TIME_TOO_LONG = 208,
  WIFI_REASON_SA_QUERY_TIMEOUT = 209,
  WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY = 210,
  WIFI_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD = 211,
  WIFI_REASON_NO_AP_FOUND_IN_RSSI_THRESHOLD = 212,
} wifi_err_reason_t;

typedef enum {
  WIFI_CIPHER_TYPE_NONE = 0,
  WIFI_CIPHER_TYPE_WEP40,
  WIFI_CIPHER_TYPE_WEP104,
  WIFI_CIPHER_TYPE_TKIP,
  WIFI_CIPHER_TYPE_CCMP,
  WIFI_CIPHER_TYPE_TKIP_CCMP,
  WIFI_CIPHER_TYPE_AES_CMAC128,
  WIFI_CIPHER_TYPE_SMS4,
  WIFI_CIPHER_TYPE_GCMP,
  WIFI_CIPHER_TYPE_GCMP256,
  WIFI_CIPHER_TYPE_AES_GMAC128,
  WIFI_CIPHER_TYPE_AES_GMAC256,
  WIFI_CIPHER_TYPE_UNKNOWN,
} wifi_cipher_type_t;

typedef enum {
  WIFI_FAST_SCAN = 0,
  WIFI_ALL_CHANNEL_SCAN,
} wifi_scan_method_t;

typedef enum {
  WIFI_CONNECT_AP_BY_SIGNAL = 0,
  WIFI_CONNECT_AP_BY_SECURITY,
} wifi_sort_method_t;

typedef struct {
  int8_t rssi;
  wifi_auth_mode_t authmode;
} wifi_scan_threshold_t;

typedef struct {
  bool capable;
  bool required;
} wifi_pmf_config_t;

typedef enum {
  WPA3_SAE_PWE_UNSPECIFIED,
  WPA3_SAE_PWE_HUNT_AND_PECK,
  WPA3_SAE_PWE_HASH_TO_ELEMENT,
  WPA3_SAE_PWE_BOTH,
} wifi_sae_pwe_method_t;

typedef enum {
  WPA3_SAE_PK_MODE_AUTOMATIC = 0,
  WPA3_SAE_PK_MODE_ONLY = 1,
  WPA3_SAE_PK_MODE_DISABLED = 2,
} wifi_sae_pk_mode_t;

typedef enum {
  WIFI_ANT_ANT0,
  WIFI_ANT_ANT1,
  WIFI_ANT_MAX,
} wifi_ant_t;

typedef struct {
  uint8_t bss_color : 6;
  uint8_t partial_bss_color : 1;
  uint8_t bss_color_disabled : 1;
  uint8_t bssid_index;
} wifi_he_ap_info_t;

/* An access point as a scan or esp_wifi_sta_get_ap_info describes it. */
typedef struct {
  uint8_t bssid[6];
  uint8_t ssid[33];
  uint8_t primary;
  wifi_second_chan_t second;
  int8_t rssi;
  wifi_auth_mode_t authmode;
  wifi_cipher_type_t pairwise_cipher;
  wifi_cipher_type_t group_cipher;
  wifi_ant_t ant;
  uint32_t phy_11b : 1;
  uint32_t phy_11g : 1;
  uint32_t phy_11n : 1;
  uint32_t phy_lr : 1;
  uint32_t phy_11a : 1;
  uint32_t phy_11ac : 1;
  uint32_t phy_11ax : 1;
  uint32_t wps : 1;
  uint32_t ftm_responder : 1;
  uint32_t ftm_initiator : 1;
  uint32_t reserved : 22;
  wifi_country_t country;
  wifi_he_ap_info_t he_ap;
  uint8_t bandwidth;
  uint8_t vht_ch_freq1;
  uint8_t vht_ch_freq2;
} wifi_ap_record_t;

#define WIFI_ACTIVE_SCAN_MIN_DEFAULT_TIME 0
#define WIFI_ACTIVE_SCAN_MAX_DEFAULT_TIME 120
#define WIFI_PASSIVE_SCAN_DEFAULT_TIME 360
#define WIFI_SCAN_HOME_CHANNEL_DWELL_DEFAULT_TIME 30

typedef enum {
  WIFI_SCAN_TYPE_ACTIVE = 0,
  WIFI_SCAN_TYPE_PASSIVE,
} wifi_scan_type_t;

typedef struct {
  uint32_t min;
  uint32_t max;
} wifi_active_scan_time_t;

typedef struct {
  wifi_active_scan_time_t active;
  uint32_t passive;
} wifi_scan_time_t;

typedef struct {
  uint16_t ghz_2_channels;
  uint32_t ghz_5_channels;
} wifi_scan_channel_bitmap_t;

typedef struct {
  uint8_t* ssid;
  uint8_t* bssid;
  uint8_t channel;
  bool show_hidden;
  wifi_scan_type_t scan_type;
  wifi_scan_time_t scan_time;
  uint8_t home_chan_dwell_time;
  wifi_scan_channel_bitmap_t channel_bitmap;
} wifi_scan_config_t;

/* esp_wifi_set_config's soft-AP and station settings, field for field as
 * ESP-IDF 5.5 has them, so firmware's designated initializers compile. */
typedef struct {
  uint8_t ssid[32];
  uint8_t password[64];
  uint8_t ssid_len;
  uint8_t channel;
  wifi_auth_mode_t authmode;
  uint8_t ssid_hidden;
  uint8_t max_connection;
  uint16_t beacon_interval;
  uint8_t csa_count;
  uint8_t dtim_period;
  wifi_cipher_type_t pairwise_cipher;
  bool ftm_responder;
  wifi_pmf_config_t pmf_cfg;
  wifi_sae_pwe_method_t sae_pwe_h2e;
  uint8_t transition_disable;
  uint8_t sae_ext;
} wifi_ap_config_t;

#define SAE_H2E_IDENTIFIER_LEN 32

typedef struct {
  uint8_t ssid[32];
  uint8_t password[64];
  wifi_scan_method_t scan_method;
  bool bssid_set;
  uint8_t bssid[6];
  uint8_t channel;
  uint16_t listen_interval;
  wifi_sort_method_t sort_method;
  wifi_scan_threshold_t threshold;
  wifi_pmf_config_t pmf_cfg;
  uint32_t rm_enabled : 1;
  uint32_t btm_enabled : 1;
  uint32_t mbo_enabled : 1;
  uint32_t ft_enabled : 1;
  uint32_t owe_enabled : 1;
  uint32_t transition_disable : 1;
  uint32_t reserved : 26;
  wifi_sae_pwe_method_t sae_pwe_h2e;
  wifi_sae_pk_mode_t sae_pk_mode;
  uint8_t failure_retry_cnt;
  uint32_t he_dcm_set : 1;
  uint32_t he_dcm_max_constellation_tx : 2;
  uint32_t he_dcm_max_constellation_rx : 2;
  uint32_t he_mcs9_enabled : 1;
  uint32_t he_su_beamformee_disabled : 1;
  uint32_t he_trig_su_bmforming_feedback_disabled : 1;
  uint32_t he_trig_mu_bmforming_partial_feedback_disabled : 1;
  uint32_t he_trig_cqi_feedback_disabled : 1;
  uint32_t he_reserved : 22;
  uint8_t sae_h2e_identifier[SAE_H2E_IDENTIFIER_LEN];
} wifi_sta_config_t;

typedef struct {
  uint8_t op_channel;
  uint8_t master_pref;
  uint8_t scan_time;
  uint16_t warm_up_sec;
} wifi_nan_config_t;

typedef union {
  wifi_ap_config_t ap;
  wifi_sta_config_t sta;
  wifi_nan_config_t nan;
} wifi_config_t;

/* The receive metadata. Only the fields ESP-NOW code reads are filled in:
 * rssi (dBm), rate (wifi_phy_rate_t of a legacy frame), channel, and
 * timestamp (µs, the receiving radio's clock). */
typedef struct {
  signed rssi : 8;
  unsigned rate : 5;
  unsigned : 1;
  unsigned sig_mode : 2;
  unsigned : 16;
  unsigned mcs : 7;
  unsigned cwb : 1;
  unsigned : 16;
  unsigned smoothing : 1;
  unsigned not_sounding : 1;
  unsigned : 1;
  unsigned aggregation : 1;
  unsigned stbc : 2;
  unsigned fec_coding : 1;
  unsigned sgi : 1;
  signed noise_floor : 8;
  unsigned ampdu_cnt : 8;
  unsigned channel : 4;
  unsigned secondary_channel : 4;
  unsigned : 8;
  unsigned timestamp : 32;
  unsigned : 32;
  unsigned : 31;
  unsigned ant : 1;
  unsigned sig_len : 12;
  unsigned : 12;
  unsigned rx_state : 8;
} wifi_pkt_rx_ctrl_t;

/* Promiscuous mode (a sniffer). While Wi-Fi is started and promiscuous mode
 * is on, the radio hears every frame on its channel, whatever its address
 * and in any mode (WIFI_MODE_NULL included), and the callback gets each one
 * on the Wi-Fi task, before the ESP-NOW receive callback gets the same
 * frame: buf is a wifi_promiscuous_pkt_t whose payload is the 802.11 frame
 * from its frame control field to its FCS (rx_ctrl.sig_len bytes, the FCS
 * included), and rx_ctrl has rssi, rate, channel, timestamp and sig_len.
 * ESP-NOW frames are action frames: WIFI_PKT_MGMT. The emulated air carries
 * no control frames (its ACKs are not frames a radio hands up), so
 * WIFI_PKT_CTRL and WIFI_PKT_MISC never come; the radio never hears its own
 * transmissions, and a frame that fails its FCS is dropped by the air
 * before any radio hears it (WIFI_PROMIS_FILTER_MASK_FCSFAIL finds none). */
typedef enum {
  WIFI_PKT_MGMT,
  WIFI_PKT_CTRL,
  WIFI_PKT_DATA,
  WIFI_PKT_MISC,
} wifi_promiscuous_pkt_type_t;

/* ESP-IDF's zero-length array (a GNU extension) is kept: code takes sizeof
 * of the struct as the header's size. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
typedef struct {
  wifi_pkt_rx_ctrl_t rx_ctrl;
  uint8_t payload[0];
} wifi_promiscuous_pkt_t;
#pragma GCC diagnostic pop

#define WIFI_PROMIS_FILTER_MASK_ALL (0xFFFFFFFF)
#define WIFI_PROMIS_FILTER_MASK_MGMT (1)
#define WIFI_PROMIS_FILTER_MASK_CTRL (1 << 1)
#define WIFI_PROMIS_FILTER_MASK_DATA (1 << 2)
#define WIFI_PROMIS_FILTER_MASK_MISC (1 << 3)
#define WIFI_PROMIS_FILTER_MASK_DATA_MPDU (1 << 4)
#define WIFI_PROMIS_FILTER_MASK_DATA_AMPDU (1 << 5)
#define WIFI_PROMIS_FILTER_MASK_FCSFAIL (1 << 6)

#define WIFI_PROMIS_CTRL_FILTER_MASK_ALL (0xFF800000)
#define WIFI_PROMIS_CTRL_FILTER_MASK_WRAPPER (1 << 23)
#define WIFI_PROMIS_CTRL_FILTER_MASK_BAR (1 << 24)
#define WIFI_PROMIS_CTRL_FILTER_MASK_BA (1 << 25)
#define WIFI_PROMIS_CTRL_FILTER_MASK_PSPOLL (1 << 26)
#define WIFI_PROMIS_CTRL_FILTER_MASK_RTS (1 << 27)
#define WIFI_PROMIS_CTRL_FILTER_MASK_CTS (1 << 28)
#define WIFI_PROMIS_CTRL_FILTER_MASK_ACK (1 << 29)
#define WIFI_PROMIS_CTRL_FILTER_MASK_CFEND (1 << 30)
#define WIFI_PROMIS_CTRL_FILTER_MASK_CFENDACK (1u << 31)

typedef struct {
  uint32_t filter_mask;
} wifi_promiscuous_filter_t;

typedef void (*wifi_promiscuous_cb_t)(void* buf, wifi_promiscuous_pkt_type_t type);

/* A Wi-Fi transmission's outcome and report, as esp_wifi_types_generic.h
 * has them: ESP-IDF 5.5's ESP-NOW send callback takes wifi_tx_info_t
 * (esp_now.h: esp_now_send_info_t). The emulation fills des_addr, src_addr
 * (the interface's MAC), ifidx, rate and tx_status; data is NULL and
 * data_len 0. */
typedef enum {
  WIFI_SEND_SUCCESS = 0,
  WIFI_SEND_FAIL,
} wifi_tx_status_t;

typedef struct {
  uint8_t* des_addr;
  uint8_t* src_addr;
  wifi_interface_t ifidx;
  uint8_t* data;     /* the 802.11 frame from its MAC header */
  uint8_t data_len;  /* its body's length, without the MAC header */
  wifi_phy_rate_t rate;
  wifi_tx_status_t tx_status;
} wifi_tx_info_t;

typedef wifi_tx_info_t esp_80211_tx_info_t;

/* What esp_wifi_init takes. The emulation checks `magic` and uses
 * espnow_max_encrypt_num, ESP-NOW's limit of encrypted peers
 * (CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM: default 7, 0 to 17; out of that
 * range ESP_ERR_INVALID_ARG, the emulation's check). */
typedef struct {
  int static_rx_buf_num;
  int dynamic_rx_buf_num;
  int tx_buf_type;
  int static_tx_buf_num;
  int dynamic_tx_buf_num;
  int espnow_max_encrypt_num;
  int magic;
} wifi_init_config_t;

#define WIFI_INIT_CONFIG_MAGIC 0x1F2F3F4F
#define WIFI_INIT_CONFIG_DEFAULT() \
  {10, 32, 1, 0, 32, CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM, WIFI_INIT_CONFIG_MAGIC}

/* ESP_ERR_INVALID_ARG for a null config, a wrong magic or an
 * espnow_max_encrypt_num outside 0..17. */
esp_err_t esp_wifi_init(const wifi_init_config_t* config);
esp_err_t esp_wifi_deinit(void);
esp_err_t esp_wifi_set_storage(wifi_storage_t storage);
esp_err_t esp_wifi_set_mode(wifi_mode_t mode);
esp_err_t esp_wifi_get_mode(wifi_mode_t* mode);
/* The mode's interfaces go on the air. */
esp_err_t esp_wifi_start(void);
esp_err_t esp_wifi_stop(void);
esp_err_t esp_wifi_set_ps(wifi_ps_type_t type);
esp_err_t esp_wifi_set_protocol(wifi_interface_t ifx, uint8_t protocol_bitmap);
/* ESP_ERR_WIFI_NOT_STARTED before esp_wifi_start and after esp_wifi_stop;
 * ESP_ERR_INVALID_ARG for a channel outside the country's (below): with
 * ESP-IDF's default country, "01" (world safe mode), channels 12 to 14 are
 * refused until esp_wifi_set_country(_code) allows them. */
esp_err_t esp_wifi_set_channel(uint8_t primary, wifi_second_chan_t second);
esp_err_t esp_wifi_get_channel(uint8_t* primary, wifi_second_chan_t* second);
/* The channels the chip may use: schan .. schan + nchan - 1. The default is
 * {"01", 1, 11, policy AUTO}; the chip keeps its country while it runs
 * (esp_wifi_deinit included). ESP_ERR_INVALID_ARG for null, nchan 0 or a
 * range outside 1..14. A chip on a channel the new country does not have
 * moves to schan. (No AP is ever connected, so AUTO and MANUAL act alike.) */
esp_err_t esp_wifi_set_country(const wifi_country_t* country);
esp_err_t esp_wifi_get_country(wifi_country_t* country);
/* By code, among ESP-IDF's supported ones ("01", "AT", ... "US"; others
 * ESP_ERR_INVALID_ARG), with the channels of that country's 2.4 GHz plan:
 * 1-11 for "01", "US", "CA" and "TW", 1-14 for "JP", 1-13 for the rest.
 * ieee80211d_enabled: policy AUTO, else MANUAL. */
esp_err_t esp_wifi_set_country_code(const char* country, bool ieee80211d_enabled);
/* The code, 2 characters and a NUL: `country` holds at least 3. */
esp_err_t esp_wifi_get_country_code(char* country);
/* In 0.25 dBm, [8, 84], between esp_wifi_start and esp_wifi_stop. The chip
 * keeps the level at or below the setting from ESP-IDF's table ([8,19] -> 8
 * (2 dBm), [20,27] -> 20 (5 dBm), ... [80,84] -> 80 (20 dBm)), transmits at
 * that level's power, and esp_wifi_get_max_tx_power gives the level. */
esp_err_t esp_wifi_set_max_tx_power(int8_t power);
esp_err_t esp_wifi_get_max_tx_power(int8_t* power);
esp_err_t esp_wifi_get_mac(wifi_interface_t ifx, uint8_t mac[6]);
esp_err_t esp_wifi_set_mac(wifi_interface_t ifx, const uint8_t mac[6]);
/* A raw 802.11 frame (beacon, probe request or response, action, non-QoS
 * data), from its frame control field, without an FCS (the radio appends
 * one), 24 to 1500 bytes, on the interface's channel at 1 Mbps. With
 * en_sys_seq the driver's sequence number replaces the frame's. A unicast
 * is acknowledged by its destination's radio and tried again as any frame;
 * no callback reports it (ESP-NOW's send callback does not see it). Other
 * chips' ESP-NOW stacks drop what is not ESP-NOW; their promiscuous
 * callbacks get it. ESP_ERR_WIFI_NOT_INIT, ESP_ERR_WIFI_IF for an interface
 * that is not on (mode, esp_wifi_start), ESP_ERR_INVALID_ARG for null or a
 * length out of range, ESP_ERR_NO_MEM when the transmit queue is full. The
 * emulation sends any frame type; ESP-IDF refuses some. */
esp_err_t esp_wifi_80211_tx(wifi_interface_t ifx, const void* buffer, int len, bool en_sys_seq);
/* Removed in ESP-IDF 6.0; in 5.x deprecated for esp_now_set_peer_rate_config. */
esp_err_t esp_wifi_config_espnow_rate(wifi_interface_t ifx, wifi_phy_rate_t rate);

/* The interfaces' settings. ESP_ERR_WIFI_NOT_INIT before esp_wifi_init,
 * ESP_ERR_INVALID_ARG for a null conf, ESP_ERR_WIFI_IF for an interface
 * other than STA and AP, ESP_ERR_WIFI_MODE when the mode has not that
 * interface (set the mode first, as ESP-IDF's examples do). A soft-AP's
 * settings: ESP_ERR_WIFI_PASSWORD for a password under 8 characters with any
 * authmode but open, ESP_ERR_INVALID_ARG for a channel outside 0..14 (0:
 * the soft-AP keeps the radio's channel); a channel given puts the radio on
 * it at once when the soft-AP runs, else at esp_wifi_start. get_config gives
 * back what set_config took (all zero before: a chip has its defaults, such
 * as the soft-AP's ESP_XXXXXX SSID). */
esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t* conf);
esp_err_t esp_wifi_get_config(wifi_interface_t interface, wifi_config_t* conf);
/* A station's connection to the router its config names: the routers are
 * those of the chip's Simulation (espnow::emul::add_access_point; a chip on
 * no Simulation has none). After a scan of the country's channels (120 ms
 * each, ESP-IDF's default active scan time; the radio visits each in turn,
 * as every scan's does, and hears ESP-NOW there only), the strongest router of the SSID (and of
 * sta.bssid with bssid_set) that reaches the chip takes it:
 * WIFI_EVENT_STA_CONNECTED (aid 1), the radio now on the router's channel
 * (so ESP-NOW peers must use it), then IP_EVENT_STA_GOT_IP when the chip
 * made its default STA interface (esp_netif.h). Otherwise
 * WIFI_EVENT_STA_DISCONNECTED with the configured SSID and a reason (above),
 * all on the default event loop. ESP_ERR_WIFI_NOT_INIT,
 * ESP_ERR_WIFI_NOT_STARTED, ESP_ERR_WIFI_MODE without the STA interface.
 * esp_wifi_disconnect (NOT_INIT, NOT_STARTED) ends an attempt with no event,
 * and a connection with WIFI_EVENT_STA_DISCONNECTED, WIFI_REASON_ASSOC_LEAVE;
 * esp_wifi_stop ends either with no event. ESP-NOW works throughout, on
 * whichever channel the radio is on. */
esp_err_t esp_wifi_connect(void);
esp_err_t esp_wifi_disconnect(void);
/* The station's router while connected (its record as a scan gives it);
 * else ESP_ERR_WIFI_NOT_CONNECT. ESP_ERR_INVALID_ARG for null,
 * ESP_ERR_WIFI_NOT_INIT, ESP_ERR_WIFI_CONN without the station interface. */
esp_err_t esp_wifi_sta_get_ap_info(wifi_ap_record_t* ap_info);
/* A scan takes the radio, on the chip's clock, to its channel, or each of
 * channel_bitmap's, or of the country's, in turn, for the config's time per
 * channel (active: scan_time.active.max, else 120 ms; passive:
 * scan_time.passive, else 360 ms), then back to the channel it came from
 * (connected, it goes back to the router's channel between two for
 * home_chan_dwell_time, else 30 ms, as ESP-IDF's does); meanwhile the
 * chip hears ESP-NOW only where the radio is. Then WIFI_EVENT_SCAN_DONE (status 0, the number found) on the
 * default loop. With block, the call returns after it. It finds the
 * Simulation's routers on those channels that reach the chip (and have the
 * config's ssid and bssid, when given): their records, strongest first
 * (WPA2-PSK and CCMP for a router with a password, else open), until
 * esp_wifi_scan_get_ap_records reads them (it frees the list, as ESP-IDF's
 * does: get_ap_num then says 0) or esp_wifi_clear_ap_list drops them.
 * ESP_ERR_WIFI_NOT_INIT, ESP_ERR_WIFI_NOT_STARTED, ESP_ERR_WIFI_STATE while
 * a connection attempt or another scan runs (esp_wifi_connect ends a scan
 * that runs, with no event). esp_wifi_scan_stop ends one
 * that does not block, with no event. */
esp_err_t esp_wifi_scan_start(const wifi_scan_config_t* config, bool block);
esp_err_t esp_wifi_scan_stop(void);
esp_err_t esp_wifi_scan_get_ap_num(uint16_t* number);
esp_err_t esp_wifi_scan_get_ap_records(uint16_t* number, wifi_ap_record_t* ap_records);
esp_err_t esp_wifi_clear_ap_list(void);
/* What esp_wifi_set_protocol set (WIFI_PROTOCOL_11B | _11G | _11N at first),
 * and esp_wifi_set_ps (WIFI_PS_MIN_MODEM at first, ESP-IDF's default; no
 * power save is modelled). ESP_ERR_INVALID_ARG for null, ESP_ERR_WIFI_IF. */
esp_err_t esp_wifi_get_protocol(wifi_interface_t ifx, uint8_t* protocol_bitmap);
esp_err_t esp_wifi_get_ps(wifi_ps_type_t* type);
/* The interface's bandwidth, recorded (ESP-NOW's frames are 20 MHz wide
 * whatever it is): WIFI_BW_HT40 at first, an ESP32's default with 802.11n.
 * ESP_ERR_INVALID_ARG for a width an ESP32 has not (80 MHz and up), for
 * HT40 on an interface whose protocols leave out 802.11n, and for null;
 * ESP_ERR_WIFI_IF. */
esp_err_t esp_wifi_set_bandwidth(wifi_interface_t ifx, wifi_bandwidth_t bw);
esp_err_t esp_wifi_get_bandwidth(wifi_interface_t ifx, wifi_bandwidth_t* bw);

/* Each ESP_ERR_WIFI_NOT_INIT before esp_wifi_init; the getters
 * ESP_ERR_INVALID_ARG for null. The settings outlast esp_wifi_stop and
 * start; esp_wifi_deinit turns promiscuous mode off. The filter's default
 * lets every type through but WIFI_PKT_MISC; the control filter's lets no
 * control frame through (none comes here anyway). A NULL callback is
 * accepted: frames are then heard and dropped. */
esp_err_t esp_wifi_set_promiscuous(bool en);
esp_err_t esp_wifi_get_promiscuous(bool* en);
esp_err_t esp_wifi_set_promiscuous_rx_cb(wifi_promiscuous_cb_t cb);
esp_err_t esp_wifi_set_promiscuous_filter(const wifi_promiscuous_filter_t* filter);
esp_err_t esp_wifi_get_promiscuous_filter(wifi_promiscuous_filter_t* filter);
esp_err_t esp_wifi_set_promiscuous_ctrl_filter(const wifi_promiscuous_filter_t* filter);
esp_err_t esp_wifi_get_promiscuous_ctrl_filter(wifi_promiscuous_filter_t* filter);

#define ESP_WIFI_CONNECTIONLESS_INTERVAL_DEFAULT_MODE 0
/* How often, in ms, a chip in Wi-Fi power save wakes for connectionless
 * modules such as ESP-NOW (ESP-IDF: 1 to 65535, or
 * ESP_WIFI_CONNECTIONLESS_INTERVAL_DEFAULT_MODE), with
 * esp_now_set_wake_window giving how long it stays awake. ESP-IDF documents
 * no error for it: every value is accepted; ESP_ERR_WIFI_NOT_INIT before
 * esp_wifi_init, as the emulation's other esp_wifi_* settings. The emulated
 * radio has no power save, so the interval changes nothing: the chip hears
 * all the time, and WIFI_EVENT_CONNECTIONLESS_MODULE_WAKE_INTERVAL_START is
 * never posted. */
esp_err_t esp_wifi_connectionless_module_set_wake_interval(uint16_t wake_interval);

#ifdef __cplusplus
}
#endif
