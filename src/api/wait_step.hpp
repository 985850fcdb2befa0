// What a core tells its shell about a wait: it is over (the thing came, or
// its time is up), or block until `until` (nullopt: until notified). The
// cores never wait themselves; ESPNow's shell does, on its Clock.
#pragma once

#include <chrono>
#include <optional>

namespace espnow::detail {

struct WaitStep {
  enum Kind { ready, timed_out, wait } kind = ready;
  std::optional<std::chrono::nanoseconds> until{};

  static WaitStep done() { return {ready, std::nullopt}; }
  static WaitStep expired() { return {timed_out, std::nullopt}; }
  static WaitStep block(std::optional<std::chrono::nanoseconds> t) { return {wait, t}; }
  // Ready if `ready`, else timed out once `now` reaches `deadline`, else wait for it.
  static WaitStep toward(bool is_ready, std::optional<std::chrono::nanoseconds> deadline,
                         std::chrono::nanoseconds now) {
    if (is_ready) return done();
    if (deadline && now >= *deadline) return expired();
    return block(deadline);
  }
};

}  // namespace espnow::detail
