// hear(): the delivery rules the instant air and the UDP air share, in their
// order: addressed to the radio, heard (channel, long range, sensitivity),
// spared by the loss probability.
#include <gtest/gtest.h>

#include "espnow/radio/sim_air.hpp"

using namespace espnow;
using Outcome = Hearing::Outcome;

namespace {

const MacAddress kTx{{0x02, 0, 0, 0, 0, 0x01}};
const MacAddress kRx{{0x02, 0, 0, 0, 0, 0x10}};
const MacAddress kRxAp{{0x02, 0, 0, 0, 0, 0x11}};  // the default AP MAC: the STA's + 1
const MacAddress kOther{{0x02, 0, 0, 0, 0, 0x20}};
const MacAddress kBroadcast{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};
const MacAddress kMulticast{{0x01, 0x00, 0x5E, 0, 0, 0x01}};

struct OneReceiver {
  SimAir air;
  SimRadio& rx = **air.add_radio({.mac = kRx, .position = {10, 0}});
  Transmitter tx{kTx, {0, 0}, 20.0, 1};
  LossModel no_loss{1, 0.0};
  Outcome hear_at(const MacAddress& dst, PhyRate rate = PhyRate::r1m) {
    return hear(rx, tx, dst, rate, PathLoss{}, no_loss).outcome;
  }
};

}  // namespace

TEST(Hearing, AFrameReachesItsOwnersActiveInterfacesAndBroadcastOnly) {
  OneReceiver r;
  EXPECT_EQ(r.hear_at(kRx), Outcome::heard);
  EXPECT_EQ(r.hear_at(kBroadcast), Outcome::heard);
  EXPECT_EQ(r.hear_at(kOther), Outcome::not_addressed);
  EXPECT_EQ(r.hear_at(kMulticast), Outcome::not_addressed);  // no interface owns another group address
  EXPECT_EQ(r.hear_at(kRxAp), Outcome::not_addressed);       // the AP interface is off
  r.rx.set_active(Interface::ap, true);
  EXPECT_EQ(r.hear_at(kRxAp), Outcome::heard);
  r.rx.set_active(Interface::sta, false);
  EXPECT_EQ(r.hear_at(kRx), Outcome::not_addressed);
  r.rx.set_active(Interface::ap, false);
  EXPECT_EQ(r.hear_at(kBroadcast), Outcome::not_addressed);  // nothing listens
}

TEST(Hearing, ItsRssiComesFromThePathLossAndChannelRangeAndRateDecide) {
  OneReceiver r;
  const Hearing h = hear(r.rx, r.tx, kRx, PhyRate::r1m, PathLoss{}, r.no_loss);
  EXPECT_EQ(h.rssi_dbm, rssi_dbm(PathLoss{}, {0, 0}, {10, 0}, 20.0));
  ASSERT_FALSE(r.rx.set_channel(6));
  EXPECT_EQ(r.hear_at(kRx), Outcome::not_heard);
  ASSERT_FALSE(r.rx.set_channel(1));
  EXPECT_EQ(r.hear_at(kRx, PhyRate::lora_250k), Outcome::not_heard);  // not a long-range radio
  r.rx.set_position({5000, 0});
  EXPECT_EQ(r.hear_at(kRx), Outcome::too_weak);
}

TEST(Hearing, TheLossProbabilityComesLast) {
  OneReceiver r;
  LossModel all_lost{1, 1.0};
  EXPECT_EQ(hear(r.rx, r.tx, kRx, PhyRate::r1m, PathLoss{}, all_lost).outcome, Outcome::lost);
  EXPECT_EQ(hear(r.rx, r.tx, kOther, PhyRate::r1m, PathLoss{}, all_lost).outcome, Outcome::not_addressed);
  r.rx.set_position({5000, 0});
  EXPECT_EQ(hear(r.rx, r.tx, kRx, PhyRate::r1m, PathLoss{}, all_lost).outcome, Outcome::too_weak);
}

TEST(Hearing, APromiscuousRadioHearsEveryAddressEvenWithNoInterfaceActive) {
  OneReceiver r;
  r.rx.set_promiscuous(true);
  EXPECT_EQ(r.hear_at(kOther), Outcome::heard);
  EXPECT_EQ(r.hear_at(kMulticast), Outcome::heard);
  r.rx.set_active(Interface::sta, false);  // WIFI_MODE_NULL: a sniffer still hears
  EXPECT_EQ(r.hear_at(kBroadcast), Outcome::heard);
  EXPECT_FALSE(r.rx.owns(kOther));  // hearing is not owning: no ACK for it
  ASSERT_FALSE(r.rx.set_channel(6));
  EXPECT_EQ(r.hear_at(kOther), Outcome::not_heard);  // its channel only
  r.rx.set_promiscuous(false);
  ASSERT_FALSE(r.rx.set_channel(1));
  EXPECT_EQ(r.hear_at(kOther), Outcome::not_addressed);
}
