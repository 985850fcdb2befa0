// The 100 ms rule (docs/behaviour.md, Sending): a send(sync=True) first waits
// up to 100 ms for the reports earlier sends still owe, then it is ETIMEDOUT.
// One rule for every sender: ESPNow::send blocks on its condition variable
// until the deadline, the Python aioespnow looks again on its event loop and
// AIOESPNow on an Asio timer as look_at() says (AIOESPNow also when its own
// sends report), each on the ESPNow's Clock.
//
//   SyncSendWait wait(clock.now());
//   while (!caught_up()) {
//     auto at = wait.look_at(clock.now());
//     if (!at) return ETIMEDOUT;
//     sleep_until(*at);
//   }
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace espnow {

class SyncSendWait {
 public:
  static constexpr std::chrono::nanoseconds kLimit = std::chrono::milliseconds(100);
  // How often a waiter that is not woken by the reports (an event loop) looks again.
  static constexpr std::chrono::nanoseconds kPeriod = std::chrono::milliseconds(1);

  // `now`: when the sync send started.
  explicit SyncSendWait(std::chrono::nanoseconds now) : deadline_(now + kLimit) {}

  std::chrono::nanoseconds deadline() const { return deadline_; }
  bool expired(std::chrono::nanoseconds now) const { return now >= deadline_; }
  // Reports were still owed at `now`: when to look again; nullopt when the
  // 100 ms are over and the send is ETIMEDOUT.
  std::optional<std::chrono::nanoseconds> look_at(std::chrono::nanoseconds now) const {
    if (expired(now)) return std::nullopt;
    return std::min(now + kPeriod, deadline_);
  }

 private:
  std::chrono::nanoseconds deadline_;
};

}  // namespace espnow
