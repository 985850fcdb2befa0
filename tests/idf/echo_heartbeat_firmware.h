/* The seeds' echo and heartbeat as ESP-IDF firmware, one app_main for every
 * chip of a Simulation (echo_heartbeat_firmware.c). */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The echoer's STA MAC; every other chip sends it a heartbeat a second. */
#define ECHO_HEARTBEAT_ECHOER_LAST_BYTE 0x01

typedef struct {
  uint32_t beats;     /* heartbeats sent */
  uint32_t acked;     /* send callbacks with ESP_NOW_SEND_SUCCESS */
  uint32_t failed;    /* send callbacks with ESP_NOW_SEND_FAIL */
  uint32_t received;  /* frames heard: echoes, or on the echoer heartbeats */
} echo_heartbeat_counts_t;

void echo_heartbeat_app_main(void);
/* The counts of the chip whose STA MAC ends in `last_byte`. */
echo_heartbeat_counts_t echo_heartbeat_counts(uint8_t last_byte);
/* Forgets every chip (the firmware's globals outlive a simulation). */
void echo_heartbeat_reset(void);

#ifdef __cplusplus
}
#endif
