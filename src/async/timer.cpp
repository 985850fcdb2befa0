#include "espnow/async/timer.hpp"

#include <algorithm>

namespace espnow {

Timer::Timer(executor_type executor) : executor_(std::move(executor)), virtual_(VirtualTime::of(executor_)) {
  if (!virtual_) wall_.emplace(executor_);
}

Timer::Timer(executor_type executor, std::chrono::nanoseconds after) : Timer(std::move(executor)) {
  expires_after(after);
}

Timer::~Timer() { cancel(); }

std::size_t Timer::expires_after(std::chrono::nanoseconds d) {
  if (wall_) return wall_->expires_after(d);
  const std::size_t cancelled = cancel();
  expiry_ = virtual_->clock().now() + d;
  return cancelled;
}

std::size_t Timer::cancel() {
  if (wall_) return wall_->cancel();
  std::size_t cancelled = 0;
  for (auto wait : waits_) cancelled += virtual_->cancel(wait);
  waits_.clear();
  return cancelled;
}

void Timer::wait_virtual(VirtualTime::Handler handler) {
  if (waits_.size() >= 8) std::erase_if(waits_, [this](std::uint64_t w) { return !virtual_->pending(w); });
  waits_.push_back(virtual_->schedule(expiry_, std::move(handler), executor_));
}

}  // namespace espnow
