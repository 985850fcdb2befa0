/* The example as a program of its own, as firmware would run it: no chip
 * selection, so it runs on the emulation's default chip on the default UDP
 * air (ESPNOW_AIR). Two such processes find each other and exchange data. */
#include <stdio.h>

#include "espnow_example.h"

int main(void) {
  const example_config_t config = {3, 10, 10000, 1};
  example_result_t r;
  const int rc = example_espnow_run(&config, &r);
  printf("peer %02x:%02x:%02x:%02x:%02x:%02x sent %d received %d error %d\n", r.peer_mac[0], r.peer_mac[1],
         r.peer_mac[2], r.peer_mac[3], r.peer_mac[4], r.peer_mac[5], r.unicast_sent_ok, r.unicast_received, r.error);
  return rc == 0 ? 0 : 1;
}
