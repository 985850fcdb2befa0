#include "esp_err.h"

esp_err_t radio_start(void);

void app_main(void) { (void)radio_start(); }
