// nl80211 queries and their errors. No Wi-Fi card is needed: the error paths
// are what a host without one (a CI runner, a container) takes.
#include <gtest/gtest.h>

#include <string>

#include "espnow/host/host_errors.hpp"
#include "espnow/host/nl80211.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace espnow::host;

TEST(Nl80211, AMissingInterfaceIsNamed) {
  const auto w = query_wifi_interface("nosuch0");
  EXPECT_ERR(w, host_errc::no_interface);
  EXPECT_EQ(w.detail(), "no interface 'nosuch0'");
}

TEST(Nl80211, TheLoopbackIsNoWifiInterface) {
  const auto w = query_wifi_interface("lo");
  ASSERT_FALSE(w.ok());
  // not_wireless where the kernel has nl80211; nl80211 itself where it has no Wi-Fi driver at all.
  if (w.error() == host_errc::not_wireless)
    EXPECT_NE(w.detail().find("'lo' is not a Wi-Fi interface (nl80211: "), std::string::npos) << w.detail();
  else
    EXPECT_ERR(w, host_errc::nl80211);
}

TEST(Nl80211, SettingAChannelChecksTheChannelThenTheInterface) {
  EXPECT_ERR(set_wifi_channel("lo", 15), errc::arg);
  const auto r = set_wifi_channel("nosuch0", 6);
  EXPECT_ERR(r, host_errc::no_interface);
  EXPECT_EQ(r.detail(), "no interface 'nosuch0'");
}
