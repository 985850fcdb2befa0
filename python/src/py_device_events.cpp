#include "py_device_events.hpp"

namespace espnow::py {

DeviceEvents::~DeviceEvents() {
  if (counting_arrivals_) espnow_.set_rx_notify(nullptr, nullptr);
}

std::uint64_t DeviceEvents::mark() {
  // Not under mutex_: ESPNow calls on_arrival under its own lock, which
  // set_rx_notify takes.
  if (!counting_arrivals_.exchange(true)) espnow_.set_rx_notify(&DeviceEvents::on_arrival, this);
  std::lock_guard lk(mutex_);
  return count_;
}

void DeviceEvents::signal() {
  {
    std::lock_guard lk(mutex_);
    ++count_;
  }
  espnow_.clock().notify(cv_);
}

void DeviceEvents::wait(std::uint64_t mark, std::optional<std::chrono::nanoseconds> deadline) {
  Clock& clock = espnow_.clock();
  std::unique_lock lk(mutex_);
  while (count_ == mark && (!deadline || clock.now() < *deadline)) clock.wait(lk, cv_, deadline);
}

}  // namespace espnow::py
