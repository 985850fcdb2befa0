/* One C program compiled four times, in the callback shapes of ESP-IDF 4.4,
 * 5.0, 5.4 and 5.5 (callback_shapes.c with ESP_IDF_VERSION_MAJOR/MINOR set),
 * so a test sees what each version's callbacks receive from the chip. */
#ifndef CALLBACK_SHAPES_H
#define CALLBACK_SHAPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int sent;               /* send callbacks so far */
  uint8_t sent_mac[6];    /* the last one's destination */
  int sent_status;        /* the last one's esp_now_send_status_t */
  uint8_t sent_src[6];    /* 5.5: the last one's source (its interface's MAC) */
  int sent_ifidx;         /* 5.5: the last one's wifi_interface_t; -1 before 5.5 */
  int received;           /* receive callbacks so far */
  uint8_t recv_mac[6];    /* the last one's source */
  char recv_data[32];     /* the last one's message, NUL-terminated */
} shapes_result_t;

#define CALLBACK_SHAPES_DECLARE(v)                                                 \
  /* esp_err_t of the setup: STA mode, or AP mode with `peer` on WIFI_IF_AP */   \
  int shapes_##v##_start(const uint8_t peer[6], int ap);                          \
  int shapes_##v##_send(const uint8_t peer[6], const char* text);                 \
  void shapes_##v##_result(shapes_result_t* out);                                 \
  int shapes_##v##_counts(void); /* sent * 1000 + received, safe at any time */   \
  int shapes_##v##_version(void); /* the ESP_IDF_VERSION it was compiled with */

CALLBACK_SHAPES_DECLARE(v4_4)
CALLBACK_SHAPES_DECLARE(v5_0)
CALLBACK_SHAPES_DECLARE(v5_4)
CALLBACK_SHAPES_DECLARE(v5_5)

#ifdef __cplusplus
}
#endif

#endif
