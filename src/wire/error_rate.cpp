#include "espnow/wire/error_rate.hpp"

#include <cmath>
#include <numbers>

namespace espnow {
namespace {

constexpr double kChipRate = 22e6;  // the Barker/CCK spreading bandwidth: Eb/N0 = SINR * 22 MHz / bit rate

// DQPSK's approximation (ns-3's DqpskFunction).
double dqpsk_ber(double eb_n0) {
  const double sqrt2 = std::numbers::sqrt2;
  return ((sqrt2 + 1.0) / std::sqrt(8.0 * std::numbers::pi * sqrt2)) * (1.0 / std::sqrt(eb_n0)) *
         std::exp(-(2.0 - sqrt2) * eb_n0);
}

// CCK's curve fits (ns-3's fallback when it is built without GSL); SINR
// beyond 10 is error-free and below 0.1 hopeless.
constexpr double kSirPerfect = 10.0;
constexpr double kSirImpossible = 0.1;

double cck55_ber(double sinr) {
  const double a1 = 5.3681634344056195e-001, a2 = 3.3092430025608586e-003;
  const double a3 = 4.1654372361004000e-001, a4 = 1.0288981434358866e+000;
  return a1 * std::exp(-std::pow((sinr - a2) / a3, a4));
}

double cck11_ber(double sinr) {
  const double a1 = 7.9056742265333456e-003, a2 = -1.8397449399176360e-001;
  const double a3 = 1.0740689468707241e+000, a4 = 1.0523316904502553e+000;
  const double a5 = 3.0552298746496687e-001, a6 = 2.2032715128698435e+000;
  return (a1 * sinr * sinr + a2 * sinr + a3) / (sinr * sinr * sinr + a4 * sinr * sinr + a5 * sinr + a6);
}

}  // namespace

double dsss_bit_error_rate(std::uint32_t kbps, double sinr) noexcept {
  if (!(sinr > 0.0)) return 0.5;
  switch (kbps) {
    case 1000:  // DBPSK
      return 0.5 * std::exp(-sinr * kChipRate / 1e6);
    case 2000:  // DQPSK: two bits per 1 Msym/s symbol
      return std::fmin(0.5, dqpsk_ber(sinr * kChipRate / 1e6 / 2.0));
    case 5500:
    case 11000:
      if (sinr > kSirPerfect) return 0.0;
      if (sinr < kSirImpossible) return 0.5;
      return std::fmin(0.5, kbps == 5500 ? cck55_ber(sinr) : cck11_ber(sinr));
    default:
      return 0.5;
  }
}

double dsss_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept {
  const double ber = dsss_bit_error_rate(kbps, sinr);
  if (ber <= 0.0 || bits <= 0.0) return 1.0;
  return std::exp(bits * std::log1p(-ber));
}

double thermal_noise_dbm(double bandwidth_hz, double noise_figure_db) noexcept {
  return -174.0 + 10.0 * std::log10(bandwidth_hz) + noise_figure_db;
}

}  // namespace espnow
