#include <gtest/gtest.h>

#include "espnow/wire/phy.hpp"

using namespace espnow;

TEST(Phy, UnicastDurationIsSifsPlusAckAt1Mbps) { EXPECT_EQ(unicast_duration_us(PhyRate::r1m), 314); }

TEST(Phy, ChannelFrequencies) {
  EXPECT_EQ(channel_to_mhz(1), 2412);
  EXPECT_EQ(channel_to_mhz(13), 2472);
  EXPECT_EQ(channel_to_mhz(14), 2484);
  EXPECT_EQ(mhz_to_channel(2437), 6);
  EXPECT_EQ(mhz_to_channel(2484), 14);
  EXPECT_EQ(mhz_to_channel(5180), 0);
  EXPECT_FALSE(is_valid_channel(0));
  EXPECT_FALSE(is_valid_channel(15));
}

TEST(Phy, AirtimeFollowsDsssAndOfdmRules) {
  // A 250-byte message is a 293-byte frame: 192 us preamble + 8 us per byte.
  EXPECT_EQ(airtime_us(PhyRate::r1m, 293), 192u + 293u * 8u);
  EXPECT_EQ(airtime_us(PhyRate::r2m_short, 14), 96u + 56u);
  // OFDM 6 Mbps, 14-byte ACK: 16+112+6 = 134 bits in 24-bit symbols = 6
  // symbols, then the 6 µs signal extension.
  EXPECT_EQ(airtime_us(PhyRate::r6m, 14), 20u + 24u + 6u);
}

// SPEC §3: ERP-OFDM's SIFS is "10 µs (+6 µs signal extension)". The extension
// is part of every OFDM frame's TXTIME, and of no DSSS/CCK or LR frame's.
TEST(Phy, OfdmFramesEndWithASixMicrosecondSignalExtension) {
  for (PhyRate r : {PhyRate::r6m, PhyRate::r9m, PhyRate::r24m, PhyRate::r54m})
    EXPECT_EQ(signal_extension_us(r), 6u) << rate_info(r).name;
  for (PhyRate r : {PhyRate::r1m, PhyRate::r11m, PhyRate::r2m_short, PhyRate::lora_250k})
    EXPECT_EQ(signal_extension_us(r), 0u) << rate_info(r).name;
  // 293 bytes at 54 Mbps: 16+2344+6 bits in 216-bit symbols = 11 symbols.
  EXPECT_EQ(airtime_us(PhyRate::r54m, 293), 20u + 44u + 6u);
  EXPECT_EQ(airtime_us(PhyRate::r11m, 293), 192u + 214u);
}

// SPEC §3 "Contention": ACKs go at the basic rate, 1 Mbps after DSSS/CCK
// frames and 6 Mbps after OFDM ones, not at the highest basic rate at or
// below the frame's (which gave 2 Mbps after 11 Mbps and 24 after 54).
TEST(Phy, AckRateIsTheBasicRateOfTheFramesModulation) {
  for (PhyRate r : {PhyRate::r1m, PhyRate::r2m, PhyRate::r5m, PhyRate::r11m, PhyRate::r2m_short,
                    PhyRate::r5m_short, PhyRate::r11m_short})
    EXPECT_EQ(ack_rate(r), PhyRate::r1m) << rate_info(r).name;
  for (PhyRate r : {PhyRate::r6m, PhyRate::r12m, PhyRate::r24m, PhyRate::r54m})
    EXPECT_EQ(ack_rate(r), PhyRate::r6m) << rate_info(r).name;
  EXPECT_EQ(ack_rate(PhyRate::lora_250k), PhyRate::lora_250k);
  EXPECT_EQ(ack_rate(PhyRate::lora_500k), PhyRate::lora_500k);
}

// The Duration field (SPEC §4): SIFS plus that ACK, whatever the frame's rate.
TEST(Phy, UnicastDurationCoversTheAckAtTheBasicRate) {
  EXPECT_EQ(unicast_duration_us(PhyRate::r11m), 314);
  EXPECT_EQ(unicast_duration_us(PhyRate::r2m_short), 314);
  EXPECT_EQ(unicast_duration_us(PhyRate::r54m), 10 + 44 + 6);  // the ACK's extension too
  EXPECT_EQ(unicast_duration_us(PhyRate::r6m), 10 + 44 + 6);
  // LR: DSSS's 192 µs preamble (Espressif publishes none), the ACK at 250 kbps.
  EXPECT_EQ(unicast_duration_us(PhyRate::lora_250k), 10 + 192 + 448);
  EXPECT_EQ(airtime_us(PhyRate::lora_250k, 293), 192u + 9376u);
}

TEST(Phy, RateTableHoldsTheMicroPythonConstants) {
  EXPECT_EQ(rate_info(0)->name, "RATE_1M");
  EXPECT_EQ(rate_info(9)->name, "RATE_24M");
  EXPECT_EQ(rate_info(12)->name, "RATE_54M");
  EXPECT_EQ(rate_info(0x29)->name, "RATE_LORA_250K");
  EXPECT_EQ(rate_info(0x04), nullptr);
  EXPECT_EQ(rate_info(0x10), nullptr);
  EXPECT_EQ(rate_info(PhyRate::r1m).sensitivity_dbm, -97);
  EXPECT_EQ(rate_info(PhyRate::r54m).sensitivity_dbm, -74);
}
