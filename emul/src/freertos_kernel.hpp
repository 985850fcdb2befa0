// What the emulated FreeRTOS objects share: the tick (CONFIG_FREERTOS_HZ of
// the program, on the calling task's chip's clock), waits of a number of
// ticks through that clock, and the task control block of the calling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "chip_thread.hpp"

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

namespace espnow::emul {
class EmulatedChip;
}

struct tskTaskControlBlock {
  std::string name;
  UBaseType_t priority = 0;
  espnow::emul::EmulatedChip* chip = nullptr;  // selected on the task's thread
  // The clock whose program the task is (a Simulation's, which outlives its
  // programs), else null (a thread of its own): told when the task ends.
  espnow::Clock* scheduler = nullptr;
  TaskFunction_t fn = nullptr;
  void* arg = nullptr;
  std::mutex mutex;  // the fields below
  std::condition_variable cv;
  uint32_t notify_value = 0;
  bool notified = false;
  std::atomic<bool> delete_requested{false};  // set under `mutex`; read anywhere
  bool ended = false;
  bool blocked = false;  // in a delay or a wait (eTaskGetState's eBlocked)
  bool suspended = false;  // vTaskSuspend: it waits at its next kernel call until vTaskResume
  // Its own thread's: how often it read the time or yielded at poll_instant
  // (rtos::charge_poll).
  std::chrono::nanoseconds poll_instant{-1};
  uint32_t polls = 0;
  // The wait on another object's condition variable it is in, if any, so
  // that vTaskDelete can wake it there (rtos::TaskWait).
  std::mutex* waiting_mutex = nullptr;
  std::condition_variable* waiting_cv = nullptr;
};

namespace espnow::emul::rtos {

uint32_t tick_rate_hz();
// The tick count since the clock's start (detail::since_start), 64 bits wide.
uint64_t ticks64(Clock& clock);
TickType_t ticks_now();
std::chrono::nanoseconds ticks_to_duration(TickType_t ticks);
// When tick `tick` (of ticks64) begins on `clock`.
std::chrono::nanoseconds time_of_tick(Clock& clock, uint64_t tick);

// A task that reads the time (esp_timer_get_time, xTaskGetTickCount) or
// yields (taskYIELD, vTaskDelay(0)) again and again at one instant is
// polling, and on a chip its CPU time moves the clock on while it does. On a
// clock that moves only when every program waits (a Simulation's) it never
// would: the loop would hold the run for ever. So, on such a clock, once a
// task has made kFreePolls of them with no wait between (its clock still
// where its last poll left it), each further one costs it kPollCost, a wait
// that lets time and the other programs move. (A chip's loop pass costs
// about 1 µs; a cost here is a step of the scheduler, so it is 10 µs: a 1 ms
// busy wait ends within 10 µs of its time, in about 100 steps.) False, and
// nothing charged, on the steady clock and on threads the emulation did not
// start.
inline constexpr uint32_t kFreePolls = 100;
inline constexpr std::chrono::nanoseconds kPollCost = std::chrono::microseconds(10);
bool charge_poll();

// Waits on `cv` through the calling thread's clock until `ready()` or `ticks`
// pass (portMAX_DELAY: forever, 0: not at all). Returns ready(). Whoever
// makes it ready wakes it with detail::current_clock().notify(cv). A task
// deleted meanwhile ends in the wait, whatever became ready: on a chip it
// never runs again, so it takes no item and returns from nothing.
template <class Pred>
bool wait_ticks(std::unique_lock<std::mutex>& lk, std::condition_variable& cv, TickType_t ticks, Pred ready);

// The calling task's blocking wait in wait_ticks, on `lk` and `cv`: the task
// is eBlocked meanwhile, and vTaskDelete wakes it there (the wait is
// registered in its block). end_if_deleted() ends the task, passing the
// wake-up on to another waiter, when it was deleted.
class TaskWait {
 public:
  TaskWait(std::unique_lock<std::mutex>& lk, std::condition_variable& cv);
  ~TaskWait();
  TaskWait(const TaskWait&) = delete;
  TaskWait& operator=(const TaskWait&) = delete;
  void end_if_deleted();

 private:
  void leave();

  tskTaskControlBlock* self_;
  std::unique_lock<std::mutex>& lk_;
  std::condition_variable& cv_;
  bool own_cv_;  // a wait on the task's own block (notifications): no registration
};

// Ends the calling task if another task deleted it with vTaskDelete(handle),
// and holds it while another task has suspended it (vTaskSuspend(handle));
// every call that may block calls it first, holding no lock.
void honour_deletion();
// The calling thread, one of the emulation's own (the Wi-Fi task, the
// esp_timer task, ...), answers FreeRTOS's calls as that task: its name and
// priority. It belongs to no chip's firmware (end_tasks_of leaves it).
void name_this_thread(const std::string& name, UBaseType_t priority);
// vTaskDelete of another task: it ends at once if blocked, else at its next
// blocking call.
void request_deletion(tskTaskControlBlock* task);
// Ends every task `chip` runs (its firmware's and its main task, not the
// emulation's own threads), as vTaskDelete would each, and returns once all
// have ended: the chip restarts or sleeps deep, and a chip then runs nothing.
// From a program of the chip's clock that is none of its tasks.
void end_tasks_of(EmulatedChip& chip);
// Blocks the calling task until `deadline` on its clock, or until another
// task deletes it (then it ends).
void delay_until(std::chrono::nanoseconds deadline);

template <class Pred>
bool wait_ticks(std::unique_lock<std::mutex>& lk, std::condition_variable& cv, TickType_t ticks, Pred ready) {
  if (ready()) return true;
  if (ticks == 0) return false;
  Clock& clock = detail::current_clock();
  std::optional<std::chrono::nanoseconds> deadline;
  if (ticks != portMAX_DELAY) deadline = clock.now() + ticks_to_duration(ticks);
  TaskWait wait(lk, cv);
  while (!ready()) {
    wait.end_if_deleted();
    if (deadline && clock.now() >= *deadline) return false;
    clock.wait(lk, cv, deadline);
  }
  wait.end_if_deleted();
  return true;
}

// Wakes the waiters of `cv` through the calling thread's clock.
inline void wake(std::condition_variable& cv) { detail::current_clock().notify(cv); }

}  // namespace espnow::emul::rtos
