/* echo_heartbeat_firmware.c as a firmware of its own (linked with
 * espnow_idf_emul_main), for `echo_heartbeat_c --sim N`: chip
 * 02:00:00:00:00:01 echoes, the others beat to it once a second. */
#include "echo_heartbeat_firmware.h"

void app_main(void) { echo_heartbeat_app_main(); }
