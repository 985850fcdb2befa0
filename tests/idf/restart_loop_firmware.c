/* Firmware that restarts as soon as it boots, as one stuck in a crash loop
 * does: under --sim each boot still comes a moment after the reset, so the
 * run goes on and ends (tests/CMakeLists.txt, idf.sim_restart_loop_*). */
#include <stdint.h>
#include <stdio.h>

#include "esp_attr.h"
#include "esp_system.h"

static RTC_NOINIT_ATTR uint32_t s_boots;

void app_main(void) {
  printf("boot %u\n", (unsigned)++s_boots);
  esp_restart();
}
