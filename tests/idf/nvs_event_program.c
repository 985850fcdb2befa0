/* An ESP-IDF-style C11 program of NVS and esp_event calls (see the header). */
#include "nvs_event_program.h"

#include <string.h>

#include "esp_event.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "nvs.h"
#include "nvs_flash.h"

#define CHECK(cond)        \
  do {                     \
    if (!(cond)) return __LINE__; \
  } while (0)

int nvs_program_errors(void) {
  nvs_handle_t h = 0;
  CHECK(nvs_open("app", NVS_READWRITE, &h) == ESP_ERR_NVS_NOT_INITIALIZED);
  CHECK(nvs_flash_deinit() == ESP_ERR_NVS_NOT_INITIALIZED);
  CHECK(nvs_flash_init() == ESP_OK);
  CHECK(nvs_flash_init() == ESP_OK); /* again: still ESP_OK */
  CHECK(nvs_flash_init_partition("other") == ESP_ERR_NOT_FOUND);

  CHECK(nvs_open("app", NVS_READONLY, &h) == ESP_ERR_NVS_NOT_FOUND); /* never written */
  CHECK(nvs_open("a_namespace_16ch", NVS_READWRITE, &h) == ESP_ERR_NVS_INVALID_NAME);
  CHECK(nvs_open("", NVS_READWRITE, &h) == ESP_ERR_NVS_INVALID_NAME);
  CHECK(nvs_open("app", NVS_READWRITE, NULL) == ESP_ERR_INVALID_ARG);
  CHECK(nvs_open("app", NVS_READWRITE, &h) == ESP_OK);

  /* Integers of every width, with their signs. */
  CHECK(nvs_set_i8(h, "i8", -8) == ESP_OK);
  CHECK(nvs_set_u8(h, "u8", 200) == ESP_OK);
  CHECK(nvs_set_i16(h, "i16", -1600) == ESP_OK);
  CHECK(nvs_set_u16(h, "u16", 60000) == ESP_OK);
  CHECK(nvs_set_i32(h, "i32", -32000000) == ESP_OK);
  CHECK(nvs_set_u32(h, "u32", 4000000000u) == ESP_OK);
  CHECK(nvs_set_i64(h, "i64", -6400000000000LL) == ESP_OK);
  CHECK(nvs_set_u64(h, "u64", 18000000000000000000ull) == ESP_OK);
  int8_t i8 = 0;
  uint8_t u8 = 0;
  int16_t i16 = 0;
  uint16_t u16 = 0;
  int32_t i32 = 0;
  uint32_t u32 = 0;
  int64_t i64 = 0;
  uint64_t u64 = 0;
  CHECK(nvs_get_i8(h, "i8", &i8) == ESP_OK && i8 == -8);
  CHECK(nvs_get_u8(h, "u8", &u8) == ESP_OK && u8 == 200);
  CHECK(nvs_get_i16(h, "i16", &i16) == ESP_OK && i16 == -1600);
  CHECK(nvs_get_u16(h, "u16", &u16) == ESP_OK && u16 == 60000);
  CHECK(nvs_get_i32(h, "i32", &i32) == ESP_OK && i32 == -32000000);
  CHECK(nvs_get_u32(h, "u32", &u32) == ESP_OK && u32 == 4000000000u);
  CHECK(nvs_get_i64(h, "i64", &i64) == ESP_OK && i64 == -6400000000000LL);
  CHECK(nvs_get_u64(h, "u64", &u64) == ESP_OK && u64 == 18000000000000000000ull);
  CHECK(nvs_get_u8(h, "i8", &u8) == ESP_ERR_NVS_TYPE_MISMATCH);
  CHECK(nvs_get_u8(h, "missing", &u8) == ESP_ERR_NVS_NOT_FOUND);
  CHECK(nvs_set_u8(h, "a_key_of_16_chr", 1) == ESP_OK); /* 15: the longest */
  CHECK(nvs_set_u8(h, "a_key_of_16_chrs", 1) == ESP_ERR_NVS_KEY_TOO_LONG);
  CHECK(nvs_get_u8(h, "a_key_of_16_chrs", &u8) == ESP_ERR_NVS_NOT_FOUND);
  CHECK(nvs_set_u8(h, "", 1) == ESP_ERR_NVS_INVALID_NAME);
  CHECK(nvs_set_u32(h, "u8", 7) == ESP_OK); /* another type replaces the key */
  CHECK(nvs_get_u32(h, "u8", &u32) == ESP_OK && u32 == 7);

  /* Strings: the length with the NUL; a short buffer gets the length needed. */
  CHECK(nvs_set_str(h, "name", "espnow") == ESP_OK);
  size_t len = 0;
  CHECK(nvs_get_str(h, "name", NULL, &len) == ESP_OK && len == 7);
  char small[4];
  len = sizeof small;
  CHECK(nvs_get_str(h, "name", small, &len) == ESP_ERR_NVS_INVALID_LENGTH && len == 7);
  char name[16];
  len = sizeof name;
  CHECK(nvs_get_str(h, "name", name, &len) == ESP_OK && len == 7 && strcmp(name, "espnow") == 0);
  CHECK(nvs_get_str(h, "name", name, NULL) == ESP_ERR_NVS_INVALID_LENGTH);
  CHECK(nvs_get_blob(h, "name", NULL, &len) == ESP_ERR_NVS_TYPE_MISMATCH);
  static char too_long[4001];
  memset(too_long, 'x', 4000);
  CHECK(nvs_set_str(h, "long", too_long) == ESP_ERR_NVS_VALUE_TOO_LONG);
  too_long[3999] = 0;
  CHECK(nvs_set_str(h, "long", too_long) == ESP_OK); /* 3999 + NUL */

  /* Blobs: a peer's LMK, as ESP-NOW programs keep it. */
  const uint8_t lmk[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  CHECK(nvs_set_blob(h, "lmk", lmk, sizeof lmk) == ESP_OK);
  uint8_t out[16] = {0};
  len = 8;
  CHECK(nvs_get_blob(h, "lmk", out, &len) == ESP_ERR_NVS_INVALID_LENGTH && len == 16);
  len = sizeof out;
  CHECK(nvs_get_blob(h, "lmk", out, &len) == ESP_OK && len == 16 && memcmp(out, lmk, 16) == 0);
  CHECK(nvs_set_blob(h, "empty", NULL, 0) == ESP_OK);
  CHECK(nvs_get_blob(h, "empty", NULL, &len) == ESP_OK && len == 0);
  CHECK(nvs_commit(h) == ESP_OK);

  /* Namespaces keep keys apart; a read-only handle reads and cannot write. */
  nvs_handle_t other = 0, ro = 0;
  CHECK(nvs_open("other", NVS_READWRITE, &other) == ESP_OK);
  CHECK(nvs_get_blob(other, "lmk", NULL, &len) == ESP_ERR_NVS_NOT_FOUND);
  CHECK(nvs_open("app", NVS_READONLY, &ro) == ESP_OK && ro != h);
  CHECK(nvs_get_blob(ro, "lmk", NULL, &len) == ESP_OK && len == 16);
  CHECK(nvs_set_u8(ro, "x", 1) == ESP_ERR_NVS_READ_ONLY);
  CHECK(nvs_set_str(ro, "x", "y") == ESP_ERR_NVS_READ_ONLY);
  CHECK(nvs_set_blob(ro, "x", lmk, 1) == ESP_ERR_NVS_READ_ONLY);
  CHECK(nvs_erase_key(ro, "lmk") == ESP_ERR_NVS_READ_ONLY);
  CHECK(nvs_erase_all(ro) == ESP_ERR_NVS_READ_ONLY);
  CHECK(nvs_commit(ro) == ESP_OK);

  /* Erasing. */
  CHECK(nvs_erase_key(h, "lmk") == ESP_OK);
  CHECK(nvs_erase_key(h, "lmk") == ESP_ERR_NVS_NOT_FOUND);
  CHECK(nvs_get_blob(ro, "lmk", NULL, &len) == ESP_ERR_NVS_NOT_FOUND);
  CHECK(nvs_erase_all(h) == ESP_OK);
  CHECK(nvs_get_str(h, "name", NULL, &len) == ESP_ERR_NVS_NOT_FOUND);

  /* Closed handles, and every handle after deinit, are invalid. */
  nvs_close(other);
  CHECK(nvs_set_u8(other, "x", 1) == ESP_ERR_NVS_INVALID_HANDLE);
  CHECK(nvs_get_u8(other, "x", &u8) == ESP_ERR_NVS_INVALID_HANDLE);
  CHECK(nvs_commit(other) == ESP_ERR_NVS_INVALID_HANDLE);
  CHECK(nvs_erase_all(other) == ESP_ERR_NVS_INVALID_HANDLE);
  nvs_close(other); /* twice: nothing happens */
  CHECK(nvs_set_u8(0, "x", 1) == ESP_ERR_NVS_INVALID_HANDLE);
  CHECK(nvs_set_u8(h, "kept", 5) == ESP_OK);
  CHECK(nvs_flash_deinit() == ESP_OK);
  CHECK(nvs_get_u8(h, "kept", &u8) == ESP_ERR_NVS_INVALID_HANDLE);
  CHECK(nvs_open("app", NVS_READONLY, &h) == ESP_ERR_NVS_NOT_INITIALIZED);

  /* The flash keeps its contents across deinit; nvs_flash_erase empties it. */
  CHECK(nvs_flash_init() == ESP_OK);
  CHECK(nvs_open("app", NVS_READONLY, &h) == ESP_OK);
  CHECK(nvs_get_u8(h, "kept", &u8) == ESP_OK && u8 == 5);
  CHECK(nvs_flash_erase() == ESP_OK);
  CHECK(nvs_get_u8(h, "kept", &u8) == ESP_ERR_NVS_INVALID_HANDLE);
  CHECK(nvs_open("app", NVS_READONLY, &h) == ESP_ERR_NVS_NOT_INITIALIZED);
  CHECK(nvs_flash_init() == ESP_OK);
  CHECK(nvs_open("app", NVS_READONLY, &h) == ESP_ERR_NVS_NOT_FOUND);
  CHECK(nvs_flash_deinit() == ESP_OK);
  return 0;
}

/* The usual start-up: init (erase and retry on the two errors that ask for
 * it), then read, bump and store a counter. */
int nvs_program_count_boot(void) {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    if (nvs_flash_erase() != ESP_OK) return -1;
    err = nvs_flash_init();
  }
  if (err != ESP_OK) return -1;
  nvs_handle_t h;
  if (nvs_open("boot", NVS_READWRITE, &h) != ESP_OK) return -1;
  uint32_t count = 0;
  err = nvs_get_u32(h, "count", &count);
  if (err != ESP_OK && err != ESP_ERR_NVS_NOT_FOUND) return -1;
  ++count;
  if (nvs_set_u32(h, "count", count) != ESP_OK || nvs_commit(h) != ESP_OK) return -1;
  nvs_close(h);
  if (nvs_flash_deinit() != ESP_OK) return -1;
  return (int)count;
}

#define STA_STARTED BIT0
#define AP_STARTED BIT1

static void on_wifi_event(void* arg, esp_event_base_t base, int32_t id, void* data) {
  (void)data;
  if (base != WIFI_EVENT) return;
  if (id == WIFI_EVENT_STA_START) xEventGroupSetBits((EventGroupHandle_t)arg, STA_STARTED);
  if (id == WIFI_EVENT_AP_START) xEventGroupSetBits((EventGroupHandle_t)arg, AP_STARTED);
}

int event_program_wifi_start(int mode) {
  EventGroupHandle_t started = xEventGroupCreate();
  CHECK(started != NULL);
  esp_event_handler_instance_t instance = NULL;
  CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi_event, started, &instance) ==
        ESP_ERR_INVALID_STATE); /* no loop yet */
  CHECK(esp_event_loop_create_default() == ESP_OK);
  CHECK(esp_event_loop_create_default() == ESP_ERR_INVALID_STATE);
  CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi_event, started, &instance) ==
        ESP_OK);
  const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  CHECK(esp_wifi_init(&cfg) == ESP_OK);
  CHECK(esp_wifi_set_mode((wifi_mode_t)mode) == ESP_OK);
  CHECK(esp_wifi_start() == ESP_OK);
  const EventBits_t want = mode == WIFI_MODE_STA ? STA_STARTED : mode == WIFI_MODE_AP ? AP_STARTED
                                                                                       : STA_STARTED | AP_STARTED;
  const EventBits_t got = xEventGroupWaitBits(started, want, pdFALSE, pdTRUE, pdMS_TO_TICKS(10000));
  CHECK((got & want) == want);
  CHECK((got & ~want) == 0);
  CHECK(esp_wifi_stop() == ESP_OK);
  CHECK(esp_wifi_deinit() == ESP_OK);
  CHECK(esp_event_handler_instance_unregister(WIFI_EVENT, ESP_EVENT_ANY_ID, instance) == ESP_OK);
  CHECK(esp_event_handler_instance_unregister(WIFI_EVENT, ESP_EVENT_ANY_ID, instance) == ESP_ERR_NOT_FOUND);
  CHECK(esp_event_loop_delete_default() == ESP_OK);
  vEventGroupDelete(started);
  return 0;
}
