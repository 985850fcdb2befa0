// The simulation's random numbers: one seeded stream, drawn in event order.
// mt19937_64's sequence is fixed by the C++ standard; the transforms below
// are ours (the standard library's distributions differ between
// implementations), so a seed gives the same run on any machine.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace espnow::sim {

class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  // Uniform in [0, 1), 53 bits.
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  // Uniform in 0..max, both included (Lemire's multiply-shift; the bias
  // below 2^-32 for the small ranges used here is immaterial).
  std::uint32_t up_to(std::uint32_t max) {
    const std::uint64_t span = static_cast<std::uint64_t>(max) + 1;
    return static_cast<std::uint32_t>(((rng_() >> 32) * span) >> 32);
  }
  // Exponentially distributed with the given mean.
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace espnow::sim
