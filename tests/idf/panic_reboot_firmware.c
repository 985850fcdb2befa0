/* Firmware whose checks fail: boot 1's ESP_ERROR_CHECK, boot 2's
 * esp_system_abort. On a chip each panics and reboots (ESP_RST_PANIC, its
 * RTC_DATA_ATTR variables loaded afresh, its RTC_NOINIT_ATTR ones kept);
 * under --sim too (tests/CMakeLists.txt, idf.sim_panic_*). */
#include <stdint.h>
#include <stdio.h>

#include "esp_attr.h"
#include "esp_err.h"
#include "esp_system.h"

static RTC_NOINIT_ATTR uint32_t s_boots;
static RTC_DATA_ATTR uint32_t s_rtc_data;

void app_main(void) {
  ++s_boots;
  ++s_rtc_data;
  printf("boot %u: reset reason %d, rtc data %u\n", (unsigned)s_boots, (int)esp_reset_reason(), (unsigned)s_rtc_data);
  if (s_boots == 1) ESP_ERROR_CHECK(ESP_ERR_INVALID_STATE);
  if (s_boots == 2) esp_system_abort("gave up");
  printf("running on\n");
}
