#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "espnow/host/host_errors.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/wire/radiotap.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace espnow::host;

TEST(Pcap, WritesAndReadsRadiotapPackets) {
  const auto path = (std::filesystem::temp_directory_path() / "espnow_pcap_test.pcap").string();
  std::vector<std::vector<std::uint8_t>> written;
  {
    auto opened = PcapWriter::open(path);
    ASSERT_OK(opened);
    PcapWriter& w = opened.value();
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
  auto opened = PcapReader::open(path);
  ASSERT_OK(opened);
  PcapReader& r = opened.value();
  EXPECT_EQ(r.link_type(), kLinkTypeRadiotap);
  CapturedPacket p;
  for (std::size_t i = 0; i < written.size(); ++i) {
    const Result<bool> got = r.next(p);
    ASSERT_OK(got);
    ASSERT_TRUE(got.value());
    EXPECT_EQ(p.bytes, written[i]);
    EXPECT_EQ(p.timestamp.count(), static_cast<long>(1000 * i));
  }
  const Result<bool> end = r.next(p);
  ASSERT_OK(end);
  EXPECT_FALSE(end.value());  // the end of the file is no error
  std::filesystem::remove(path);
}

TEST(Pcap, AMovedWriterKeepsWritingToTheSameFile) {
  const auto path = (std::filesystem::temp_directory_path() / "espnow_pcap_moved.pcap").string();
  {
    auto opened = PcapWriter::open(path);
    ASSERT_OK(opened);
    PcapWriter w = std::move(opened).value();
    const std::uint8_t packet[] = {1, 2, 3};
    w.write(packet, std::chrono::microseconds(5));
  }
  auto r = PcapReader::open(path);
  ASSERT_OK(r);
  PcapReader reader = std::move(r).value();
  CapturedPacket p;
  EXPECT_TRUE(reader.next(p).value());
  EXPECT_EQ(p.bytes, (std::vector<std::uint8_t>{1, 2, 3}));
  std::filesystem::remove(path);
}

TEST(Pcap, ReportsUnreadableAndUnwritableFiles) {
  const auto r = PcapReader::open("/nonexistent/espnow.pcap");
  EXPECT_ERR(r, host_errc::pcap);
  EXPECT_NE(r.detail().find("cannot read /nonexistent/espnow.pcap: "), std::string::npos) << r.detail();
  const auto w = PcapWriter::open("/nonexistent/dir/out.pcap");
  EXPECT_ERR(w, host_errc::pcap);
  EXPECT_NE(w.detail().find("cannot write /nonexistent/dir/out.pcap: "), std::string::npos) << w.detail();
}

TEST(Pcap, AFileThatIsNotACaptureIsRefusedWhenOpened) {
  const auto path = (std::filesystem::temp_directory_path() / "espnow_pcap_not_a_capture.pcap").string();
  { std::ofstream(path) << "not a capture at all, just some text\n"; }
  const auto r = PcapReader::open(path);
  EXPECT_ERR(r, host_errc::pcap);
  EXPECT_NE(r.detail().find("cannot read " + path + ": "), std::string::npos) << r.detail();
  std::filesystem::remove(path);
}

TEST(Pcap, ATruncatedPacketIsAReadErrorNotTheEnd) {
  const auto path = (std::filesystem::temp_directory_path() / "espnow_pcap_truncated.pcap").string();
  {
    auto w = PcapWriter::open(path);
    ASSERT_OK(w);
    const std::vector<std::uint8_t> packet(100, 0xab);
    w->write(packet, std::chrono::microseconds(1));
    w->write(packet, std::chrono::microseconds(2));
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 50);  // the second packet ends early
  auto r = PcapReader::open(path);
  ASSERT_OK(r);
  CapturedPacket p;
  const Result<bool> first = r->next(p);
  ASSERT_OK(first);
  EXPECT_TRUE(first.value());
  const Result<bool> second = r->next(p);
  EXPECT_ERR(second, host_errc::pcap);
  EXPECT_FALSE(second.detail().empty());
  std::filesystem::remove(path);
}
