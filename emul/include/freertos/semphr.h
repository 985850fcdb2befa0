/* ESP-IDF's FreeRTOS semaphores and mutexes (freertos/semphr.h) on the host:
 * as in FreeRTOS, a semaphore is a queue of items of size 0, so the queue
 * functions accept it. A mutex is given back only by its holder (pdFALSE
 * otherwise); a recursive mutex counts its takes. See FreeRTOS.h. */
#pragma once

#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"

typedef QueueHandle_t SemaphoreHandle_t;

#define queueQUEUE_TYPE_MUTEX ((uint8_t)1U)
#define queueQUEUE_TYPE_RECURSIVE_MUTEX ((uint8_t)4U)
#define semGIVE_BLOCK_TIME ((TickType_t)0U)

#define xSemaphoreCreateBinary() xQueueCreate((UBaseType_t)1, (UBaseType_t)0)
#define xSemaphoreCreateCounting(uxMaxCount, uxInitialCount) xQueueCreateCountingSemaphore((uxMaxCount), (uxInitialCount))
#define xSemaphoreCreateMutex() xQueueCreateMutex(queueQUEUE_TYPE_MUTEX)
#define xSemaphoreCreateRecursiveMutex() xQueueCreateMutex(queueQUEUE_TYPE_RECURSIVE_MUTEX)
/* The ...Static forms: NULL without a buffer, as FreeRTOS; the semaphore lives on the host's heap. */
static inline SemaphoreHandle_t xSemaphoreCreateBinaryStatic(StaticSemaphore_t* pxBuffer) {
  return pxBuffer ? xSemaphoreCreateBinary() : NULL;
}
static inline SemaphoreHandle_t xSemaphoreCreateCountingStatic(UBaseType_t uxMaxCount, UBaseType_t uxInitialCount,
                                                               StaticSemaphore_t* pxBuffer) {
  return pxBuffer ? xSemaphoreCreateCounting(uxMaxCount, uxInitialCount) : NULL;
}
static inline SemaphoreHandle_t xSemaphoreCreateMutexStatic(StaticSemaphore_t* pxBuffer) {
  return pxBuffer ? xSemaphoreCreateMutex() : NULL;
}
static inline SemaphoreHandle_t xSemaphoreCreateRecursiveMutexStatic(StaticSemaphore_t* pxBuffer) {
  return pxBuffer ? xSemaphoreCreateRecursiveMutex() : NULL;
}
#define vSemaphoreDelete(xSemaphore) vQueueDelete((QueueHandle_t)(xSemaphore))
#define xSemaphoreTake(xSemaphore, xBlockTime) xQueueSemaphoreTake((xSemaphore), (xBlockTime))
#define xSemaphoreGive(xSemaphore) xQueueGenericSend((QueueHandle_t)(xSemaphore), NULL, semGIVE_BLOCK_TIME, queueSEND_TO_BACK)
#define xSemaphoreTakeRecursive(xMutex, xBlockTime) xQueueTakeMutexRecursive((xMutex), (xBlockTime))
#define xSemaphoreGiveRecursive(xMutex) xQueueGiveMutexRecursive((xMutex))
#define xSemaphoreGiveFromISR(xSemaphore, pxHigherPriorityTaskWoken) \
  xQueueGiveFromISR((QueueHandle_t)(xSemaphore), (pxHigherPriorityTaskWoken))
#define xSemaphoreTakeFromISR(xSemaphore, pxHigherPriorityTaskWoken) \
  xQueueReceiveFromISR((QueueHandle_t)(xSemaphore), NULL, (pxHigherPriorityTaskWoken))
#define uxSemaphoreGetCount(xSemaphore) uxQueueMessagesWaiting((QueueHandle_t)(xSemaphore))
#define xSemaphoreGetMutexHolder(xSemaphore) xQueueGetMutexHolder((xSemaphore))
