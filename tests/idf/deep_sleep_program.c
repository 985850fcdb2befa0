/* A deep sleeper as ESP-IDF firmware writes it: only app_main(), linked
 * with espnow_idf_emul_main, run as a process and as chips of --sim
 * (tests/CMakeLists.txt, idf.deep_sleep_*, idf.sim_deep_sleep_*). Boot 1
 * (power-on) puts ESP-NOW up, notes the time in RTC memory and sleeps deep
 * for 300 ms; boot 2 (the timer woke it) checks
 * what survived and how long it slept, then restarts; boot 3 (esp_restart)
 * finds its RTC_DATA_ATTR variables loaded afresh and its RTC_NOINIT_ATTR
 * ones kept, and sleeps deep with no wake-up source: the chip stays off
 * until the test cuts its power (SIGTERM, exit status 0). NVS counts
 * every boot. */
#include <stdbool.h>
#include <sys/time.h>

#include "esp_attr.h"
#include "esp_log.h"
#include "esp_now.h"
#include "esp_sleep.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "nvs.h"
#include "nvs_flash.h"

static const char* TAG = "sleeper";
static const int64_t SLEEP_US = 300 * 1000;

static RTC_DATA_ATTR int s_rtc_boots;                 /* counts the boots since power-on or esp_restart */
static RTC_DATA_ATTR struct timeval s_slept_at;       /* as ESP-IDF's deep_sleep example keeps it */
static RTC_NOINIT_ATTR uint32_t s_noinit_boots;       /* every boot since power-on (0 at power-on here; a chip's is random) */
static int s_ram_boots;                               /* ordinary RAM: lost in deep sleep */

static void hook(void) { ESP_LOGI(TAG, "deep-sleep hook"); }

static void start_espnow(void) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  ESP_ERROR_CHECK(esp_now_set_wake_window(50));
  ESP_ERROR_CHECK(esp_wifi_connectionless_module_set_wake_interval(100));
}

static int64_t ms_since(const struct timeval* then) {
  struct timeval now;
  gettimeofday(&now, NULL);
  return ((int64_t)(now.tv_sec - then->tv_sec) * 1000000 + (now.tv_usec - then->tv_usec)) / 1000;
}

/* The boots counted in NVS, which the flash keeps through every reset. */
static uint32_t count_boot_in_nvs(void) {
  nvs_handle_t nvs;
  uint32_t boots = 0;
  ESP_ERROR_CHECK(nvs_open("sleeper", NVS_READWRITE, &nvs));
  (void)nvs_get_u32(nvs, "boots", &boots);
  ESP_ERROR_CHECK(nvs_set_u32(nvs, "boots", ++boots));
  ESP_ERROR_CHECK(nvs_commit(nvs));
  nvs_close(nvs);
  return boots;
}

void app_main(void) {
  ESP_ERROR_CHECK(nvs_flash_init());
  ++s_rtc_boots;
  ++s_noinit_boots;
  ++s_ram_boots;
  ESP_LOGI(TAG, "boot %u: reset reason %d, wakeup cause %d, rtc data %d, ram %d, nvs %u", (unsigned)s_noinit_boots,
           (int)esp_reset_reason(), (int)esp_sleep_get_wakeup_cause(), s_rtc_boots, s_ram_boots,
           (unsigned)count_boot_in_nvs());
  if (s_noinit_boots == 1) {
    start_espnow();
    ESP_ERROR_CHECK(esp_deep_sleep_register_hook(hook));
    ESP_LOGI(TAG, "sleeping deep for %lld ms", (long long)(SLEEP_US / 1000));
    gettimeofday(&s_slept_at, NULL);
    esp_deep_sleep(SLEEP_US);
  }
  if (s_noinit_boots == 2) {
    const int64_t awake_ms = esp_timer_get_time() / 1000;
    const int64_t since_sleep_ms = ms_since(&s_slept_at);
    /* esp_timer counted on from boot 1 would exceed the time since the sleep began. */
    ESP_LOGI(TAG, "slept at least %lld ms: %s; esp_timer counts from this boot: %s", (long long)(SLEEP_US / 1000),
             since_sleep_ms >= SLEEP_US / 1000 ? "yes" : "no", awake_ms < since_sleep_ms ? "yes" : "no");
    start_espnow();
    ESP_LOGI(TAG, "restarting");
    esp_restart();
  }
  ESP_LOGI(TAG, "sleeping deep with no wake-up source");
  ESP_ERROR_CHECK(esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_ALL));
  esp_deep_sleep_start();
}
