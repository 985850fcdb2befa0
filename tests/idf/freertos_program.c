/* A FreeRTOS program in the manner of ESP-IDF applications, compiled as C11
 * against the emulation. It includes only timers.h and semphr.h, which bring
 * task.h and queue.h with them as ESP-IDF's do. A producer task feeds a queue,
 * a software timer gives a semaphore, a task sets event bits and notifies,
 * then deletes itself. Returns 0, or the number of the first check that failed. */
#include <stdint.h>

#include "freertos/semphr.h"
#include "freertos/timers.h"
#include "freertos/event_groups.h"
#include "freertos_program.h"

#define ITEMS 5
#define DONE_BIT (1u << 0)
#define TIMER_BIT (1u << 1)

typedef struct {
  QueueHandle_t queue;
  EventGroupHandle_t events;
  TaskHandle_t parent;
} shared_t;

static void producer(void* arg) {
  shared_t* s = (shared_t*)arg;
  for (uint32_t i = 0; i < ITEMS; ++i) {
    xQueueSend(s->queue, &i, portMAX_DELAY);
    vTaskDelay(pdMS_TO_TICKS(10));
  }
  xEventGroupSetBits(s->events, DONE_BIT);
  xTaskNotifyGive(s->parent);
  vTaskDelete(NULL);
  xEventGroupSetBits(s->events, 1u << 7); /* never reached */
}

static void on_timer(TimerHandle_t t) {
  xSemaphoreGive((SemaphoreHandle_t)pvTimerGetTimerID(t));
}

int freertos_program_run(void) {
  shared_t s;
  s.queue = xQueueCreate(2, sizeof(uint32_t));
  s.events = xEventGroupCreate();
  s.parent = xTaskGetCurrentTaskHandle();
  SemaphoreHandle_t tick = xSemaphoreCreateBinary();
  if (!s.queue || !s.events || !tick) return 1;
  if (xTaskCreate(producer, "producer", 4096, &s, 5, NULL) != pdPASS) return 2;
  for (uint32_t i = 0; i < ITEMS; ++i) {
    uint32_t got = 99;
    if (xQueueReceive(s.queue, &got, pdMS_TO_TICKS(2000)) != pdTRUE) return 3;
    if (got != i) return 4;
  }
  if (ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(2000)) != 1) return 5;
  const EventBits_t bits = xEventGroupWaitBits(s.events, DONE_BIT, pdTRUE, pdTRUE, pdMS_TO_TICKS(2000));
  if (!(bits & DONE_BIT)) return 6;
  TimerHandle_t timer = xTimerCreate("tick", pdMS_TO_TICKS(20), pdFALSE, tick, on_timer);
  if (!timer || xTimerStart(timer, 0) != pdPASS) return 7;
  if (xSemaphoreTake(tick, pdMS_TO_TICKS(2000)) != pdTRUE) return 8;
  if (xSemaphoreTake(tick, 0) != pdFALSE) return 9; /* one-shot: given once */
  if (xEventGroupGetBits(s.events) & (1u << 7)) return 10; /* vTaskDelete(NULL) did not return */
  xTimerDelete(timer, 0);
  vSemaphoreDelete(tick);
  vEventGroupDelete(s.events);
  vQueueDelete(s.queue);
  return 0;
}
