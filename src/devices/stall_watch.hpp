// The watchdog of Simulation::run_for over a program that keeps the baton:
// one that never waits on the simulation's clock (a busy loop, a real
// socket, a sleep) holds the whole run, so after `limit` of wall time with
// no handoff the run stops with a message. The watch sees progress only
// when it looks (the run's count of handoffs), so it looks every limit/30:
// it fires between `limit` and `limit` plus two looks after the last
// handoff, and the stall it reports is a lower bound of the real one.
// (Looking every `limit`, it fired after up to twice the limit it named.)
// Times are inputs, so the rule is tested without waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace espnow::detail {

class StallWatch {
 public:
  using Clock = std::chrono::steady_clock;

  StallWatch(Clock::duration limit, std::uint64_t handoffs, Clock::time_point now)
      : limit_(limit), seen_(handoffs), progress_at_(now) {}

  // How long to wait before the next look.
  Clock::duration interval() const { return limit_ / 30; }

  // The stall so far, once it has reached the limit; nullopt before.
  std::optional<Clock::duration> look(std::uint64_t handoffs, Clock::time_point now) {
    if (handoffs != seen_) {
      seen_ = handoffs;
      progress_at_ = now;
      return std::nullopt;
    }
    const Clock::duration stalled = now - progress_at_;
    if (stalled < limit_) return std::nullopt;
    return stalled;
  }

 private:
  Clock::duration limit_;
  std::uint64_t seen_;
  Clock::time_point progress_at_;  // when the watch first saw the last handoff
};

}  // namespace espnow::detail
