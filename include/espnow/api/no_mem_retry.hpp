// The 2 s rule (docs/behaviour.md, Sending): when the link says its transmit
// queue is full (NO_MEM), a send is tried again every millisecond for up to
// two seconds, then NO_MEM is the answer. One policy for every sender:
// ESPNow::send blocks between attempts, AIOESPNow waits on an Asio timer and
// the Python aioespnow on its event loop, each on the ESPNow's Clock.
//
//   NoMemRetry retry(clock.now());
//   while (auto at = retry.retry_at(attempt(), clock.now())) wait_until(*at);
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <system_error>

#include "espnow/common/errors.hpp"

namespace espnow {

class NoMemRetry {
 public:
  static constexpr std::chrono::nanoseconds kLimit = std::chrono::seconds(2);
  static constexpr std::chrono::nanoseconds kPeriod = std::chrono::milliseconds(1);

  // `now`: when the first attempt was made.
  explicit NoMemRetry(std::chrono::nanoseconds now) : deadline_(now + kLimit) {}

  // When to try again after an attempt that returned `ec` at `now`; nullopt
  // when `ec` is the answer (success, another error, or the 2 s are over).
  std::optional<std::chrono::nanoseconds> retry_at(std::error_code ec, std::chrono::nanoseconds now) const {
    if (ec != errc::no_mem || now >= deadline_) return std::nullopt;
    return std::min(now + kPeriod, deadline_);
  }
  std::chrono::nanoseconds deadline() const { return deadline_; }

 private:
  std::chrono::nanoseconds deadline_;
};

}  // namespace espnow
