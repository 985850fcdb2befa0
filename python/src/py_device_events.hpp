// DeviceEvents: what a device's asyncio loop waits for on virtual time,
// between its handlers: a message buffered or a send report (each counted),
// or a deadline on the device's clock. The loop's selector takes a mark,
// polls its descriptors, then waits for the count to pass the mark; in a
// Simulation the wait goes through the clock, so the program is a waiting
// program and time moves (aioespnow.py's events are descriptors the C++ core
// writes; a descriptor is invisible to the simulation, this count is not).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "espnow/api/espnow.hpp"

namespace espnow::py {

class DeviceEvents {
 public:
  explicit DeviceEvents(ESPNow& espnow) : espnow_(espnow) {}
  // Stops counting arrivals, if it was.
  ~DeviceEvents();
  DeviceEvents(const DeviceEvents&) = delete;
  DeviceEvents& operator=(const DeviceEvents&) = delete;

  // The count now; from the first call on, arrivals are counted.
  std::uint64_t mark();
  // Counts one event and wakes the waiter.
  void signal();
  // Until the count passes `mark` or the clock reaches `deadline` (nullopt: no limit).
  void wait(std::uint64_t mark, std::optional<std::chrono::nanoseconds> deadline);
  Clock& clock() const { return espnow_.clock(); }

 private:
  static void on_arrival(void* self) { static_cast<DeviceEvents*>(self)->signal(); }

  ESPNow& espnow_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t count_ = 0;
  std::atomic<bool> counting_arrivals_{false};
};

}  // namespace espnow::py
