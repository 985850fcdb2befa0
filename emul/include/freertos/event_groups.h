/* ESP-IDF's FreeRTOS event groups (freertos/event_groups.h) on the host:
 * 24 usable bits (the top 8 of a 32-bit EventBits_t are the kernel's), waits
 * for any or all of some bits with a tick timeout. See FreeRTOS.h. */
#pragma once

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "freertos/timers.h"

#ifdef __cplusplus
extern "C" {
#endif

struct EventGroupDef_t;
typedef struct EventGroupDef_t* EventGroupHandle_t;
typedef TickType_t EventBits_t;

EventGroupHandle_t xEventGroupCreate(void);
/* NULL without a buffer, as FreeRTOS; the group lives on the host's heap. */
static inline EventGroupHandle_t xEventGroupCreateStatic(StaticEventGroup_t* pxEventGroupBuffer) {
  return pxEventGroupBuffer ? xEventGroupCreate() : NULL;
}
void vEventGroupDelete(EventGroupHandle_t xEventGroup);
/* The group's bits when it returns (bits a waiter cleared on exit may be gone). */
EventBits_t xEventGroupSetBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet);
/* The bits before they were cleared. */
EventBits_t xEventGroupClearBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToClear);
EventBits_t xEventGroupGetBits(EventGroupHandle_t xEventGroup);
/* The bits when the wait ended (met, or timed out), before any clear on exit. */
EventBits_t xEventGroupWaitBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToWaitFor,
                                const BaseType_t xClearOnExit, const BaseType_t xWaitForAllBits, TickType_t xTicksToWait);
/* Sets uxBitsToSet, then waits for all of uxBitsToWaitFor and clears them. */
EventBits_t xEventGroupSync(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet,
                            const EventBits_t uxBitsToWaitFor, TickType_t xTicksToWait);

#define xEventGroupSetBitsFromISR(g, bits, pxWoken) ((void)(pxWoken), (void)xEventGroupSetBits((g), (bits)), pdPASS)
#define xEventGroupClearBitsFromISR(g, bits) ((void)xEventGroupClearBits((g), (bits)), pdPASS)
#define xEventGroupGetBitsFromISR(g) xEventGroupGetBits(g)

#ifdef __cplusplus
}
#endif
