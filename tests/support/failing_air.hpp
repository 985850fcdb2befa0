// lose_when(): an error model for the in-process air (AirOptions::error_model)
// that loses a frame at its receiver when a FailCount says so: no delivery
// and, for a unicast, no ACK, so the sender's MAC retries it.
#pragma once

#include <string_view>

#include "espnow/radio/sim_air.hpp"
#include "support/fail_count.hpp"

namespace espnow::test {

inline constexpr std::string_view kAirDelivery = "air delivery";

// `count` must outlive the air.
inline FrameErrorModel lose_when(FailCount& count) {
  return [&count](const HeardFrame&) { return count.fail(kAirDelivery); };
}

}  // namespace espnow::test
