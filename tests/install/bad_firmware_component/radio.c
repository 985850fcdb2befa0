#include "esp_now.h"

esp_err_t radio_start(void) { return esp_now_init(); }
