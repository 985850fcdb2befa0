// The DSSS/CCK error-rate formulas and the noise floor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>

#include "espnow/wire/error_rate.hpp"

using namespace espnow;

TEST(ErrorRate, DbpskIsHalfExpOfEbN0) {
  // 1 Mbps: Eb/N0 = SINR * 22.
  EXPECT_DOUBLE_EQ(dsss_bit_error_rate(1000, 1.0), 0.5 * std::exp(-22.0));
  EXPECT_DOUBLE_EQ(dsss_bit_error_rate(1000, 0.1), 0.5 * std::exp(-2.2));
  EXPECT_DOUBLE_EQ(dsss_bit_error_rate(1000, 0.0), 0.5);
}

TEST(ErrorRate, HigherRatesNeedMoreSinr) {
  for (double sinr_db : {0.0, 3.0, 6.0}) {
    const double sinr = std::pow(10.0, sinr_db / 10.0);
    EXPECT_LE(dsss_bit_error_rate(1000, sinr), dsss_bit_error_rate(2000, sinr)) << sinr_db;
    EXPECT_LE(dsss_bit_error_rate(2000, sinr), dsss_bit_error_rate(5500, sinr)) << sinr_db;
  }
  EXPECT_EQ(dsss_bit_error_rate(11000, 20.0), 0.0);  // beyond 10: error-free
  EXPECT_EQ(dsss_bit_error_rate(11000, 0.05), 0.5);  // below 0.1: hopeless
}

TEST(ErrorRate, SuccessIsOneMinusBerToTheBits) {
  const double ber = dsss_bit_error_rate(1000, 0.2);
  EXPECT_NEAR(dsss_success_rate(1000, 0.2, 2344), std::pow(1 - ber, 2344), 1e-12);
  EXPECT_EQ(dsss_success_rate(1000, 0.2, 0), 1.0);
  // A 293-byte frame at 1 Mbps with SINR 0 dB: as good as certain.
  EXPECT_GT(dsss_success_rate(1000, 1.0, 293 * 8), 0.999999);
  // ... and at -10 dB, hopeless.
  EXPECT_LT(dsss_success_rate(1000, 0.1, 293 * 8), 1e-6);
}

// dsss_success_rate answers 1.0 without the formula where the formula, as
// written, comes out exactly 1.0 in double precision: checked against the
// formula itself across the cut (Eb/N0 58, SINR 58/22) and up to 2^24 bits.
TEST(ErrorRate, DbpskShortcutGivesTheFormulasExactAnswer) {
  const auto formula = [](double sinr, double bits) {
    return std::exp(bits * std::log1p(-0.5 * std::exp(-sinr * 22.0)));
  };
  for (double sinr = 58.0 / 22.0 * 0.98; sinr < 60.0; sinr *= 1.01)
    for (double bits : {1.0, 8.0, 2344.0, 12000.0, 1e6, 0x1p24}) {
      const double exact = formula(sinr, bits);
      EXPECT_EQ(dsss_success_rate(1000, sinr, bits), exact) << sinr << " " << bits;
      if (sinr * 22.0 > 58.0) {
        EXPECT_EQ(exact, 1.0) << sinr << " " << bits;
      }
    }
  // Below the cut the formula is still worked out: not yet certain at 2^24 bits.
  EXPECT_LT(dsss_success_rate(1000, 40.0 / 22.0, 0x1p24), 1.0);
}

// ln P at a DSSS rate is the bit count times ln P for one bit, to the last
// bit of the double (up to 2^24 bits): the simulator's PHY works out a
// frame's header and payload at one rate from one per-bit value
// (sim::Phy::log_piece_success), and must get the numbers these give.
TEST(ErrorRate, DsssLogSuccessIsBitsTimesThatOfOneBit) {
  for (std::uint32_t kbps : {1000u, 2000u, 5500u, 11000u})
    for (double sinr = 0.01; sinr < 40.0; sinr *= 1.07)
      for (double bits : {0.5, 1.0, 24.0, 192.0, 350.4, 2344.0, 11760.0, 1e6, 0x1p24}) {
        const double one = dsss_log_success_rate(kbps, sinr, 1.0);
        EXPECT_EQ(dsss_log_success_rate(kbps, sinr, bits), bits * one) << kbps << " " << sinr << " " << bits;
      }
}

TEST(ErrorRate, ThermalNoiseOver22MHzWithA7dBFigure) {
  EXPECT_NEAR(thermal_noise_dbm(22e6, 7.0), -93.58, 0.01);
}

TEST(ErrorRate, OfdmFollowsTheConstellationAndTheCodesUnionBound) {
  // Reference values from the textbook formulas (computed independently in
  // Python: erfc, the binomial tail at d_free and d_free + 1).
  EXPECT_NEAR(ofdm_success_rate(6000, 1.0, 1000), 0.9458243828102769, 1e-9);
  EXPECT_NEAR(ofdm_success_rate(54000, 100.0, 2344), 0.9974458219014805, 1e-9);
  EXPECT_NEAR(ofdm_success_rate(18000, std::pow(10.0, 0.5), 800), 0.6802307756707788, 1e-9);
  EXPECT_EQ(ofdm_success_rate(6000, 0.5, 0), 1.0);
  EXPECT_EQ(ofdm_success_rate(1000, 100.0, 8), 0.0);  // not an OFDM rate
}

TEST(ErrorRate, EachFasterOfdmRateNeedsMoreSinrForAFrame) {
  // The SINR (dB) at which a 293-byte frame gets through half the time.
  auto half_point = [](std::uint32_t kbps) {
    double lo = -10, hi = 40;
    for (int i = 0; i < 60; ++i) {
      const double mid = (lo + hi) / 2;
      (ofdm_success_rate(kbps, std::pow(10.0, mid / 10), 293 * 8) < 0.5 ? lo : hi) = mid;
    }
    return hi;
  };
  const std::uint32_t rates[] = {6000, 9000, 12000, 18000, 24000, 36000, 48000, 54000};
  double previous = -100;
  for (const std::uint32_t kbps : rates) {
    const double db = half_point(kbps);
    EXPECT_GT(db, previous) << kbps;
    previous = db;
  }
  EXPECT_NEAR(half_point(6000), -0.8, 0.05);
  EXPECT_NEAR(half_point(54000), 17.64, 0.05);
}

// The air decides most receptions from bounds (sim::Phy::survives), which
// holds only if more interference never raises a frame's chance: every
// formula falls as the SINR falls, across its cut-offs too.
TEST(ErrorRate, EveryRatesChanceFallsAsTheSinrFalls) {
  const std::uint32_t dsss[] = {1000, 2000, 5500, 11000};
  const std::uint32_t ofdm[] = {6000, 9000, 12000, 18000, 24000, 36000, 48000, 54000};
  for (const double bits : {24.0, 800.0, 2344.0}) {
    double last_dsss[4], last_ofdm[8];
    std::fill(std::begin(last_dsss), std::end(last_dsss), 0.0);
    std::fill(std::begin(last_ofdm), std::end(last_ofdm), 0.0);
    for (double db = 25.0; db >= -15.0; db -= 0.01) {  // from strong to hopeless
      const double sinr = std::pow(10.0, db / 10.0);
      for (int k = 0; k < 4; ++k) {
        const double p = dsss_log_success_rate(dsss[k], sinr, bits);
        EXPECT_LE(p, last_dsss[k]) << dsss[k] << " " << db;
        last_dsss[k] = p;
      }
      for (int k = 0; k < 8; ++k) {
        const double p = ofdm_log_success_rate(ofdm[k], sinr, bits);
        EXPECT_LE(p, last_ofdm[k]) << ofdm[k] << " " << db;
        last_ofdm[k] = p;
      }
    }
  }
}

// A receiver adds up a frame's pieces as logarithms; the chance itself is
// exactly their exponential, so either form gives the same draw.
TEST(ErrorRate, TheChanceIsExactlyTheExponentialOfItsLogarithm) {
  for (const double sinr : {0.05, 0.2, 1.0, 2.5, 3.0, 12.0, 80.0})
    for (const double bits : {0.0, 100.0, 2344.0}) {
      for (const std::uint32_t kbps : {1000u, 2000u, 5500u, 11000u})
        EXPECT_EQ(dsss_success_rate(kbps, sinr, bits), std::exp(dsss_log_success_rate(kbps, sinr, bits)));
      for (const std::uint32_t kbps : {6000u, 24000u, 54000u})
        EXPECT_EQ(ofdm_success_rate(kbps, sinr, bits), std::exp(ofdm_log_success_rate(kbps, sinr, bits)));
    }
  EXPECT_EQ(dsss_log_success_rate(1000, 80.0, 2344), 0.0);  // certain: no formula
  EXPECT_EQ(ofdm_log_success_rate(1000, 80.0, 8), -INFINITY);  // not an OFDM rate
  EXPECT_NEAR(dsss_log_success_rate(1000, 0.2, 2344), 2344 * std::log1p(-dsss_bit_error_rate(1000, 0.2)), 1e-12);
}

// The floor a receiver uses to decide most 1 Mbps frames without exp or log
// (sim::Phy::below_floor): never above ln P per bit at the SINR it is asked
// about (else a frame would be received that the formula would lose), and
// never further below it than the rate's value at a SINR 1/16 of its power
// of two lower (else it would decide little). Checked across its whole table and beyond, at its edges and
// between them.
TEST(ErrorRate, DbpskFloorIsNeverAboveTheRateAndAtMostOneStepBelow) {
  const double step = 1.0 + 1.0 / 16;  // the widest step: from 1 to 1 + 1/16 of each power of two
  double last = -INFINITY;
  for (double sinr = std::exp2(-9.0); sinr < 16.0; sinr *= 1.0007) {
    for (const double s : {sinr, std::nextafter(sinr, 0.0)}) {
      const double floor = dbpsk_log_success_floor(s);
      EXPECT_LE(floor, dsss_log_success_rate(1000, s, 1.0)) << s;
      if (s >= std::exp2(-8.0)) {
        EXPECT_GE(floor, dsss_log_success_rate(1000, s / step, 1.0)) << s;
      }
    }
    const double floor = dbpsk_log_success_floor(sinr);
    EXPECT_GE(floor, last) << sinr;  // it rises with the SINR, as the rate does
    last = floor;
  }
  EXPECT_EQ(dbpsk_log_success_floor(std::exp2(-8.0) * 0.999), -INFINITY);  // below the table: it cannot tell
  EXPECT_EQ(dbpsk_log_success_floor(0.0), -INFINITY);
  EXPECT_EQ(dbpsk_log_success_floor(NAN), -INFINITY);
  EXPECT_EQ(dbpsk_log_success_floor(4.0), 0.0);       // certain, as the rate's own shortcut says
  EXPECT_EQ(dbpsk_log_success_floor(INFINITY), 0.0);
  EXPECT_LT(dbpsk_log_success_floor(2.5), 0.0);         // 55 of Eb/N0: not yet certain
}
