// FreeRTOS queues, and the semaphores and mutexes built on them, on a mutex
// and two condition variables each. An item size of 0 makes a counting
// queue (a semaphore); a mutex also records its holder.
#include <pthread.h>

#include <cstring>
#include <vector>

#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos_kernel.hpp"

using namespace espnow::emul::rtos;

struct QueueDefinition {
  QueueDefinition(UBaseType_t length, UBaseType_t item) : capacity(length), item_size(item), storage(length * item) {}
  UBaseType_t capacity, item_size;
  std::vector<unsigned char> storage;
  UBaseType_t head = 0, count = 0;
  uint8_t mutex_type = 0;  // 0: not a mutex
  TaskHandle_t holder = nullptr;
  UBaseType_t recursion = 0;
  std::mutex mutex;
  std::condition_variable not_empty, not_full;

  unsigned char* slot(UBaseType_t i) { return storage.data() + ((head + i) % capacity) * item_size; }
  void push(const void* item, BaseType_t position) {
    if (position == queueSEND_TO_FRONT) {
      head = (head + capacity - 1) % capacity;
      if (item_size) std::memcpy(slot(0), item, item_size);
    } else if (item_size) {
      std::memcpy(slot(count), item, item_size);
    }
    ++count;
  }
  void pop(void* out, bool remove) {
    if (item_size && out) std::memcpy(out, slot(0), item_size);
    if (!remove) return;
    head = (head + 1) % capacity;
    --count;
  }
};

namespace {

BaseType_t send(QueueHandle_t q, const void* item, TickType_t ticks, BaseType_t position) {
  if (!q || (q->item_size && !item)) return errQUEUE_FULL;
  if (q->mutex_type) {  // giving a mutex: only its holder may
    std::lock_guard lk(q->mutex);
    if (q->holder != xTaskGetCurrentTaskHandle() || q->count == q->capacity) return pdFAIL;
    q->holder = nullptr;
    q->recursion = 0;
    q->push(item, queueSEND_TO_BACK);
    wake(q->not_empty);
    return pdPASS;
  }
  if (ticks) honour_deletion();
  std::unique_lock lk(q->mutex);
  if (position == queueOVERWRITE && q->count == q->capacity) q->count = 0;  // a queue of one item
  if (!wait_ticks(lk, q->not_full, ticks, [q] { return q->count < q->capacity; })) return errQUEUE_FULL;
  q->push(item, position);
  wake(q->not_empty);
  return pdPASS;
}

BaseType_t receive(QueueHandle_t q, void* out, TickType_t ticks, bool remove) {
  if (!q || (q->item_size && !out)) return errQUEUE_EMPTY;
  if (ticks) honour_deletion();
  std::unique_lock lk(q->mutex);
  if (!wait_ticks(lk, q->not_empty, ticks, [q] { return q->count > 0; })) return errQUEUE_EMPTY;
  q->pop(out, remove);
  if (remove) {
    if (q->mutex_type) {
      q->holder = xTaskGetCurrentTaskHandle();
      q->recursion = 1;
    }
    wake(q->not_full);
  } else {
    wake(q->not_empty);  // another peeker or receiver may take it
  }
  return pdPASS;
}

}  // namespace

extern "C" {

QueueHandle_t xQueueCreate(UBaseType_t uxQueueLength, UBaseType_t uxItemSize) {
  if (uxQueueLength == 0) return nullptr;
  return new QueueDefinition(uxQueueLength, uxItemSize);
}

void vQueueDelete(QueueHandle_t xQueue) { delete xQueue; }

BaseType_t xQueueGenericSend(QueueHandle_t xQueue, const void* const pvItemToQueue, TickType_t xTicksToWait,
                             const BaseType_t xCopyPosition) {
  return send(xQueue, pvItemToQueue, xTicksToWait, xCopyPosition);
}

BaseType_t xQueueReceive(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait) {
  return receive(xQueue, pvBuffer, xTicksToWait, true);
}

BaseType_t xQueuePeek(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait) {
  return receive(xQueue, pvBuffer, xTicksToWait, false);
}

UBaseType_t uxQueueMessagesWaiting(const QueueHandle_t xQueue) {
  if (!xQueue) return 0;
  std::lock_guard lk(xQueue->mutex);
  return xQueue->count;
}

UBaseType_t uxQueueSpacesAvailable(const QueueHandle_t xQueue) {
  if (!xQueue) return 0;
  std::lock_guard lk(xQueue->mutex);
  return xQueue->capacity - xQueue->count;
}

BaseType_t xQueueGenericReset(QueueHandle_t xQueue, BaseType_t) {
  if (!xQueue) return pdFAIL;
  {
    std::lock_guard lk(xQueue->mutex);
    xQueue->count = 0;
    xQueue->head = 0;
  }
  wake(xQueue->not_full);
  return pdPASS;
}

BaseType_t xQueueGenericSendFromISR(QueueHandle_t xQueue, const void* const pvItemToQueue,
                                    BaseType_t* const pxHigherPriorityTaskWoken, const BaseType_t xCopyPosition) {
  if (pxHigherPriorityTaskWoken) *pxHigherPriorityTaskWoken = pdFALSE;
  return send(xQueue, pvItemToQueue, 0, xCopyPosition);
}

BaseType_t xQueueReceiveFromISR(QueueHandle_t xQueue, void* const pvBuffer, BaseType_t* const pxHigherPriorityTaskWoken) {
  if (pxHigherPriorityTaskWoken) *pxHigherPriorityTaskWoken = pdFALSE;
  return receive(xQueue, pvBuffer, 0, true);
}

QueueHandle_t xQueueCreateCountingSemaphore(const UBaseType_t uxMaxCount, const UBaseType_t uxInitialCount) {
  if (uxMaxCount == 0 || uxInitialCount > uxMaxCount) return nullptr;
  QueueHandle_t q = xQueueCreate(uxMaxCount, 0);
  q->count = uxInitialCount;
  return q;
}

QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType) {
  QueueHandle_t q = xQueueCreate(1, 0);
  q->mutex_type = ucQueueType;
  q->count = 1;  // a mutex starts available
  return q;
}

BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait) {
  return receive(xQueue, nullptr, xTicksToWait, true);
}

BaseType_t xQueueTakeMutexRecursive(QueueHandle_t xMutex, TickType_t xTicksToWait) {
  if (!xMutex) return pdFAIL;
  {
    std::lock_guard lk(xMutex->mutex);
    if (xMutex->holder == xTaskGetCurrentTaskHandle()) {
      ++xMutex->recursion;
      return pdPASS;
    }
  }
  return receive(xMutex, nullptr, xTicksToWait, true);
}

BaseType_t xQueueGiveMutexRecursive(QueueHandle_t xMutex) {
  if (!xMutex) return pdFAIL;
  {
    std::lock_guard lk(xMutex->mutex);
    if (xMutex->holder != xTaskGetCurrentTaskHandle()) return pdFAIL;
    if (--xMutex->recursion > 0) return pdPASS;
    xMutex->recursion = 1;  // the last give: send() releases it
  }
  return send(xMutex, nullptr, 0, queueSEND_TO_BACK);
}

// Giving a semaphore from an interrupt; a mutex cannot be given there.
BaseType_t xQueueGiveFromISR(QueueHandle_t xQueue, BaseType_t* const pxHigherPriorityTaskWoken) {
  if (pxHigherPriorityTaskWoken) *pxHigherPriorityTaskWoken = pdFALSE;
  if (!xQueue || xQueue->mutex_type) return pdFAIL;
  return send(xQueue, nullptr, 0, queueSEND_TO_BACK);
}

TaskHandle_t xQueueGetMutexHolder(QueueHandle_t xSemaphore) {
  if (!xSemaphore) return nullptr;
  std::lock_guard lk(xSemaphore->mutex);
  return xSemaphore->holder;
}

}  // extern "C"
