// SoftLink over a radio whose reports the test times (ScriptedRadio).
#include <gtest/gtest.h>

#include "support/scripted_radio.hpp"
#include "support/expect.hpp"
#include "espnow/api/espnow.hpp"
#include "espnow/link/soft_link.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac;
constexpr MacAddress kB = "02:00:00:00:00:0b"_mac;

class SoftLinkReports : public ::testing::Test {
 protected:
  SoftLinkReports() {
    EXPECT_OK(e.active(true));
    EXPECT_OK(e.add_peer(kB));
  }
  test::ScriptedRadio radio{kA};
  SoftLink link{radio};
  ESPNow e{link};
};

}  // namespace

TEST_F(SoftLinkReports, ReportsOfFramesQueuedBeforeDeactivationNeverReachTheNextActivation) {
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(*e.send(kB, bytes("old"), false));
  ASSERT_EQ(radio.queued(), 2u);
  ASSERT_OK(e.active(false));  // the two sends count as failed responses now
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kB));

  SendTicket ticket;
  ASSERT_OK(e.start_send(&kB, bytes("new"), ticket));
  ASSERT_TRUE(radio.report_next(false));  // the old activation's frames fail late
  ASSERT_TRUE(radio.report_next(false));
  EXPECT_FALSE(ticket.done) << "a stale report completed the new activation's send";
  ASSERT_TRUE(radio.report_next(true));   // the new frame is acknowledged
  EXPECT_TRUE(ticket.done);
  EXPECT_FALSE(ticket.failed);
  const Stats s = e.stats();
  EXPECT_EQ(s.tx_pkts, 3u);
  EXPECT_EQ(s.tx_responses, 3u);  // not 5: the late reports are not counted twice
  EXPECT_EQ(s.tx_failures, 2u);
}

TEST_F(SoftLinkReports, NoReportReachesADeinitializedLink) {
  ASSERT_TRUE(*e.send(kB, bytes("x"), false));
  ASSERT_OK(e.active(false));
  ASSERT_TRUE(radio.report_next(true));
  EXPECT_EQ(e.stats().tx_responses, 1u);  // the one fail_all_pending counted
  EXPECT_EQ(e.stats().tx_failures, 1u);
}
