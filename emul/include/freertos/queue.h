/* ESP-IDF's FreeRTOS queues (freertos/queue.h) on the host: fixed-size items
 * copied in and out, waits of a number of ticks or portMAX_DELAY (forever),
 * usable from any thread, the emulated Wi-Fi task's callbacks included. The
 * FromISR forms never block and set *pxHigherPriorityTaskWoken to pdFALSE.
 * See FreeRTOS.h for the reference. */
#pragma once

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#ifdef __cplusplus
extern "C" {
#endif

struct QueueDefinition;
typedef struct QueueDefinition* QueueHandle_t;
typedef struct QueueDefinition* QueueSetHandle_t;

#define queueSEND_TO_BACK ((BaseType_t)0)
#define queueSEND_TO_FRONT ((BaseType_t)1)
#define queueOVERWRITE ((BaseType_t)2)

/* NULL when uxQueueLength is 0. An item size of 0 holds counts (semaphores). */
QueueHandle_t xQueueCreate(UBaseType_t uxQueueLength, UBaseType_t uxItemSize);
void vQueueDelete(QueueHandle_t xQueue);
/* NULL without a queue buffer, or with a storage buffer that does not match
 * the item size (FreeRTOS asserts both); the items live on the host's heap. */
static inline QueueHandle_t xQueueCreateStatic(UBaseType_t uxQueueLength, UBaseType_t uxItemSize,
                                               uint8_t* pucQueueStorage, StaticQueue_t* pxQueueBuffer) {
  if (!pxQueueBuffer || (pucQueueStorage == NULL) != (uxItemSize == 0)) return NULL;
  return xQueueCreate(uxQueueLength, uxItemSize);
}
/* errQUEUE_FULL when no space came within xTicksToWait. */
BaseType_t xQueueGenericSend(QueueHandle_t xQueue, const void* const pvItemToQueue, TickType_t xTicksToWait,
                             const BaseType_t xCopyPosition);
/* pdFALSE (errQUEUE_EMPTY) when nothing came within xTicksToWait. */
BaseType_t xQueueReceive(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait);
BaseType_t xQueuePeek(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait);
UBaseType_t uxQueueMessagesWaiting(const QueueHandle_t xQueue);
UBaseType_t uxQueueSpacesAvailable(const QueueHandle_t xQueue);
BaseType_t xQueueGenericReset(QueueHandle_t xQueue, BaseType_t xNewQueue);
BaseType_t xQueueGenericSendFromISR(QueueHandle_t xQueue, const void* const pvItemToQueue,
                                    BaseType_t* const pxHigherPriorityTaskWoken, const BaseType_t xCopyPosition);
BaseType_t xQueueReceiveFromISR(QueueHandle_t xQueue, void* const pvBuffer, BaseType_t* const pxHigherPriorityTaskWoken);

#define xQueueSend(q, item, ticks) xQueueGenericSend((q), (item), (ticks), queueSEND_TO_BACK)
#define xQueueSendToBack(q, item, ticks) xQueueGenericSend((q), (item), (ticks), queueSEND_TO_BACK)
#define xQueueSendToFront(q, item, ticks) xQueueGenericSend((q), (item), (ticks), queueSEND_TO_FRONT)
#define xQueueOverwrite(q, item) xQueueGenericSend((q), (item), 0, queueOVERWRITE)
#define xQueueReset(q) xQueueGenericReset((q), pdFALSE)
#define xQueueSendFromISR(q, item, woken) xQueueGenericSendFromISR((q), (item), (woken), queueSEND_TO_BACK)
#define xQueueSendToBackFromISR(q, item, woken) xQueueGenericSendFromISR((q), (item), (woken), queueSEND_TO_BACK)
#define xQueueSendToFrontFromISR(q, item, woken) xQueueGenericSendFromISR((q), (item), (woken), queueSEND_TO_FRONT)
#define xQueueOverwriteFromISR(q, item, woken) xQueueGenericSendFromISR((q), (item), (woken), queueOVERWRITE)
#define uxQueueMessagesWaitingFromISR(q) uxQueueMessagesWaiting(q)

/* The semaphore side of a queue (semphr.h's macros use these). */
QueueHandle_t xQueueCreateCountingSemaphore(const UBaseType_t uxMaxCount, const UBaseType_t uxInitialCount);
QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType);
BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait);
BaseType_t xQueueGiveMutexRecursive(QueueHandle_t xMutex);
BaseType_t xQueueTakeMutexRecursive(QueueHandle_t xMutex, TickType_t xTicksToWait);
BaseType_t xQueueGiveFromISR(QueueHandle_t xQueue, BaseType_t* const pxHigherPriorityTaskWoken);
TaskHandle_t xQueueGetMutexHolder(QueueHandle_t xSemaphore);

#ifdef __cplusplus
}
#endif
