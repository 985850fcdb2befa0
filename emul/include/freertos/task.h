/* ESP-IDF's FreeRTOS tasks (freertos/task.h) on the host. Each task is a
 * host thread that starts with its creator's emulated chip selected, so a
 * task of a chip's firmware calls esp_* on that chip. Priorities and core
 * affinity are recorded, not scheduled: the host's scheduler runs every task
 * at once. vTaskDelete(NULL) ends the calling task; deleting another task
 * ends it at its next FreeRTOS call that blocks (vTaskDelay, a queue,
 * a semaphore, a notification, an event group), since a host thread cannot
 * be stopped from outside. See FreeRTOS.h for the reference. */
#pragma once

#include "freertos/FreeRTOS.h"
#include "freertos/list.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tskTaskControlBlock;
typedef struct tskTaskControlBlock* TaskHandle_t;
typedef void (*TaskFunction_t)(void*);

typedef enum { eRunning = 0, eReady, eBlocked, eSuspended, eDeleted, eInvalid } eTaskState;

typedef enum {
  eNoAction = 0,
  eSetBits,
  eIncrement,
  eSetValueWithOverwrite,
  eSetValueWithoutOverwrite,
} eNotifyAction;

BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pvTaskCode, const char* const pcName, const uint32_t usStackDepth,
                                   void* const pvParameters, UBaseType_t uxPriority, TaskHandle_t* const pvCreatedTask,
                                   const BaseType_t xCoreID);
static inline BaseType_t xTaskCreate(TaskFunction_t pvTaskCode, const char* const pcName, const uint32_t usStackDepth,
                                     void* const pvParameters, UBaseType_t uxPriority, TaskHandle_t* const pvCreatedTask) {
  return xTaskCreatePinnedToCore(pvTaskCode, pcName, usStackDepth, pvParameters, uxPriority, pvCreatedTask,
                                 tskNO_AFFINITY);
}
/* As FreeRTOS: NULL when either buffer is NULL. The task's stack and block
 * are the host's (the buffers stay untouched). */
static inline TaskHandle_t xTaskCreateStaticPinnedToCore(TaskFunction_t pxTaskCode, const char* const pcName,
                                                         const uint32_t ulStackDepth, void* const pvParameters,
                                                         UBaseType_t uxPriority, StackType_t* const puxStackBuffer,
                                                         StaticTask_t* const pxTaskBuffer, const BaseType_t xCoreID) {
  TaskHandle_t created = NULL;
  if (!puxStackBuffer || !pxTaskBuffer) return NULL;
  if (xTaskCreatePinnedToCore(pxTaskCode, pcName, ulStackDepth, pvParameters, uxPriority, &created, xCoreID) != pdPASS)
    return NULL;
  return created;
}
static inline TaskHandle_t xTaskCreateStatic(TaskFunction_t pxTaskCode, const char* const pcName,
                                             const uint32_t ulStackDepth, void* const pvParameters,
                                             UBaseType_t uxPriority, StackType_t* const puxStackBuffer,
                                             StaticTask_t* const pxTaskBuffer) {
  return xTaskCreateStaticPinnedToCore(pxTaskCode, pcName, ulStackDepth, pvParameters, uxPriority, puxStackBuffer,
                                       pxTaskBuffer, tskNO_AFFINITY);
}
/* NULL: the calling task, which ends here and does not return. */
void vTaskDelete(TaskHandle_t xTaskToDelete);

void vTaskDelay(const TickType_t xTicksToDelay);
/* Returns pdTRUE when it waited, pdFALSE when the wake time had passed. */
BaseType_t xTaskDelayUntil(TickType_t* const pxPreviousWakeTime, const TickType_t xTimeIncrement);
#define vTaskDelayUntil(pxPreviousWakeTime, xTimeIncrement) ((void)xTaskDelayUntil((pxPreviousWakeTime), (xTimeIncrement)))
TickType_t xTaskGetTickCount(void);
TickType_t xTaskGetTickCountFromISR(void);

/* A thread the emulation did not start (main, a test's) gets a handle too. */
TaskHandle_t xTaskGetCurrentTaskHandle(void);
char* pcTaskGetName(TaskHandle_t xTaskToQuery);
#define pcTaskGetTaskName pcTaskGetName
UBaseType_t uxTaskPriorityGet(const TaskHandle_t xTask);
void vTaskPrioritySet(TaskHandle_t xTask, UBaseType_t uxNewPriority);
eTaskState eTaskGetState(TaskHandle_t xTask);
/* NULL: the calling task. Another task stops at its next kernel call. */
void vTaskSuspend(TaskHandle_t xTaskToSuspend);
void vTaskResume(TaskHandle_t xTaskToResume);
BaseType_t xTaskResumeFromISR(TaskHandle_t xTaskToResume);
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask);
UBaseType_t uxTaskGetNumberOfTasks(void);
void vTaskSuspendAll(void);
BaseType_t xTaskResumeAll(void);

/* Direct-to-task notifications (index 0). */
BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify, uint32_t ulValue,
                              eNotifyAction eAction, uint32_t* pulPreviousNotificationValue);
BaseType_t xTaskNotifyWait(uint32_t ulBitsToClearOnEntry, uint32_t ulBitsToClearOnExit, uint32_t* pulNotificationValue,
                           TickType_t xTicksToWait);
uint32_t ulTaskNotifyTake(BaseType_t xClearCountOnExit, TickType_t xTicksToWait);
BaseType_t xTaskNotifyStateClear(TaskHandle_t xTask);
#define xTaskNotify(xTaskToNotify, ulValue, eAction) xTaskGenericNotify((xTaskToNotify), 0, (ulValue), (eAction), NULL)
#define xTaskNotifyAndQuery(xTaskToNotify, ulValue, eAction, pulPrevious) \
  xTaskGenericNotify((xTaskToNotify), 0, (ulValue), (eAction), (pulPrevious))
#define xTaskNotifyGive(xTaskToNotify) xTaskGenericNotify((xTaskToNotify), 0, 0, eIncrement, NULL)
#define xTaskNotifyFromISR(xTaskToNotify, ulValue, eAction, pxHigherPriorityTaskWoken) \
  ((void)(pxHigherPriorityTaskWoken), xTaskGenericNotify((xTaskToNotify), 0, (ulValue), (eAction), NULL))
#define vTaskNotifyGiveFromISR(xTaskToNotify, pxHigherPriorityTaskWoken) \
  ((void)(pxHigherPriorityTaskWoken), (void)xTaskGenericNotify((xTaskToNotify), 0, 0, eIncrement, NULL))

#ifdef __cplusplus
}
#endif
