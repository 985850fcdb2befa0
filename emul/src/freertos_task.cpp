// FreeRTOS tasks, ticks, notifications and critical sections on host threads.
// A task is a detached pthread, or, when its chip's clock schedules threads
// (a Simulation's), a thread started through the clock: one of the
// simulation's programs. vTaskDelete(NULL) ends it with pthread_exit, which
// unwinds the task's C++ frames as a return would.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "chip_state.hpp"
#include "esp_rom_sys.h"
#include "espnow_emul.hpp"
#include "freertos_kernel.hpp"

namespace espnow::emul::rtos {
namespace {

std::atomic<uint32_t> g_tick_rate{0};  // 0: none told yet, CONFIG_FREERTOS_HZ's default
constexpr uint64_t kNsPerS = 1000000000u;

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
      {
        std::lock_guard lk(tcb->mutex);
        tcb->ended = true;
        --g_running;
      }
      // end_tasks_of may wait for it. Not through the chip, which may be
      // going away on another thread as this one ends.
      if (tcb->scheduler) tcb->scheduler->notify(tcb->cv);
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

uint64_t ticks64(Clock& clock) {
  const auto since = detail::since_start(clock).count();
  const uint64_t ns = since > 0 ? static_cast<uint64_t>(since) : 0;
  const uint64_t hz = tick_rate_hz();
  return ns / kNsPerS * hz + ns % kNsPerS * hz / kNsPerS;
}

TickType_t ticks_now() { return static_cast<TickType_t>(ticks64(detail::current_clock())); }

std::chrono::nanoseconds ticks_to_duration(TickType_t ticks) {
  return std::chrono::nanoseconds(static_cast<uint64_t>(ticks) * kNsPerS / tick_rate_hz());
}

// Rounded up, so that ticks64() there is `tick`.
std::chrono::nanoseconds time_of_tick(Clock& clock, uint64_t tick) {
  const uint64_t hz = tick_rate_hz();
  const uint64_t ns = tick / hz * kNsPerS + (tick % hz * kNsPerS + hz - 1) / hz;
  return detail::start_of(clock) + std::chrono::nanoseconds(ns);
}

void honour_deletion() {
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  bool end = false;
  {
    std::unique_lock lk(self->mutex);
    espnow::Clock& clock = detail::current_clock();
    while (self->suspended && !self->delete_requested) clock.wait(lk, self->cv, std::nullopt);
    end = self->delete_requested;
  }
  if (end) pthread_exit(nullptr);
}

void delay_until(std::chrono::nanoseconds deadline) {
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  espnow::Clock& clock = detail::current_clock();
  std::unique_lock lk(self->mutex);
  self->blocked = true;
  while (!self->delete_requested && clock.now() < deadline) clock.wait(lk, self->cv, deadline);
  self->blocked = false;
  if (!self->delete_requested) return;
  lk.unlock();
  pthread_exit(nullptr);
}

bool charge_poll() {
  tskTaskControlBlock* const self = t_self;
  if (!self || !self->fn) return false;  // a thread the emulation did not start
  Clock& clock = detail::current_clock();
  if (&clock == &espnow::steady_clock()) return false;  // its time moves by itself
  const auto now = clock.now();
  if (now != self->poll_instant) {  // it waited since its last poll: a new streak
    self->poll_instant = now;
    self->polls = 0;
  }
  if (++self->polls > kFreePolls) {
    delay_until(now + kPollCost);
    self->poll_instant = clock.now();  // the streak goes on
  }
  return true;
}

TaskWait::TaskWait(std::unique_lock<std::mutex>& lk, std::condition_variable& cv)
    : self_(xTaskGetCurrentTaskHandle()), lk_(lk), cv_(cv), own_cv_(lk.mutex() == &self_->mutex) {
  if (own_cv_) {  // lk holds the block's mutex
    self_->blocked = true;
    return;
  }
  std::lock_guard g(self_->mutex);  // after the object's mutex, as vTaskDelete never holds both
  self_->blocked = true;
  self_->waiting_mutex = lk.mutex();
  self_->waiting_cv = &cv;
}

// With lk held (a return from wait_ticks), or before it is let go.
TaskWait::~TaskWait() { leave(); }

void TaskWait::leave() {
  if (own_cv_) return (void)(self_->blocked = false);
  std::lock_guard g(self_->mutex);
  self_->blocked = false;
  self_->waiting_mutex = nullptr;
  self_->waiting_cv = nullptr;
}

void TaskWait::end_if_deleted() {
  if (!self_->delete_requested) return;
  leave();
  lk_.unlock();
  wake(cv_);  // whatever woke this task is for another waiter now
  pthread_exit(nullptr);
}

void name_this_thread(const std::string& name, UBaseType_t priority) {
  if (!t_self) t_self = new_task(name.c_str(), priority);
}

void request_deletion(tskTaskControlBlock* task) {
  std::mutex* waiting_mutex = nullptr;
  std::condition_variable* waiting_cv = nullptr;
  {
    std::lock_guard lk(task->mutex);
    task->delete_requested = true;
    waiting_mutex = task->waiting_mutex;
    waiting_cv = task->waiting_cv;
  }
  wake(task->cv);
  if (!waiting_cv) return;
  // Under the object's mutex: the task is either in its wait, or has yet to
  // look at delete_requested. (A queue deleted while a task waits on it is
  // an error in FreeRTOS too.)
  std::lock_guard lk(*waiting_mutex);
  wake(*waiting_cv);
}

void end_tasks_of(EmulatedChip& chip) {
  // The chip's clock must hear the wake-ups below: on a Simulation's, only a
  // notification through it makes a waiting task run again.
  ScopedChip use(&chip);
  std::vector<tskTaskControlBlock*> tasks;
  {
    std::lock_guard lk(g_tasks_mutex);
    for (const auto& t : g_tasks)
      if (t->chip == &chip && t.get() != t_self) tasks.push_back(t.get());
  }
  for (tskTaskControlBlock* t : tasks) request_deletion(t);
  Clock& clock = chip.state().clock;
  for (tskTaskControlBlock* t : tasks) {
    std::unique_lock lk(t->mutex);
    while (!t->ended) clock.wait(lk, t->cv, std::nullopt);
  }
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
  std::function<void()> body = [tcb] { task_main(tcb); };
  if (tcb->chip) tcb->scheduler = &tcb->chip->state().clock;  // before the task can end
  if (tcb->chip && tcb->chip->state().clock.start_thread(tcb->name, body)) {
    if (pvCreatedTask) *pvCreatedTask = tcb;
    return pdPASS;
  }
  tcb->scheduler = nullptr;  // a thread of its own
  pthread_t thread;
  if (pthread_create(&thread, nullptr, task_main, tcb) != 0) {
    --g_running;
    return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
  }
  pthread_detach(thread);
  if (pvCreatedTask) *pvCreatedTask = tcb;
  return pdPASS;
}

// Another task ends at once if it is blocked (in a delay, a notification
// wait or a wait on a queue, semaphore or event group: woken there, it ends
// taking nothing), else at its next blocking call.
void vTaskDelete(TaskHandle_t xTaskToDelete) {
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  if (!xTaskToDelete || xTaskToDelete == self) pthread_exit(nullptr);
  espnow::emul::rtos::request_deletion(xTaskToDelete);
}

void vTaskDelay(const TickType_t xTicksToDelay) {
  honour_deletion();
  if (xTicksToDelay == 0) {
    if (!espnow::emul::rtos::charge_poll()) sched_yield();
    return;
  }
  delay_until(espnow::emul::detail::current_clock().now() + ticks_to_duration(xTicksToDelay));
}

BaseType_t xTaskDelayUntil(TickType_t* const pxPreviousWakeTime, const TickType_t xTimeIncrement) {
  honour_deletion();
  if (!pxPreviousWakeTime) return pdFALSE;
  const TickType_t wake = *pxPreviousWakeTime + xTimeIncrement;
  *pxPreviousWakeTime = wake;
  espnow::Clock& clock = espnow::emul::detail::current_clock();
  const uint64_t now = ticks64(clock);
  const auto ahead = static_cast<int32_t>(wake - static_cast<TickType_t>(now));
  if (ahead <= 0) return pdFALSE;
  delay_until(time_of_tick(clock, now + static_cast<uint64_t>(ahead)));
  return pdTRUE;
}

// A busy wait on the chip: here a wait on its clock (esp_rom_sys.h).
void esp_rom_delay_us(uint32_t us) {
  if (us == 0) return;
  delay_until(espnow::emul::detail::current_clock().now() + std::chrono::microseconds(us));
}

TickType_t xTaskGetTickCount(void) {
  espnow::emul::rtos::charge_poll();
  return ticks_now();
}
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
  if (t->ended || t->delete_requested) return eDeleted;
  if (t->suspended) return eSuspended;
  return t->blocked ? eBlocked : eReady;
}

// The calling task waits here until resumed. Another task stops at its next
// kernel call (a delay, a wait, a queue or semaphore call), not at once as on
// a chip: host threads cannot be stopped where they are.
void vTaskSuspend(TaskHandle_t xTaskToSuspend) {
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  tskTaskControlBlock* t = xTaskToSuspend ? xTaskToSuspend : self;
  {
    std::lock_guard lk(t->mutex);
    t->suspended = true;
  }
  if (t == self) honour_deletion();
}

void vTaskResume(TaskHandle_t xTaskToResume) {
  if (!xTaskToResume || xTaskToResume == xTaskGetCurrentTaskHandle()) return;
  {
    std::lock_guard lk(xTaskToResume->mutex);
    xTaskToResume->suspended = false;
  }
  wake(xTaskToResume->cv);
}

BaseType_t xTaskResumeFromISR(TaskHandle_t xTaskToResume) {
  vTaskResume(xTaskToResume);
  return pdFALSE;
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

// On virtual time the other tasks run while this one waits out a poll's cost.
void taskYIELD(void) {
  if (!espnow::emul::rtos::charge_poll()) sched_yield();
}

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
  wake(xTaskToNotify->cv);
  return result;
}

BaseType_t xTaskNotifyWait(uint32_t ulBitsToClearOnEntry, uint32_t ulBitsToClearOnExit, uint32_t* pulNotificationValue,
                           TickType_t xTicksToWait) {
  honour_deletion();
  tskTaskControlBlock* self = xTaskGetCurrentTaskHandle();
  std::unique_lock lk(self->mutex);
  if (!self->notified) self->notify_value &= ~ulBitsToClearOnEntry;
  const bool got = wait_ticks(lk, self->cv, xTicksToWait, [&] { return self->notified; });
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
  wait_ticks(lk, self->cv, xTicksToWait, [&] { return self->notify_value != 0; });
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
