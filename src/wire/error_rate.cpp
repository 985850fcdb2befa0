#include "espnow/wire/error_rate.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace espnow {
namespace {

constexpr double kChipRate = 22e6;  // the Barker/CCK spreading bandwidth: Eb/N0 = SINR * 22 MHz / bit rate
constexpr double kDbpskCertain = 58.0;  // Eb/N0 beyond which 1 Mbps frames always survive (dsss_log_success_rate)

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

// OFDM: each rate's constellation (m points), coded bit rate and the
// convolutional code's free distance with the number of error events at it
// and one beyond (the union bound's first two terms), as ns-3's
// YansErrorRateModel documents them.
struct OfdmCode {
  std::uint32_t kbps;
  double m;
  double coded_bps;
  unsigned d_free;
  double events_at_d_free;
  double events_beyond;
};
constexpr OfdmCode kOfdmCodes[] = {
    {6000, 2, 12e6, 10, 11, 0},   {9000, 2, 12e6, 5, 8, 0},     // BPSK 1/2, 3/4
    {12000, 4, 24e6, 10, 11, 0},  {18000, 4, 24e6, 5, 8, 31},   // QPSK 1/2, 3/4
    {24000, 16, 48e6, 10, 11, 0}, {36000, 16, 48e6, 5, 8, 31},  // 16-QAM 1/2, 3/4
    {48000, 64, 72e6, 6, 1, 16},  {54000, 64, 72e6, 5, 8, 31},  // 64-QAM 2/3, 3/4
};
constexpr double kOfdmBandwidth = 20e6;

// Uncoded BER of the constellation at Eb/N0 (BPSK; square M-QAM).
double ofdm_uncoded_ber(double m, double eb_n0) {
  if (m == 2) return 0.5 * std::erfc(std::sqrt(eb_n0));
  const double bits = std::log2(m);
  const double z = std::sqrt(1.5 * bits * eb_n0 / (m - 1.0));
  const double symbol_side = (1.0 - 1.0 / std::sqrt(m)) * std::erfc(z);  // one of the two PAM rails
  return (1.0 - (1.0 - symbol_side) * (1.0 - symbol_side)) / bits;
}

// The chance that a decoder picks a wrong path at Hamming distance d, for
// hard decisions with bit error rate p (a tie at d/2 decided by a coin).
double wrong_path(double p, unsigned d) {
  double sum = 0.0;
  for (unsigned i = d / 2 + 1; i <= d; ++i)
    sum += std::exp(std::lgamma(d + 1.0) - std::lgamma(i + 1.0) - std::lgamma(d - i + 1.0)) * std::pow(p, i) *
           std::pow(1.0 - p, d - i);
  if (d % 2 == 0) {
    const unsigned h = d / 2;
    sum += 0.5 * std::exp(std::lgamma(d + 1.0) - 2.0 * std::lgamma(h + 1.0)) * std::pow(p, h) * std::pow(1.0 - p, h);
  }
  return sum;
}

}  // namespace

double ofdm_log_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept {
  if (bits <= 0.0) return 0.0;
  for (const OfdmCode& c : kOfdmCodes) {
    if (c.kbps != kbps) continue;
    const double ber = ofdm_uncoded_ber(c.m, std::fmax(0.0, sinr) * kOfdmBandwidth / c.coded_bps);
    if (ber <= 0.0) return 0.0;
    const double error_event = std::fmin(
        1.0, c.events_at_d_free * wrong_path(ber, c.d_free) + c.events_beyond * wrong_path(ber, c.d_free + 1));
    return error_event >= 1.0 ? -INFINITY : bits * std::log1p(-error_event);
  }
  return -INFINITY;
}

double ofdm_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept {
  return std::exp(ofdm_log_success_rate(kbps, sinr, bits));
}

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

double dsss_log_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept {
  // Above an Eb/N0 of 58 the DBPSK bit error rate is below 4e-26, so for up
  // to 2^24 bits the expression below is above -2^-60, and its exponential
  // exactly 1.0 in double precision. About a fifth of a field's listeners
  // are that far above the noise: for them, the same answer without the
  // formula's transcendental calls.
  if (kbps == 1000 && sinr * kChipRate / 1e6 > kDbpskCertain && bits <= 0x1p24) return 0.0;
  const double ber = dsss_bit_error_rate(kbps, sinr);
  if (ber <= 0.0 || bits <= 0.0) return 0.0;
  return bits * std::log1p(-ber);
}

namespace {

// dbpsk_log_success_floor's table: the edges are read off the SINR's own bits
// (its exponent and the mantissa's top four), so a lookup costs no log.
class DbpskFloor {
 public:
  DbpskFloor() {
    for (int e = kLowestExponent; e < kCertainExponent; ++e)
      for (int k = 0; k < kSteps; ++k)
        per_bit_[index(e, k)] = dsss_log_success_rate(1000, std::ldexp(1.0 + k / double(kSteps), e), 1.0);
  }
  double at(double sinr) const {
    if (!(sinr >= std::ldexp(1.0, kLowestExponent))) return -INFINITY;
    const auto bits = std::bit_cast<std::uint64_t>(sinr);
    const int e = static_cast<int>(bits >> 52) - 1023;
    if (e >= kCertainExponent) return 0.0;  // SINR 4 > 58 / 22: dsss_log_success_rate's certain frames
    return per_bit_[index(e, static_cast<int>((bits >> (52 - kStepBits)) & (kSteps - 1)))];
  }

 private:
  static constexpr int kLowestExponent = -8, kCertainExponent = 2, kStepBits = 4, kSteps = 1 << kStepBits;
  static std::size_t index(int e, int k) { return static_cast<std::size_t>((e - kLowestExponent) * kSteps + k); }
  std::array<double, (kCertainExponent - kLowestExponent) * kSteps> per_bit_{};
};

// Built before main, as the PHY's rate table is: a function's static would
// test its guard at every lookup.
const DbpskFloor kDbpskFloor;

}  // namespace

double dbpsk_log_success_floor(double sinr) noexcept { return kDbpskFloor.at(sinr); }

double dsss_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept {
  return std::exp(dsss_log_success_rate(kbps, sinr, bits));
}

double thermal_noise_dbm(double bandwidth_hz, double noise_figure_db) noexcept {
  return -174.0 + 10.0 * std::log10(bandwidth_hz) + noise_figure_db;
}

}  // namespace espnow
