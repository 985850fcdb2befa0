// What the emulated FreeRTOS objects share: the tick (CONFIG_FREERTOS_HZ of
// the program, on the steady clock), waits of a number of ticks, and the
// task control block of the calling thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

namespace espnow::emul {
class EmulatedChip;
}

struct tskTaskControlBlock {
  std::string name;
  UBaseType_t priority = 0;
  espnow::emul::EmulatedChip* chip = nullptr;  // selected on the task's thread
  TaskFunction_t fn = nullptr;
  void* arg = nullptr;
  std::mutex mutex;  // the fields below
  std::condition_variable cv;
  uint32_t notify_value = 0;
  bool notified = false;
  bool delete_requested = false;
  bool ended = false;
};

namespace espnow::emul::rtos {

using Clock = std::chrono::steady_clock;

uint32_t tick_rate_hz();
TickType_t ticks_now();
Clock::duration ticks_to_duration(TickType_t ticks);

// Waits on `cv` until `ready()` or `ticks` pass (portMAX_DELAY: forever, 0:
// not at all). Returns ready().
template <class Pred>
bool wait_ticks(std::unique_lock<std::mutex>& lk, std::condition_variable& cv, TickType_t ticks, Pred ready);

// Ends the calling task if another task deleted it with vTaskDelete(handle);
// every call that may block calls it first, holding no lock.
void honour_deletion();

template <class Pred>
bool wait_ticks(std::unique_lock<std::mutex>& lk, std::condition_variable& cv, TickType_t ticks, Pred ready) {
  if (ready()) return true;
  if (ticks == 0) return false;
  if (ticks == portMAX_DELAY) {
    cv.wait(lk, ready);
    return true;
  }
  return cv.wait_until(lk, Clock::now() + ticks_to_duration(ticks), ready);
}

}  // namespace espnow::emul::rtos
