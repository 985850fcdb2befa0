// Wi-Fi promiscuous mode (esp_wifi_set_promiscuous): chips of a Simulation
// running promiscuous_program.c. A sniffer in WIFI_MODE_NULL hears every
// ESP-NOW frame on its channel, unicasts to others and each retry included,
// with its FCS; it acknowledges none, so a unicast nobody owns still fails.
// An ESP-NOW receiver gets each frame in its promiscuous callback just before
// its receive callback (the RSSI idiom). A filter decides what reaches the
// callback; a radio that is not promiscuous hears only its own traffic.
#include <gtest/gtest.h>

#include <chrono>

#include "espnow/devices/simulation.hpp"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "espnow_emul_simulation.hpp"
#include "promiscuous_program.h"
#include "support/emulated_chip.hpp"

using namespace std::chrono_literals;
using espnow::MacAddress;

namespace {

MacAddress chip_mac(std::uint8_t last) { return MacAddress{{0x02, 0, 0, 0, 0, last}}; }

promisc_seen_t run_chips() {
  promisc_reset();
  espnow::Simulation sim({.seed = 5});
  struct Role {
    std::uint8_t mac;
    espnow::Position pos;
    void (*app_main)(void);
  };
  const Role roles[] = {{PROMISC_SENDER, {0, 0}, promisc_sender_app_main},
                        {PROMISC_RECEIVER, {10, 0}, promisc_receiver_app_main},
                        {PROMISC_SNIFFER, {0, 10}, promisc_sniffer_app_main},
                        {PROMISC_DATA_SNIFFER, {0, -10}, promisc_data_sniffer_app_main},
                        {PROMISC_BYSTANDER, {-10, 0}, promisc_bystander_app_main},
                        {PROMISC_RAW_SENDER, {0, 20}, promisc_raw_sender_app_main}};
  for (const Role& r : roles)
    EXPECT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = chip_mac(r.mac), .position = r.pos}}, r.app_main).ok());
  sim.run_for(3s);
  return promisc_seen();
}

}  // namespace

TEST(Promiscuous, ASnifferHearsEveryEspNowFrameOnItsChannelAndAcknowledgesNone) {
  const promisc_seen_t seen = run_chips();
  ASSERT_EQ(seen.setup_failed_line, 0) << "line of promiscuous_program.c";
  EXPECT_EQ(seen.sniffed_to_receiver, PROMISC_ROUNDS + 1u);  // other chips' unicasts (the raw sender's too)
  EXPECT_EQ(seen.sniffed_broadcast, unsigned{PROMISC_ROUNDS});
  EXPECT_EQ(seen.sniffed_to_absent, 6u);  // every attempt: 1 + 5 retries
  EXPECT_EQ(seen.sniffed_retries, 5u);    // with the retry bit
  EXPECT_EQ(seen.absent_fail, 1u);        // the sniffer did not acknowledge them
  EXPECT_EQ(seen.sent_ok, 2u * PROMISC_ROUNDS);
  EXPECT_EQ(seen.sent_fail, 0u);
  EXPECT_EQ(seen.sniffed_bad_fcs, 0u);  // payload: the frame and its FCS, sig_len bytes
  EXPECT_EQ(seen.sniffed_bad_len, 0u);
  EXPECT_EQ(seen.sniffed_other, 0u);
  EXPECT_EQ(seen.sniffed_not_mgmt, 0u);  // ESP-NOW frames are action frames: WIFI_PKT_MGMT
  EXPECT_EQ(seen.sniffed_channel_wrong, 0u);
  EXPECT_EQ(seen.sniffed_rssi_min, -50);  // 10 m from both senders: the air's path loss
  EXPECT_EQ(seen.sniffed_rssi_max, -50);
}

TEST(Promiscuous, TheReceiveCallbackFollowsThePromiscuousOneForTheSameFrameWithItsRssi) {
  const promisc_seen_t seen = run_chips();
  ASSERT_EQ(seen.setup_failed_line, 0) << "line of promiscuous_program.c";
  EXPECT_EQ(seen.rx_messages, 2u * PROMISC_ROUNDS + 1);  // its unicasts, the broadcasts, the raw sender's message
  EXPECT_EQ(seen.rx_sniffed_first, seen.rx_messages);
  EXPECT_EQ(seen.rx_rssi_matches, seen.rx_messages);
  // It overheard those too, and the raw beacon (its filter: MGMT only).
  EXPECT_EQ(seen.rx_sniffed, seen.rx_messages + seen.sniffed_to_absent + 1);
}

TEST(Promiscuous, TheFilterDecidesAndARadioThatIsNotPromiscuousHearsOnlyItsOwnTraffic) {
  const promisc_seen_t seen = run_chips();
  ASSERT_EQ(seen.setup_failed_line, 0) << "line of promiscuous_program.c";
  EXPECT_EQ(seen.data_sniffer_calls, 1u);  // WIFI_PROMIS_FILTER_MASK_DATA: the raw data frame; no ESP-NOW frame is data
  EXPECT_EQ(seen.bystander_messages, unsigned{PROMISC_ROUNDS});  // the broadcasts alone
}

TEST(Promiscuous, RawFramesOfEspWifi80211TxGoOnTheAirWithTheDriversSequenceAndNoSendReport) {
  const promisc_seen_t seen = run_chips();
  ASSERT_EQ(seen.setup_failed_line, 0) << "line of promiscuous_program.c";
  EXPECT_EQ(seen.raw_beacons_sniffed, 1u);
  EXPECT_EQ(seen.raw_data_sniffed, 1u);   // acknowledged by the receiver's radio: sent once
  EXPECT_EQ(seen.raw_sequence_wrong, 0u);  // 0 and 1: the driver's numbers, not the frame's
  EXPECT_EQ(seen.raw_send_callbacks, 1u);  // its one ESP-NOW send; the raw frames report to nobody
  EXPECT_EQ(seen.raw_send_ok, 1u);         // reported as itself, not as a raw frame's report
  EXPECT_EQ(seen.rx_messages, 2u * PROMISC_ROUNDS + 1);  // the receiver's ESP-NOW dropped the raw data frame
}

TEST(Promiscuous, TheCallsErrorsAndSettingsAreEspIdfs) {
  espnow::SimAir air;
  auto chip = espnow::test::make_chip(air, chip_mac(PROMISC_SNIFFER));
  espnow::emul::ScopedChip use(chip.get());
  EXPECT_EQ(promisc_program_errors(), 0) << "line of promiscuous_program.c";
}
