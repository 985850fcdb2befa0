#include "espnow/common/drifting_clock.hpp"

#include <cmath>

namespace espnow {

DriftingClock::DriftingClock(Clock& base, double ppm) : base_(base) {
  base0_ = local0_ = base_.now();
  rate_ = 1.0 + ppm * 1e-6;
}

void DriftingClock::set_drift(double ppm) {
  const auto base_now = base_.now();
  std::lock_guard lk(mutex_);
  local0_ += std::chrono::nanoseconds(std::llround(static_cast<double>((base_now - base0_).count()) * rate_));
  base0_ = base_now;
  rate_ = 1.0 + ppm * 1e-6;
}

double DriftingClock::drift() const {
  std::lock_guard lk(mutex_);
  return (rate_ - 1.0) * 1e6;
}

std::chrono::nanoseconds DriftingClock::now() const {
  const auto base_now = base_.now();
  std::lock_guard lk(mutex_);
  return local0_ + std::chrono::nanoseconds(std::llround(static_cast<double>((base_now - base0_).count()) * rate_));
}

std::chrono::nanoseconds DriftingClock::to_base(std::chrono::nanoseconds t) const {
  std::lock_guard lk(mutex_);
  if (t <= local0_) return base0_;
  auto local_at = [this](std::chrono::nanoseconds b) {
    return local0_ + std::chrono::nanoseconds(std::llround(static_cast<double>((b - base0_).count()) * rate_));
  };
  auto b = base0_ + std::chrono::nanoseconds(
                        static_cast<std::int64_t>(std::ceil(static_cast<double>((t - local0_).count()) / rate_)));
  while (local_at(b) < t) b += std::chrono::nanoseconds(1);  // now() rounds: at most a step or two
  return b;
}

void DriftingClock::sleep_until(std::chrono::nanoseconds t) {
  while (now() < t) base_.sleep_until(to_base(t));
}

void DriftingClock::wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                         std::optional<std::chrono::nanoseconds> deadline) {
  base_.wait(lock, cv, deadline ? std::optional(to_base(*deadline)) : std::nullopt);
}

}  // namespace espnow
