/* ESP-IDF's FreeRTOS (freertos/FreeRTOS.h) on the host: its base types,
 * constants and tick conversions, and the port's critical sections.
 * Names, types and values follow ESP-IDF v5.5's FreeRTOS (v10.5 kernel, see
 * https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/freertos.html).
 * Tasks are host threads; the tick is CONFIG_FREERTOS_HZ (sdkconfig.h,
 * default 100) on the steady clock. Unlike the kernel, task.h, queue.h ...
 * include this header themselves, so their order does not matter. */
#pragma once
#define INC_FREERTOS_H

#include <stddef.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "esp_bit_defs.h"
#include "espnow_emul_sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
typedef uint32_t StackType_t;

#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdPASS (pdTRUE)
#define pdFAIL (pdFALSE)
#define errQUEUE_EMPTY ((BaseType_t)0)
#define errQUEUE_FULL ((BaseType_t)0)
#define errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY (-1)

/* As the kernel's configASSERT: a false condition names itself and aborts. */
#ifndef configASSERT
#include <assert.h>
#define configASSERT(x) assert(x)
#endif

#define portMAX_DELAY ((TickType_t)0xffffffffUL)
#define configTICK_RATE_HZ (CONFIG_FREERTOS_HZ)
#define portTICK_PERIOD_MS ((TickType_t)1000 / configTICK_RATE_HZ)
#define pdMS_TO_TICKS(xTimeInMs) ((TickType_t)(((uint64_t)(xTimeInMs) * (uint64_t)configTICK_RATE_HZ) / (uint64_t)1000U))
#define pdTICKS_TO_MS(xTicks) ((TickType_t)(((uint64_t)(xTicks) * (uint64_t)1000U) / (uint64_t)configTICK_RATE_HZ))

#define configMAX_PRIORITIES 25
#define configMINIMAL_STACK_SIZE 768
#define configMAX_TASK_NAME_LEN 16
#define configNUMBER_OF_CORES (CONFIG_FREERTOS_NUMBER_OF_CORES)
#define portNUM_PROCESSORS configNUMBER_OF_CORES
#define tskNO_AFFINITY ((BaseType_t)0x7FFFFFFF)
#define tskIDLE_PRIORITY ((UBaseType_t)0U)
#define portSTACK_TYPE StackType_t
#define portBASE_TYPE BaseType_t
#define configSUPPORT_STATIC_ALLOCATION 1
#define configSUPPORT_DYNAMIC_ALLOCATION 1

/* The buffers of the ...Static creators (xQueueCreateStatic, ...). The
 * emulation's objects live on the host's heap and leave these untouched;
 * their sizes are not a chip's. */
typedef struct { void* reserved[16]; } StaticTask_t;
typedef struct { void* reserved[12]; } StaticQueue_t;
typedef StaticQueue_t StaticSemaphore_t;
typedef struct { void* reserved[8]; } StaticTimer_t;
typedef struct { void* reserved[6]; } StaticEventGroup_t;

/* The FreeRTOS heap (freertos/portable.h on a chip), here the host's. */
static inline void* pvPortMalloc(size_t xWantedSize) { return malloc(xWantedSize); }
static inline void vPortFree(void* pv) { free(pv); }

/* The port's spinlock. Recursive for the thread that holds it, as on the chip. */
typedef struct {
  volatile uint32_t owner; /* 0: free */
  volatile uint32_t count;
} portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED {0, 0}
#define portMUX_FREE_VAL 0
static inline void portMUX_INITIALIZE(portMUX_TYPE* mux) {
  mux->owner = 0;
  mux->count = 0;
}
#define spinlock_initialize portMUX_INITIALIZE

void vPortEnterCritical(portMUX_TYPE* mux);
void vPortExitCritical(portMUX_TYPE* mux);
BaseType_t xPortInIsrContext(void);
BaseType_t xPortGetCoreID(void);

#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define portENTER_CRITICAL_ISR(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL_ISR(mux) vPortExitCritical(mux)
#define portENTER_CRITICAL_SAFE(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL_SAFE(mux) vPortExitCritical(mux)
#define taskENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define taskEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define taskENTER_CRITICAL_ISR(mux) vPortEnterCritical(mux)
#define taskEXIT_CRITICAL_ISR(mux) vPortExitCritical(mux)
#define portYIELD_FROM_ISR(...) ((void)0)
#define portYIELD() taskYIELD()

void taskYIELD(void);

/* The library counts ticks at the program's CONFIG_FREERTOS_HZ: every
 * translation unit that includes this header tells it, before main. Two
 * different rates in one program stop it with a message. */
void vEmulFreeRTOSSetTickRate(uint32_t hz);
#ifndef ESPNOW_EMUL_LIBRARY
__attribute__((constructor)) static void espnow_emul_freertos_tick_rate_(void) {
  vEmulFreeRTOSSetTickRate(configTICK_RATE_HZ);
}
#endif

#ifdef __cplusplus
}
#endif
