/* ESP-IDF's FreeRTOS software timers (freertos/timers.h) on the host: one
 * timer service thread (the kernel's "Tmr Svc" task) runs every callback in
 * turn, so a callback must not block for long, as on the chip. Commands take
 * effect at once; xTicksToWait is accepted and not needed. See FreeRTOS.h. */
#pragma once

#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tmrTimerControl;
typedef struct tmrTimerControl* TimerHandle_t;
typedef void (*TimerCallbackFunction_t)(TimerHandle_t xTimer);
typedef void (*PendedFunction_t)(void*, uint32_t);

/* NULL for a period of 0 ticks or no callback. */
TimerHandle_t xTimerCreate(const char* const pcTimerName, const TickType_t xTimerPeriodInTicks,
                           const BaseType_t xAutoReload, void* const pvTimerID, TimerCallbackFunction_t pxCallbackFunction);
/* NULL without a buffer too, as FreeRTOS; the timer lives on the host's heap. */
static inline TimerHandle_t xTimerCreateStatic(const char* const pcTimerName, const TickType_t xTimerPeriodInTicks,
                                               const BaseType_t xAutoReload, void* const pvTimerID,
                                               TimerCallbackFunction_t pxCallbackFunction, StaticTimer_t* pxTimerBuffer) {
  if (!pxTimerBuffer) return NULL;
  return xTimerCreate(pcTimerName, xTimerPeriodInTicks, xAutoReload, pvTimerID, pxCallbackFunction);
}
/* Starts (or restarts) the timer: it fires a period from now. pdFAIL for NULL. */
BaseType_t xTimerStart(TimerHandle_t xTimer, TickType_t xTicksToWait);
BaseType_t xTimerStop(TimerHandle_t xTimer, TickType_t xTicksToWait);
BaseType_t xTimerReset(TimerHandle_t xTimer, TickType_t xTicksToWait);
/* Also starts a dormant timer, as in FreeRTOS. pdFAIL for a period of 0. */
BaseType_t xTimerChangePeriod(TimerHandle_t xTimer, TickType_t xNewPeriod, TickType_t xTicksToWait);
/* Stops it; once this returns its callback is not running and will not run. */
BaseType_t xTimerDelete(TimerHandle_t xTimer, TickType_t xTicksToWait);
BaseType_t xTimerIsTimerActive(TimerHandle_t xTimer);
void* pvTimerGetTimerID(const TimerHandle_t xTimer);
void vTimerSetTimerID(TimerHandle_t xTimer, void* pvNewID);
const char* pcTimerGetName(TimerHandle_t xTimer);
TickType_t xTimerGetPeriod(TimerHandle_t xTimer);
TickType_t xTimerGetExpiryTime(TimerHandle_t xTimer);
void vTimerSetReloadMode(TimerHandle_t xTimer, const BaseType_t xAutoReload);
/* Runs xFunctionToPend(pvParameter1, ulParameter2) on the timer service thread. */
BaseType_t xTimerPendFunctionCall(PendedFunction_t xFunctionToPend, void* pvParameter1, uint32_t ulParameter2,
                                  TickType_t xTicksToWait);

#define xTimerStartFromISR(xTimer, pxWoken) ((void)(pxWoken), xTimerStart((xTimer), 0))
#define xTimerStopFromISR(xTimer, pxWoken) ((void)(pxWoken), xTimerStop((xTimer), 0))
#define xTimerResetFromISR(xTimer, pxWoken) ((void)(pxWoken), xTimerReset((xTimer), 0))
#define xTimerChangePeriodFromISR(xTimer, xNewPeriod, pxWoken) ((void)(pxWoken), xTimerChangePeriod((xTimer), (xNewPeriod), 0))

#ifdef __cplusplus
}
#endif
