/* promiscuous_program.c's firmware (C11), run by promiscuous_test.cpp on
 * chips of a Simulation: a sender, an ESP-NOW receiver that reads each
 * message's RSSI from the promiscuous callback (the common idiom), sniffers
 * in WIFI_MODE_NULL, and a bystander that is not promiscuous. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROMISC_ROUNDS 10

/* The chips' STA MACs: 02:00:00:00:00:5N. */
#define PROMISC_SENDER 0x51
#define PROMISC_RECEIVER 0x52
#define PROMISC_SNIFFER 0x53
#define PROMISC_DATA_SNIFFER 0x54 /* its filter lets data frames through only */
#define PROMISC_BYSTANDER 0x55
#define PROMISC_RAW_SENDER 0x56 /* esp_wifi_80211_tx: a beacon and a data frame, then one ESP-NOW unicast to the receiver */
#define PROMISC_ABSENT 0x99 /* nobody's */

typedef struct {
  uint32_t sent_ok, sent_fail, absent_fail;  /* the sender's send callback */
  uint32_t rx_messages;                      /* the receiver's ESP-NOW callback */
  uint32_t rx_sniffed;                       /* its promiscuous callback (MGMT only) */
  uint32_t rx_rssi_matches;                  /* messages whose rx_ctrl RSSI is the one the sniffer saw last */
  uint32_t rx_sniffed_first;                 /* messages the promiscuous callback had just seen */
  uint32_t sniffed_to_receiver, sniffed_broadcast, sniffed_to_absent, sniffed_retries;
  uint32_t sniffed_other, sniffed_not_mgmt, sniffed_bad_fcs, sniffed_bad_len;
  int32_t sniffed_rssi_min, sniffed_rssi_max;
  uint32_t sniffed_channel_wrong;
  uint32_t data_sniffer_calls;               /* the DATA-only sniffer's callback */
  uint32_t bystander_messages;               /* the bystander's ESP-NOW callback */
  uint32_t raw_beacons_sniffed, raw_data_sniffed;  /* the raw sender's frames, as the sniffer heard them */
  uint32_t raw_sequence_wrong;               /* ... not numbered 0, 1 by the driver */
  uint32_t raw_send_callbacks, raw_send_ok;  /* the raw sender's ESP-NOW send callback (its one ESP-NOW unicast) */
  int setup_failed_line;                     /* a role's set-up that failed: its line */
} promisc_seen_t;

void promisc_reset(void);
promisc_seen_t promisc_seen(void);

void promisc_sender_app_main(void);
void promisc_receiver_app_main(void);
void promisc_sniffer_app_main(void);
void promisc_data_sniffer_app_main(void);
void promisc_bystander_app_main(void);
void promisc_raw_sender_app_main(void);

/* The calls' errors and settings, as ESP-IDF documents them: 0, or the line
 * that failed. Needs a selected chip. */
int promisc_program_errors(void);

#ifdef __cplusplus
}
#endif
