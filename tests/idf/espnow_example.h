/* A plain-C ESP-NOW program in the manner of ESP-IDF's espnow example: Wi-Fi
 * started in STA mode, broadcast discovery, then unicast with send
 * callbacks. Written against ESP-IDF's headers only; on the host they are
 * the emulation's. Each call runs one device on the calling thread's chip. */
#ifndef ESPNOW_EXAMPLE_H
#define ESPNOW_EXAMPLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint8_t channel;        /* Wi-Fi channel both devices use */
  int unicast_count;      /* unicast packets to send to the peer, and expect from it */
  int timeout_ms;         /* give up after this long */
  int encrypt;            /* unicast peers with the example's PMK and LMK (CCMP) */
} example_config_t;

typedef struct {
  int error;                  /* 0, or the esp_err_t that stopped the run */
  uint8_t peer_mac[6];        /* the device discovered by broadcast */
  int broadcasts_sent;
  int unicast_sent_ok;        /* send callbacks reporting ESP_NOW_SEND_SUCCESS */
  int unicast_send_failed;
  int unicast_received;       /* from the peer, checksum correct, in order */
  int bad_packets;            /* wrong checksum or out of order */
} example_result_t;

/* Runs until both directions have carried `unicast_count` packets, or the
 * timeout. Returns 0 on success. */
int example_espnow_run(const example_config_t* config, example_result_t* result);

#ifdef __cplusplus
}
#endif

#endif
