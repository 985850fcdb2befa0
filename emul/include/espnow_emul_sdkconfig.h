/* sdkconfig.h as the emulation's headers see it. ESP-IDF's headers include
 * the build's generated sdkconfig.h; here a program may have one (an
 * idf.py-style file of CONFIG_* defines, found on its include path) or none.
 * Either way, the options the emulation reads get ESP-IDF's defaults when
 * the file does not set them. */
#pragma once

#if defined(__has_include)
#if __has_include("sdkconfig.h")
#include "sdkconfig.h"
#endif
#endif

#ifndef CONFIG_FREERTOS_HZ
#define CONFIG_FREERTOS_HZ 100 /* ESP-IDF's default tick rate */
#endif
#ifndef CONFIG_LOG_DEFAULT_LEVEL
#define CONFIG_LOG_DEFAULT_LEVEL 3 /* ESP_LOG_INFO */
#endif
#ifndef CONFIG_LOG_MAXIMUM_LEVEL
#define CONFIG_LOG_MAXIMUM_LEVEL CONFIG_LOG_DEFAULT_LEVEL
#endif
#ifndef CONFIG_FREERTOS_NUMBER_OF_CORES
#define CONFIG_FREERTOS_NUMBER_OF_CORES 2
#endif
#ifndef CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM
#define CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM 7 /* WIFI_INIT_CONFIG_DEFAULT's espnow_max_encrypt_num */
#endif
