// The physics every simulated air applies (docs/behaviour.md, "The air"),
// shared by the in-process air and the UDP air: RSSI from positions, receive
// sensitivity, long-range reach, and seeded loss.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

#include "espnow/wire/mac_address.hpp"
#include "espnow/wire/phy.hpp"

namespace espnow {

struct Position {
  double x = 0.0, y = 0.0;  // metres
};

struct PathLoss {
  double exponent = 3.0;        // log-distance model, 2..3.5 typical indoors
  double reference_db = 40.0;   // path loss at 1 m, 2.4 GHz
};

// RSSI seen at `to` from a transmitter at `from` with `tx_dbm`, clamped to
// -127..0 dBm; distances under 1 m count as 1 m.
int rssi_dbm(const PathLoss& model, Position from, Position to, double tx_dbm);

// The RSSI a receiver reports for a signal of `dbm`: clamped to -127..0 and
// rounded half away from zero, exactly as std::lround would (which is a call
// into libm at every reception of a simulated air).
inline std::int8_t rssi_of(double dbm) noexcept {
  const double x = dbm < -127.0 ? -127.0 : (dbm > 0.0 ? 0.0 : dbm);  // NaN stays NaN...
  if (x != x) return 0;                                                // ...and reports 0
  auto whole = static_cast<int>(x);  // toward zero; x - whole is exact
  if (x - whole <= -0.5) --whole;
  return static_cast<std::int8_t>(whole);
}

enum class Reception : std::uint8_t { heard, other_channel, not_long_range, too_weak };

// Whether a receiver on `rx_channel` (long-range capable or not) hears a
// frame sent on `tx_channel` at `rate`, arriving at `rssi`.
Reception reception(std::uint8_t tx_channel, std::uint8_t rx_channel, PhyRate rate, bool rx_long_range, int rssi);

// Seeded loss: one probability for the air, overridable per pair of radios
// (by MAC, both ways). Thread-safe; reproducible for a given sequence of draws.
class LossModel {
 public:
  explicit LossModel(std::uint64_t seed, double loss = 0.0) : may_lose_(loss > 0), rng_(seed), loss_(loss) {}
  void set_loss(double probability);
  void set_link_loss(const MacAddress& a, const MacAddress& b, double probability);
  bool lose(const MacAddress& a, const MacAddress& b);
  // A backoff draw: 0..cw slots.
  std::uint32_t slots(std::uint32_t cw);

 private:
  std::atomic<bool> may_lose_{false};  // lets the common no-loss case skip the lock
  std::mutex mutex_;
  std::mt19937_64 rng_;
  double loss_;
  std::vector<std::pair<std::pair<MacAddress, MacAddress>, double>> link_loss_;
};

}  // namespace espnow
