/* ESP-IDF's event loop library (esp_event.h) on the host: each emulated chip
 * has its own default loop, run by its own task (a host thread with the
 * chip selected), as ESP-IDF's "sys_evt" task runs it (ESP-IDF v5.5,
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_event.html).
 * Handlers run in order: those for any base, those for the event's base and
 * any id, then those for the event, each group in registration order. The
 * queue holds CONFIG_ESP_SYSTEM_EVENT_QUEUE_SIZE (32) events; a post to a
 * full queue waits up to ticks_to_wait, then fails with ESP_ERR_TIMEOUT.
 * Only the default loop exists (no esp_event_loop_create). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_event_base.h"
#include "esp_wifi_types.h"
#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ESP_ERR_INVALID_STATE when the chip already has its default loop. */
esp_err_t esp_event_loop_create_default(void);
/* ESP_ERR_INVALID_STATE without a default loop. */
esp_err_t esp_event_loop_delete_default(void);

/* ESP_ERR_INVALID_STATE without a default loop; ESP_ERR_INVALID_ARG for a
 * null handler or ESP_EVENT_ANY_BASE with a specific id. */
esp_err_t esp_event_handler_register(esp_event_base_t event_base, int32_t event_id, esp_event_handler_t event_handler,
                                     void* event_handler_arg);
/* ESP_ERR_NOT_FOUND when no such registration exists. */
esp_err_t esp_event_handler_unregister(esp_event_base_t event_base, int32_t event_id,
                                       esp_event_handler_t event_handler);
esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id,
                                              esp_event_handler_t event_handler, void* event_handler_arg,
                                              esp_event_handler_instance_t* instance);
/* ESP_ERR_INVALID_ARG for a null instance; ESP_ERR_NOT_FOUND for one not
 * registered under this base and id. */
esp_err_t esp_event_handler_instance_unregister(esp_event_base_t event_base, int32_t event_id,
                                                esp_event_handler_instance_t instance);

/* Copies event_data (event_data_size bytes); handlers get the copy.
 * ESP_ERR_INVALID_ARG for ESP_EVENT_ANY_BASE or ESP_EVENT_ANY_ID. */
esp_err_t esp_event_post(esp_event_base_t event_base, int32_t event_id, const void* event_data,
                         size_t event_data_size, TickType_t ticks_to_wait);

#ifdef __cplusplus
}
#endif
