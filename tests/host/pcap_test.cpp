#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "espnow/wire/frame.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/wire/radiotap.hpp"

using namespace espnow;
using namespace espnow::host;

TEST(Pcap, WritesAndReadsRadiotapPackets) {
  const auto path = (std::filesystem::temp_directory_path() / "espnow_pcap_test.pcap").string();
  std::vector<std::vector<std::uint8_t>> written;
  {
    PcapWriter w(path);
    ASSERT_TRUE(w.ok()) << w.error();
    for (std::uint16_t seq = 0; seq < 3; ++seq) {
      std::vector<std::uint8_t> pkt(64 + wire::kMaxFrameSize);
      wire::RadiotapFields f;
      f.has_flags = true, f.flags = wire::kRadiotapFlagFcs;
      const std::size_t rt = wire::build_radiotap(f, pkt);
      const std::uint8_t msg[] = {1, 2, 3};
      const auto r = wire::encode({.dst = MacAddress::broadcast(), .src = {}, .sequence = seq}, msg,
                                  std::span(pkt).subspan(rt));
      pkt.resize(rt + r.size);
      w.write(pkt, std::chrono::microseconds(1000 * seq));
      written.push_back(pkt);
    }
  }
  PcapReader r(path);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.link_type(), kLinkTypeRadiotap);
  CapturedPacket p;
  for (std::size_t i = 0; i < written.size(); ++i) {
    ASSERT_TRUE(r.next(p));
    EXPECT_EQ(p.bytes, written[i]);
    EXPECT_EQ(p.timestamp.count(), static_cast<long>(1000 * i));
  }
  EXPECT_FALSE(r.next(p));
  std::filesystem::remove(path);
}

TEST(Pcap, ReportsUnreadableAndUnwritableFiles) {
  PcapReader r("/nonexistent/espnow.pcap");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error().find("/nonexistent/espnow.pcap"), std::string::npos);
  PcapWriter w("/nonexistent/dir/out.pcap");
  EXPECT_FALSE(w.ok());
  EXPECT_NE(w.error().find("cannot write"), std::string::npos);
}
