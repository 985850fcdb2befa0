// A small harness for same-run comparisons: every figure is measured next to
// its baseline, interleaved, best of several trials, and reported as a ratio.
// Each row is printed as one JSON line starting with "BENCH " for bench/run.py.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace bench {

// Operations per second of `fn(n)` (which performs n operations), best of
// `trials` runs: the least disturbed run on a shared, noisy machine.
template <class Fn>
double best_rate(Fn&& fn, std::size_t n) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  fn(n);
  const std::chrono::duration<double> dt = clock::now() - t0;
  return static_cast<double>(n) / dt.count();
}

// Measures value and baseline alternately, `trials` times each; keeps the best.
template <class Fn, class Base>
std::pair<double, double> compare_rates(Fn&& fn, Base&& base, std::size_t n, int trials = 7) {
  double best_fn = 0, best_base = 0;
  for (int i = 0; i < trials; ++i) {
    best_base = std::max(best_base, best_rate(base, n));
    best_fn = std::max(best_fn, best_rate(fn, n));
  }
  return {best_fn, best_base};
}

enum class Goal { at_least, at_most };

// A figure compared with a same-run baseline: met when value/baseline reaches
// `target_ratio` in the direction of `goal`.
inline void report_ratio(const std::string& name, double value, const std::string& unit, double baseline,
                         double target_ratio, Goal goal = Goal::at_least) {
  const double ratio = value / baseline;
  const bool met = goal == Goal::at_least ? ratio >= target_ratio : ratio <= target_ratio;
  std::printf("BENCH {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", \"baseline\": %.6g, "
              "\"ratio\": %.4f, \"target\": \"ratio %s %.2f\", \"met\": %s}\n",
              name.c_str(), value, unit.c_str(), baseline, ratio, goal == Goal::at_least ? ">=" : "<=",
              target_ratio, met ? "true" : "false");
  std::fflush(stdout);
}

// An absolute figure (no baseline), e.g. messages/s against a floor.
inline void report_absolute(const std::string& name, double value, const std::string& unit, double target,
                            Goal goal = Goal::at_least) {
  const bool met = goal == Goal::at_least ? value >= target : value <= target;
  std::printf("BENCH {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", \"baseline\": null, "
              "\"ratio\": null, \"target\": \"%s %.6g\", \"met\": %s}\n",
              name.c_str(), value, unit.c_str(), goal == Goal::at_least ? ">=" : "<=", target,
              met ? "true" : "false");
  std::fflush(stdout);
}

// A figure reported for the record, with no target.
inline void report_info(const std::string& name, double value, const std::string& unit) {
  std::printf("BENCH {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", \"baseline\": null, "
              "\"ratio\": null, \"target\": \"(recorded)\", \"met\": true}\n",
              name.c_str(), value, unit.c_str());
  std::fflush(stdout);
}

// Keeps the optimizer from discarding a computed value.
template <class T>
inline void keep(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

}  // namespace bench
