// Error-rate formulas of the 802.11b and 802.11g PHYs (docs/simulation.md,
// "The discrete-event air"): the probability that a stretch of bits sent at
// one rate survives a constant signal-to-interference-plus-noise ratio. These
// are the published formulas ns-3's DsssErrorRateModel and
// YansErrorRateModel document; pure functions.
#pragma once

#include <cstdint>

#include "espnow/wire/phy.hpp"

namespace espnow {

// Bit error rate at `sinr` (linear, not dB) for a DSSS/CCK rate in kbps
// (1000, 2000, 5500 or 11000); 0.5 for any other rate.
double dsss_bit_error_rate(std::uint32_t kbps, double sinr) noexcept;

// (1 - BER)^bits: the chance that `bits` bits at `kbps` all arrive intact.
double dsss_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept;
// Its natural logarithm, bits * ln(1 - BER) (0 where the chance is 1): what
// a receiver adding up the pieces of a frame wants, without the exp and log
// that going through the chance would cost. dsss_success_rate is exactly
// its exponential.
double dsss_log_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept;
// A floor under dsss_log_success_rate(1000, sinr, 1), ln P per bit of 1 Mbps
// DBPSK, for a receiver that only needs to know P is high enough: no exp or
// log, a table lookup. It is that rate's value at the SINR rounded down to
// a sixteenth of its power of two (at most 6% lower; ln P per bit rises with
// the SINR), 0 from SINR 4 up (where the rate's own shortcut makes frames
// certain) and -inf below 2^-8.
double dbpsk_log_success_floor(double sinr) noexcept;

// The chance that `bits` bits at an OFDM rate in kbps (6000 ... 54000)
// arrive intact at `sinr` (over the 20 MHz OFDM noise floor): the uncoded
// BER of the rate's constellation at Eb/N0 = SINR * 20 MHz / coded bit rate,
// then the union bound of its convolutional code's first error events
// (free distance d and d + 1), as ns-3's YansErrorRateModel documents.
// 0 for any other rate.
double ofdm_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept;
// Its natural logarithm (-infinity where the chance is 0), of which
// ofdm_success_rate is exactly the exponential.
double ofdm_log_success_rate(std::uint32_t kbps, double sinr, double bits) noexcept;

// Thermal noise over `bandwidth_hz` plus a noise figure, in dBm
// (-174 dBm/Hz): -93.6 dBm for 22 MHz and 7 dB.
double thermal_noise_dbm(double bandwidth_hz, double noise_figure_db) noexcept;

}  // namespace espnow
