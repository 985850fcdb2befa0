#include "espnow/wire/air_physics.hpp"

#include <algorithm>
#include <cmath>

namespace espnow {
namespace {

// A radio pair as an unordered key (link loss is symmetric).
std::pair<MacAddress, MacAddress> ordered(const MacAddress& a, const MacAddress& b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

}  // namespace

int rssi_dbm(const PathLoss& model, Position from, Position to, double tx_dbm) {
  const double d = std::max(1.0, std::hypot(from.x - to.x, from.y - to.y));
  const double loss = model.reference_db + 10.0 * model.exponent * std::log10(d);
  return rssi_of(tx_dbm - loss);
}

Reception reception(std::uint8_t tx_channel, std::uint8_t rx_channel, PhyRate rate, bool rx_long_range, int rssi) {
  if (tx_channel != rx_channel) return Reception::other_channel;
  if (is_long_range(rate) && !rx_long_range) return Reception::not_long_range;
  if (rssi < rate_info(rate).sensitivity_dbm) return Reception::too_weak;
  return Reception::heard;
}

void LossModel::set_loss(double probability) {
  std::lock_guard lk(mutex_);
  loss_ = std::clamp(probability, 0.0, 1.0);
  may_lose_ = loss_ > 0 || !link_loss_.empty();
}

void LossModel::set_link_loss(const MacAddress& a, const MacAddress& b, double probability) {
  std::lock_guard lk(mutex_);
  const auto key = ordered(a, b);
  auto it = std::find_if(link_loss_.begin(), link_loss_.end(), [&](const auto& e) { return e.first == key; });
  if (it == link_loss_.end()) link_loss_.push_back({key, probability});
  else it->second = probability;
  may_lose_ = true;
}

bool LossModel::lose(const MacAddress& a, const MacAddress& b) {
  if (!may_lose_.load(std::memory_order_relaxed)) return false;
  std::lock_guard lk(mutex_);
  double p = loss_;
  if (!link_loss_.empty()) {
    const auto key = ordered(a, b);
    for (const auto& e : link_loss_)
      if (e.first == key) p = e.second;
  }
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

std::uint32_t LossModel::slots(std::uint32_t cw) {
  std::lock_guard lk(mutex_);
  return std::uniform_int_distribution<std::uint32_t>(0, cw)(rng_);
}

}  // namespace espnow
