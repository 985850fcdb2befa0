#include "gpio_isr_service.hpp"

#include <bit>
#include <cstdio>
#include <cstdlib>

#include "espnow_emul.hpp"
#include "gpio_pads.hpp"

namespace espnow::emul::detail {

GpioIsrService::GpioIsrService(EmulatedChip* chip, Clock& clock, GpioPads& pads) : clock_(clock), pads_(pads) {
  thread_.start(clock_, "gpio isr", [this, chip] { run(chip); });
}

GpioIsrService::~GpioIsrService() {
  {
    std::lock_guard lk(pads_.mutex);
    stop_locked();
  }
  thread_.join();
}

void GpioIsrService::wake_locked() { clock_.notify(raised_); }

void GpioIsrService::stop_locked() {
  stop_ = true;
  clock_.notify(raised_);
}

void GpioIsrService::run(EmulatedChip* chip) {
  select_chip(chip);
  std::unique_lock lk(pads_.mutex);
  while (!stop_) {
    if (pads_.pending == 0) {
      streak_ = 0;
      clock_.wait(lk, raised_, std::nullopt);
      continue;
    }
    serve_locked(lk, std::countr_zero(pads_.pending));
  }
}

// Clears the pad's bit and calls its handler, if it has one (ESP-IDF's
// service clears the bits of pads without one too); then its level, if
// still active, raises it again.
void GpioIsrService::serve_locked(std::unique_lock<std::mutex>& lk, int pad) {
  pads_.pending &= ~(std::uint64_t{1} << pad);
  const GpioPad& p = pads_.pads[static_cast<std::size_t>(pad)];
  if (void (*const isr)(void*) = p.isr) {
    void* const arg = p.isr_arg;
    lk.unlock();
    isr(arg);
    lk.lock();
  }
  pads_.recheck_level_locked(pad);
  if (!(pads_.pending >> pad & 1)) return;
  streak_ = pad == streak_pad_ ? streak_ + 1 : 1;
  streak_pad_ = pad;
  if (streak_ >= kWatchdogServes) watchdog_panic(pad);
}

void GpioIsrService::watchdog_panic(int pad) {
  std::fprintf(stderr,
               "Guru Meditation Error: Core  0 panic'ed (Interrupt wdt timeout on CPU0)\n"
               "(esp-idf emulation: GPIO %d's level interrupt was served %d times in a row: its handler "
               "neither disables it (gpio_intr_disable) nor ends the level)\n",
               pad, kWatchdogServes);
  std::fflush(nullptr);
  std::abort();
}

}  // namespace espnow::emul::detail
