// FreeRTOS tasks, ticks, notifications and critical sections on host threads.
// A task is a detached pthread: vTaskDelete(NULL) ends it with pthread_exit,
// which unwinds the task's C++ frames as a return would.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <thread>

#include "espnow_emul.hpp"
#include "freertos_kernel.hpp"

namespace espnow::emul::rtos {
namespace {

std::atomic<uint32_t> g_tick_rate{0};  // 0: none told yet, CONFIG_FREERTOS_HZ's default
const Clock::time_point g_boot = Clock::now();

// Handles stay valid for the process: a program may notify a task that ended.
// Never destroyed, not even at exit: detached tasks may still be running (and
// touching their blocks) while the process's static destructors run.
std::mutex g_tasks_mutex;
auto& g_tasks = *new std::deque<std::unique_ptr<tskTaskControlBlock>>;
std::atomic<unsigned> g_running{0};
thread_local tskTaskControlBlock* t_self = nullptr;

tskTaskControlBlock* new_task(const char* name, UBaseType_t priority) {
  auto tcb = std::make_unique<tskTaskControlBlock>();
  tcb->name = name ? std::string(name).substr(0, configMAX_TASK_NAME_LEN - 1) : "";
  tcb->priority = priority;
  std::lock_guard lk(g_tasks_mutex);
  g_tasks.push_back(std::move(tcb));
  return g_tasks.back().get();
}

void* task_main(void* arg) {
  auto* tcb = static_cast<tskTaskControlBlock*>(arg);
  t_self = tcb;
  select_chip(tcb->chip);
  struct Ended {  // runs on return and on pthread_exit's unwinding alike
    tskTaskControlBlock* tcb;
    ~Ended() {
      std::lock_guard lk(tcb->mutex);
      tcb->ended = true;
      --g_running;
    }
  } ended{tcb};
  tcb->fn(tcb->arg);
  // A FreeRTOS task must not return; on the chip that aborts. Here it ends.
  return nullptr;
}

}  // namespace

uint32_t tick_rate_hz() {
  const uint32_t hz = g_tick_rate.load();
  return hz ? hz : CONFIG_FREERTOS_HZ;
}

TickType_t ticks_now() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - g_boot).count();
  return static_cast<TickType_t>(static_cast<uint64_t>(us) * tick_rate_hz() / 1000000u);
}

Clock::duration ticks_to_duration(TickType_t ticks) {
  return std::chrono::microseconds(static_cast<uint64_t>(ticks) * 1000000u / tick_rate_hz());
}

void honour_deletion() {
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  bool end = false;
  {
    std::lock_guard lk(self->mutex);
    end = self->delete_requested;
  }
  if (end) pthread_exit(nullptr);
}

}  // namespace espnow::emul::rtos

using namespace espnow::emul::rtos;

extern "C" {

void vEmulFreeRTOSSetTickRate(uint32_t hz) {
  uint32_t expected = 0;
  if (hz == 0 || (!g_tick_rate.compare_exchange_strong(expected, hz) && expected != hz)) {
    std::fprintf(stderr, "FreeRTOS emulation: CONFIG_FREERTOS_HZ is %u in one part of the program and %u in another\n",
                 static_cast<unsigned>(expected), static_cast<unsigned>(hz));
    std::abort();
  }
}

BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pvTaskCode, const char* const pcName, const uint32_t,
                                   void* const pvParameters, UBaseType_t uxPriority, TaskHandle_t* const pvCreatedTask,
                                   const BaseType_t xCoreID) {
  if (!pvTaskCode || uxPriority >= configMAX_PRIORITIES ||
      (xCoreID != tskNO_AFFINITY && (xCoreID < 0 || xCoreID >= configNUMBER_OF_CORES)))
    return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;  // the kernel asserts; a caller sees a failed create
  tskTaskControlBlock* tcb = new_task(pcName, uxPriority);
  tcb->fn = pvTaskCode;
  tcb->arg = pvParameters;
  tcb->chip = espnow::emul::selected_chip_or_null();  // the creator's chip
  ++g_running;
  pthread_t thread;
  if (pthread_create(&thread, nullptr, task_main, tcb) != 0) {
    --g_running;
    return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
  }
  pthread_detach(thread);
  if (pvCreatedTask) *pvCreatedTask = tcb;
  return pdPASS;
}

void vTaskDelete(TaskHandle_t xTaskToDelete) {
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  if (!xTaskToDelete || xTaskToDelete == self) pthread_exit(nullptr);
  {
    std::lock_guard lk(xTaskToDelete->mutex);
    xTaskToDelete->delete_requested = true;
  }
  xTaskToDelete->cv.notify_all();  // a pending ulTaskNotifyTake wakes and ends
}

void vTaskDelay(const TickType_t xTicksToDelay) {
  honour_deletion();
  if (xTicksToDelay == 0) return (void)sched_yield();
  std::this_thread::sleep_for(ticks_to_duration(xTicksToDelay));
}

BaseType_t xTaskDelayUntil(TickType_t* const pxPreviousWakeTime, const TickType_t xTimeIncrement) {
  honour_deletion();
  if (!pxPreviousWakeTime) return pdFALSE;
  const TickType_t wake = *pxPreviousWakeTime + xTimeIncrement;
  *pxPreviousWakeTime = wake;
  const TickType_t now = ticks_now();
  if (static_cast<int32_t>(wake - now) <= 0) return pdFALSE;
  std::this_thread::sleep_for(ticks_to_duration(wake - now));
  return pdTRUE;
}

TickType_t xTaskGetTickCount(void) { return ticks_now(); }
TickType_t xTaskGetTickCountFromISR(void) { return ticks_now(); }

TaskHandle_t xTaskGetCurrentTaskHandle(void) {
  if (!t_self) t_self = new_task("main", 1);  // a thread the emulation did not start
  return t_self;
}

char* pcTaskGetName(TaskHandle_t xTaskToQuery) {
  tskTaskControlBlock* t = xTaskToQuery ? xTaskToQuery : xTaskGetCurrentTaskHandle();
  return t->name.data();
}

UBaseType_t uxTaskPriorityGet(const TaskHandle_t xTask) {
  return (xTask ? xTask : xTaskGetCurrentTaskHandle())->priority;
}

void vTaskPrioritySet(TaskHandle_t xTask, UBaseType_t uxNewPriority) {
  if (uxNewPriority >= configMAX_PRIORITIES) uxNewPriority = configMAX_PRIORITIES - 1;
  (xTask ? xTask : xTaskGetCurrentTaskHandle())->priority = uxNewPriority;
}

eTaskState eTaskGetState(TaskHandle_t xTask) {
  tskTaskControlBlock* t = xTask ? xTask : xTaskGetCurrentTaskHandle();
  if (t == xTaskGetCurrentTaskHandle()) return eRunning;
  std::lock_guard lk(t->mutex);
  return t->ended ? eDeleted : eReady;
}

UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t) { return 1024; }  // host stacks are large
UBaseType_t uxTaskGetNumberOfTasks(void) { return g_running.load(); }

namespace {
std::recursive_mutex g_scheduler;  // vTaskSuspendAll: other tasks' kernel calls keep running
}
void vTaskSuspendAll(void) { g_scheduler.lock(); }
BaseType_t xTaskResumeAll(void) {
  g_scheduler.unlock();
  return pdFALSE;
}

void taskYIELD(void) { sched_yield(); }

BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify, UBaseType_t, uint32_t ulValue, eNotifyAction eAction,
                              uint32_t* pulPreviousNotificationValue) {
  if (!xTaskToNotify) return pdFAIL;
  BaseType_t result = pdPASS;
  {
    std::lock_guard lk(xTaskToNotify->mutex);
    if (pulPreviousNotificationValue) *pulPreviousNotificationValue = xTaskToNotify->notify_value;
    switch (eAction) {
      case eNoAction: break;
      case eSetBits: xTaskToNotify->notify_value |= ulValue; break;
      case eIncrement: ++xTaskToNotify->notify_value; break;
      case eSetValueWithOverwrite: xTaskToNotify->notify_value = ulValue; break;
      case eSetValueWithoutOverwrite:
        if (xTaskToNotify->notified) result = pdFAIL;
        else xTaskToNotify->notify_value = ulValue;
        break;
    }
    xTaskToNotify->notified = true;
  }
  xTaskToNotify->cv.notify_all();
  return result;
}

BaseType_t xTaskNotifyWait(uint32_t ulBitsToClearOnEntry, uint32_t ulBitsToClearOnExit, uint32_t* pulNotificationValue,
                           TickType_t xTicksToWait) {
  honour_deletion();
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  std::unique_lock lk(self->mutex);
  if (!self->notified) self->notify_value &= ~ulBitsToClearOnEntry;
  const bool got = wait_ticks(lk, self->cv, xTicksToWait, [&] { return self->notified || self->delete_requested; });
  if (self->delete_requested) {
    lk.unlock();
    pthread_exit(nullptr);
  }
  if (pulNotificationValue) *pulNotificationValue = self->notify_value;
  if (!got) return pdFALSE;
  self->notify_value &= ~ulBitsToClearOnExit;
  self->notified = false;
  return pdTRUE;
}

uint32_t ulTaskNotifyTake(BaseType_t xClearCountOnExit, TickType_t xTicksToWait) {
  honour_deletion();
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  std::unique_lock lk(self->mutex);
  wait_ticks(lk, self->cv, xTicksToWait, [&] { return self->notify_value != 0 || self->delete_requested; });
  if (self->delete_requested) {
    lk.unlock();
    pthread_exit(nullptr);
  }
  const uint32_t value = self->notify_value;
  if (value != 0) self->notify_value = xClearCountOnExit ? 0 : value - 1;
  self->notified = false;
  return value;
}

BaseType_t xTaskNotifyStateClear(TaskHandle_t xTask) {
  tskTaskControlBlock* t = xTask ? xTask : xTaskGetCurrentTaskHandle();
  std::lock_guard lk(t->mutex);
  const bool was = t->notified;
  t->notified = false;
  return was ? pdTRUE : pdFALSE;
}

// The port's spinlock, recursive for its holder. Held briefly, as on the
// chip, so spinning with a yield is enough.
void vPortEnterCritical(portMUX_TYPE* mux) {
  static std::atomic<uint32_t> next_id{1};
  thread_local const uint32_t id = next_id++;
  std::atomic_ref<uint32_t> owner(const_cast<uint32_t&>(mux->owner));
  if (owner.load(std::memory_order_acquire) == id) {
    mux->count = mux->count + 1;
    return;
  }
  for (uint32_t free = 0; !owner.compare_exchange_weak(free, id, std::memory_order_acquire); free = 0) sched_yield();
  mux->count = 1;
}

void vPortExitCritical(portMUX_TYPE* mux) {
  mux->count = mux->count - 1;
  if (mux->count == 0) std::atomic_ref<uint32_t>(const_cast<uint32_t&>(mux->owner)).store(0, std::memory_order_release);
}

BaseType_t xPortInIsrContext(void) { return pdFALSE; }
BaseType_t xPortGetCoreID(void) { return 0; }

}  // extern "C"
