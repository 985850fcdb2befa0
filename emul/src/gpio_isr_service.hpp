// ESP-IDF's GPIO ISR service on an emulated chip (gpio_install_isr_service):
// a task of the chip, with the chip selected, that serves the pads' pending
// interrupts (gpio_pads.hpp) one at a time, lowest pad first, calling each
// pad's handler (gpio_isr_handler_add) with the pads' lock released, as the
// chip's GPIO interrupt does. Edges that come before their bit is served
// are one interrupt, as the status register makes them. A level interrupt
// is raised again after its handler while its level holds and it stays
// enabled; a handler that never ends it keeps the chip in the ISR, which
// an ESP32's interrupt watchdog ends with a panic: so does the emulation,
// after kWatchdogServes serves in a row.
#pragma once

#include <condition_variable>

#include "chip_thread.hpp"
#include "espnow/common/clock.hpp"

namespace espnow::emul {
class EmulatedChip;
}

namespace espnow::emul::detail {

struct GpioPads;

class GpioIsrService {
 public:
  static constexpr int kWatchdogServes = 10000;

  // Starts the task, which takes the pads' lock: call it with the lock held or not.
  GpioIsrService(EmulatedChip* chip, Clock& clock, GpioPads& pads);
  // Stops the task after a running handler and waits for it; never from a handler.
  ~GpioIsrService();
  GpioIsrService(const GpioIsrService&) = delete;
  GpioIsrService& operator=(const GpioIsrService&) = delete;

  // Under the pads' lock: an interrupt is pending.
  void wake_locked();
  // Under the pads' lock: the task ends after the handler it runs, if any.
  void stop_locked();
  // The calling thread is the service's task (a handler is running on it).
  bool on_task() const { return thread_.on_thread(); }

 private:
  void run(EmulatedChip* chip);
  void serve_locked(std::unique_lock<std::mutex>& lk, int pad);
  [[noreturn]] static void watchdog_panic(int pad);

  Clock& clock_;
  GpioPads& pads_;
  bool stop_ = false;  // under the pads' lock
  int streak_pad_ = -1, streak_ = 0;  // a level interrupt served again and again
  std::condition_variable raised_;
  ChipThread thread_;  // last: starts once the rest exists
};

}  // namespace espnow::emul::detail
