// Bianchi's model of 802.11 DCF saturation throughput (SPEC §3 "Saturation
// throughput"; G. Bianchi, IEEE JSAC 18(3), 2000): n stations that always
// have a frame, basic access, no retry limit, ideal channel, and every
// collision loses all the frames in it. The reference the discrete-event
// air's saturated-unicast comparison is checked against (docs/simulation.md,
// "Checked against ns-3").
#pragma once

#include <cmath>
#include <cstdint>

#include "espnow/sim/phy_timing.hpp"
#include "espnow/wire/frame.hpp"

namespace espnow::sim {

struct SaturationParams {
  std::uint32_t stations = 1;   // n
  std::uint32_t cw_min = 31;    // W = cw_min + 1
  std::uint32_t cw_max = 1023;  // cw_max + 1 = 2^m · W
  // Durations in µs: slot σ, the header H (preamble, PLCP and MAC header),
  // the payload E[P], SIFS, the ACK frame, DIFS.
  double slot_us = 20, header_us = 0, payload_us = 0, sifs_us = 10, ack_us = 0, difs_us = 50;
  // The idle time that ends a collision, T_c = H + E[P] + this: DIFS in
  // Bianchi's paper; EIFS (364 µs for 802.11b) where, as 802.11 requires,
  // the stations that received the collided frame in error defer EIFS.
  double collision_tail_us = 50;
};

struct Saturation {
  double tau = 0;         // probability a station transmits in a given slot
  double p = 0;           // probability a transmission collides
  double throughput = 0;  // S: the share of time carrying payload
};

namespace detail {
// τ(p) from the Markov chain, written as 2 / (1 + W + p·W·Σ_{i<m} (2p)^i) so
// that p = 1/2 is no singularity.
inline double bianchi_tau(double p, double w, std::uint32_t m) {
  double sum = 0, term = 1;
  for (std::uint32_t i = 0; i < m; ++i, term *= 2 * p) sum += term;
  return 2.0 / (1.0 + w + p * w * sum);
}
}  // namespace detail

// Solves τ = τ(p), p = 1 − (1 − τ)^(n−1) by bisection (τ(p(τ)) − τ falls
// as τ grows, so the fixed point is unique), then S.
inline Saturation bianchi_saturation(const SaturationParams& q) {
  const double w = q.cw_min + 1.0;
  std::uint32_t m = 0;
  while ((q.cw_min + 1u) << m < q.cw_max + 1u) ++m;
  const double n = q.stations;
  auto p_of = [n](double tau) { return 1.0 - std::pow(1.0 - tau, n - 1.0); };
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (detail::bianchi_tau(p_of(mid), w, m) > mid ? lo : hi) = mid;
  }
  Saturation s;
  s.tau = 0.5 * (lo + hi);
  s.p = p_of(s.tau);
  const double p_tr = 1.0 - std::pow(1.0 - s.tau, n);
  const double p_s = n * s.tau * std::pow(1.0 - s.tau, n - 1.0) / p_tr;
  const double t_s = q.header_us + q.payload_us + q.sifs_us + q.ack_us + q.difs_us;
  const double t_c = q.header_us + q.payload_us + q.collision_tail_us;
  s.throughput = p_s * p_tr * q.payload_us /
                 ((1.0 - p_tr) * q.slot_us + p_tr * p_s * t_s + p_tr * (1.0 - p_s) * t_c);
  return s;
}

// The model's durations for `n` senders of `message`-byte ESP-NOW messages at
// `rate`: E[P] the message, H the rest of the frame's TXTIME (preamble and
// PLCP header, the frame's other bytes, an OFDM frame's padding to whole
// symbols and its signal extension), the ACK at the rate's ACK rate.
inline SaturationParams espnow_saturation_params(std::uint32_t n, PhyRate rate, std::uint32_t message) {
  const PhyTiming t = timing_for(rate);
  const double us_per_byte = 8000.0 / rate_info(rate).kbps;
  const auto frame = static_cast<std::uint32_t>(wire::frame_size(message));
  SaturationParams q;
  q.stations = n;
  q.slot_us = to_seconds(t.slot) * 1e6;
  q.sifs_us = to_seconds(t.sifs) * 1e6;
  q.difs_us = to_seconds(t.difs) * 1e6;
  q.collision_tail_us = q.difs_us;
  q.cw_min = t.cw_min;
  q.cw_max = t.cw_max;
  q.payload_us = message * us_per_byte;
  q.header_us = to_seconds(frame_duration(rate, frame)) * 1e6 - q.payload_us;
  q.ack_us = to_seconds(frame_duration(t.ack_rate, kAckFrameBytes)) * 1e6;
  return q;
}

}  // namespace espnow::sim
