// A thread of an emulated chip (its Wi-Fi task, esp_timer task, event loop,
// timer service, FreeRTOS tasks): a program of the chip's clock when that
// clock schedules threads (a Simulation's, Clock::start_thread), else a
// std::thread of its own. Either way join() waits for the body to end.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "espnow/common/clock.hpp"

namespace espnow::emul::detail {

class ChipThread {
 public:
  ChipThread() = default;
  ~ChipThread() { join(); }
  ChipThread(const ChipThread&) = delete;
  ChipThread& operator=(const ChipThread&) = delete;

  // The thread is a task to FreeRTOS's calls made on it (pcTaskGetName,
  // uxTaskPriorityGet): `name` and `priority`, as ESP-IDF names its own.
  void start(Clock& clock, std::string name, std::function<void()> body, unsigned priority = 1);
  // Returns once the body has returned or been unwound. The owner stops it
  // first. On the thread itself it returns at once (a callback that deletes
  // its own task's owner cannot wait for itself), the thread running on.
  // A thread of a Simulation is waited for through its clock: from another
  // of its programs (a task deleting the default event loop), or after the
  // simulation has ended; from the thread that runs the simulation between
  // runs the simulation reports it and aborts, as nothing would end it.
  void join();
  bool on_thread() const;

 private:
  // Shared with the body, which may outlive this object (see join()).
  struct State {
    explicit State(Clock& c) : clock(c) {}
    Clock& clock;
    std::mutex mutex;
    std::condition_variable ended_cv;
    bool ended = false;
    std::thread::id id;
  };
  std::shared_ptr<State> state_;
  std::thread own_;  // when the clock schedules no threads
  bool own_started_ = false;
};

// The clock of the calling thread's chip (the default chip's without a
// selection): every FreeRTOS, esp_timer and esp_log time and wait goes
// through it.
Clock& current_clock();
// The clock's start: the process's start on the steady clock; on any other,
// the calling thread's chip's power-on or last reset when it runs on that
// clock, else 0 (the simulation's start). FreeRTOS ticks and esp_log's
// timestamps count from it.
std::chrono::nanoseconds start_of(Clock& clock);
inline std::chrono::nanoseconds since_start(Clock& clock) { return clock.now() - start_of(clock); }

}  // namespace espnow::emul::detail
