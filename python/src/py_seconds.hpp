// Seconds from Python (sleep lengths, timeouts, run_for) as nanoseconds of a
// clock, virtual or not.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace espnow::py {

// A clock counts nanoseconds in 64 bits: a span from 2^62 ns (146 years) on,
// inf included, is for ever, and its sum with any clock's now() still fits.
// (Converted straight, 1e300 s wrapped to a negative span: a sleep of it
// woke at once.) `seconds` >= 0; rounded up or down to a nanosecond.
inline std::chrono::nanoseconds span_ns(double seconds, bool round_up) {
  constexpr double kForeverNs = 0x1p62;
  const double ns = std::min(seconds * 1e9, kForeverNs);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(round_up ? std::ceil(ns) : ns));
}

}  // namespace espnow::py
