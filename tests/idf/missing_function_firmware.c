/* Firmware that calls a function the emulation does not have: the program
 * names it when it loads the firmware, before any chip starts. */
#include "esp_err.h"

esp_err_t esp_wifi_does_not_exist(int);

void app_main(void) { (void)esp_wifi_does_not_exist(1); }
