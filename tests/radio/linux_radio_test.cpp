// The Linux radio in its veth test mode: the whole stack (SoftLink, CCMP,
// ESPNow) over a veth pair, the BPF filter against mixed traffic, a capture
// replayed through the receive path, and the errors users see.
//
// Root only: the process moves into a network namespace of its own, so the
// veth pair it creates vanishes with it, whatever happens.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "espnow/air_datagram.hpp"
#include "espnow/espnow.hpp"
#include "espnow/host/espnow_filter.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/linux_radio.hpp"
#include "espnow/radiotap.hpp"
#include "espnow/soft_link.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac, kB = "02:00:00:00:00:0b"_mac, kC = "02:00:00:00:00:0c"_mac;
const std::vector<std::uint8_t> kLmk = {'l', 'o', 'c', 'a', 'l', '-', 'm', 'a', 's', 't', 'e', 'r', '-', 'k', 'e', 'y'};

class PrivateNetwork : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0) << "the Linux radio tests build a network namespace: run them as root (make test, CI)";
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << std::strerror(errno);
    ASSERT_EQ(std::system("ip link add lra mtu 2304 type veth peer name lrb mtu 2304 && ip link set lra up && ip link set lrb up"), 0);
  }
};
const auto* const kNetwork = ::testing::AddGlobalTestEnvironment(new PrivateNetwork);

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// A device: the Linux radio in test mode, SoftLink and ESPNow.
struct Station {
  explicit Station(std::unique_ptr<LinuxRadio> r) : radio(std::move(r)), link(*radio), esp(link) {
    EXPECT_FALSE(esp.active(true));
  }
  std::unique_ptr<LinuxRadio> radio;
  SoftLink link;
  ESPNow esp;
};

LinuxRadioOptions options(const std::string& source, LinuxRadioMode mode, std::optional<MacAddress> mac = {}) {
  LinuxRadioOptions o;
  o.source = source, o.mode = mode, o.mac = mac;
  return o;
}

std::unique_ptr<LinuxRadio> open_radio(const std::string& source, MacAddress mac, LinuxRadioMode mode) {
  LinuxRadio::Opened o = LinuxRadio::open(options(source, mode, mac));
  EXPECT_EQ(o.error, "");
  return std::move(o.radio);
}

std::unique_ptr<Station> station(const char* iface, MacAddress mac) {
  return std::make_unique<Station>(open_radio(iface, mac, LinuxRadioMode::veth_test));
}

std::vector<std::uint8_t> espnow_frame(MacAddress dst, MacAddress src, std::string_view text, std::uint32_t random) {
  std::vector<std::uint8_t> out(wire::kMaxFrameSize);
  const auto m = bytes(text);
  const auto r = wire::encode({.dst = dst, .src = src, .sequence = 7, .random = random}, m, out);
  out.resize(r.size);
  return out;
}

// Radiotap (flags: FCS at the end, channel 1) in front of a frame that carries its FCS.
std::vector<std::uint8_t> on_air(std::vector<std::uint8_t> frame, bool fcs_flag = true) {
  wire::RadiotapFields f;
  f.has_flags = true, f.flags = fcs_flag ? wire::kRadiotapFlagFcs : std::uint8_t{0};
  f.has_channel = true, f.channel_mhz = 2412, f.channel_flags = wire::kRadiotapChan2Ghz;
  std::vector<std::uint8_t> packet(wire::radiotap_size(f));
  wire::build_radiotap(f, packet);
  if (!fcs_flag) frame.resize(frame.size() - wire::kFcsLen);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}

std::vector<std::uint8_t> with_fcs(std::vector<std::uint8_t> frame) {
  frame.resize(frame.size() + wire::kFcsLen);
  wire::write_fcs(frame);
  return frame;
}

std::vector<std::uint8_t> beacon() {
  std::vector<std::uint8_t> f = {0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x99,
                                 0x02, 0, 0, 0, 0, 0x99, 0, 0};
  f.insert(f.end(), {0, 0, 0, 0, 0, 0, 0, 0, 0x64, 0, 0x01, 0x04, 0, 4, 'h', 'o', 'm', 'e'});
  return with_fcs(f);
}

std::vector<std::uint8_t> data_frame_to(MacAddress dst) {
  std::vector<std::uint8_t> f = {0x08, 0x01, 0, 0};
  f.insert(f.end(), dst.bytes.begin(), dst.bytes.end());
  f.insert(f.end(), {0x02, 0, 0, 0, 0, 0x98, 0x02, 0, 0, 0, 0, 0x98, 0x10, 0, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0});
  return with_fcs(f);
}

// An action frame of another vendor (OUI 00:11:22), shaped like ESP-NOW.
std::vector<std::uint8_t> other_vendor_to(MacAddress dst) {
  auto f = espnow_frame(dst, kA, "not espressif", 5);
  f[25] = 0x00, f[26] = 0x11, f[27] = 0x22;
  wire::write_fcs(f);
  return f;
}

struct Traffic {
  const char* what;
  std::vector<std::uint8_t> packet;
  bool for_b;  // what B's filter lets through
};

// Mixed traffic as B's radio could hear it; B's messages are "ours-*".
std::vector<Traffic> mixed_traffic() {
  std::array<std::uint8_t, wire::kAckFrameLen> ack;
  wire::encode_ack(kC, ack);
  return {{"beacon", on_air(beacon()), false},
          {"data frame to B", on_air(data_frame_to(kB)), false},
          {"ESP-NOW for C", on_air(espnow_frame(kC, kA, "for C", 1)), false},
          {"another vendor's action frame to B", on_air(other_vendor_to(kB)), false},
          {"ACK to C", on_air({ack.begin(), ack.end()}), false},
          {"ESP-NOW for B", on_air(espnow_frame(kB, kA, "ours-1", 2)), true},
          {"ESP-NOW broadcast", on_air(espnow_frame(MacAddress::broadcast(), kA, "ours-2", 3)), true}};
}

std::vector<std::string> drain(ESPNow& e, std::size_t expected) {
  std::vector<std::string> got;
  while (got.size() < expected) {
    auto m = e.recv(2000);
    if (!m || !*m) break;
    got.emplace_back((*m)->msg.begin(), (*m)->msg.end());
  }
  return got;
}

class VethPair : public ::testing::Test {
 protected:
  std::unique_ptr<Station> a = station("lra", kA), b = station("lrb", kB);
};

TEST_F(VethPair, UnicastIsAcknowledgedInSoftwareAndArrivesOnce) {
  ASSERT_FALSE(a->esp.add_peer(kB));
  auto r = a->esp.send(kB, bytes("hello over veth"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  auto m = b->esp.recv(2000);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->mac, kA);
  EXPECT_EQ((*m)->msg, bytes("hello over veth"));
  // Usually no retry; a loaded machine (or a sanitizer) can hold an ACK past
  // the 25 ms timeout, and then the retry must still arrive only once.
  EXPECT_GE(b->radio->stats().acks_sent, 1u);
  EXPECT_GE(a->radio->stats().acks_received, 1u);
  EXPECT_LE(a->radio->stats().retries, 5u);
  EXPECT_FALSE(*b->esp.any());  // exactly once
}

TEST_F(VethPair, BroadcastArrivesAndIsNeverAcknowledged) {
  ASSERT_FALSE(a->esp.add_peer(MacAddress::broadcast()));
  auto r = a->esp.send(MacAddress::broadcast(), bytes("to everyone"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(drain(b->esp, 1), std::vector<std::string>{"to everyone"});
  EXPECT_EQ(b->radio->stats().acks_sent, 0u);
}

TEST_F(VethPair, EncryptedUnicastIsCiphertextOnTheWireAndPlainAtTheReceiver) {
  std::mutex m;
  std::vector<std::vector<std::uint8_t>> wire_frames;
  b->radio->set_monitor([&](const MonitoredFrame& f) {
    std::lock_guard lk(m);
    wire_frames.emplace_back(f.frame.begin(), f.frame.end());
  });
  ASSERT_FALSE(a->esp.add_peer(kB, {.lmk = kLmk}));
  ASSERT_FALSE(b->esp.add_peer(kA, {.lmk = kLmk}));
  auto r = a->esp.send(kB, bytes("secret message"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(drain(b->esp, 1), std::vector<std::string>{"secret message"});
  b->radio->set_monitor({});
  ASSERT_FALSE(wire_frames.empty());
  const auto& f = wire_frames.front();
  EXPECT_EQ(f[1] & wire::kFlagProtected, wire::kFlagProtected);
  const std::string seen(f.begin(), f.end());
  EXPECT_EQ(seen.find("secret"), std::string::npos);
}

TEST_F(VethPair, V2MessagesOf1470BytesArriveWhole) {
  for (Station* s : {a.get(), b.get()}) {  // the ring is sized for v2 at active(True)
    ASSERT_FALSE(s->esp.active(false));
    ASSERT_FALSE(s->esp.config({.version = 2}));
    ASSERT_FALSE(s->esp.active(true));
  }
  ASSERT_FALSE(a->esp.add_peer(kB));
  std::vector<std::uint8_t> big(1470);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  auto r = a->esp.send(kB, big);
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  auto m = b->esp.recv(2000);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->msg, big);
}

TEST_F(VethPair, ASendToAnAbsentMacFailsAfterFiveRetries) {
  ASSERT_FALSE(a->esp.add_peer(kC));
  auto r = a->esp.send(kC, bytes("anyone?"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(a->radio->stats().retries, 5u);
  EXPECT_EQ(a->radio->stats().injected, 6u);
  EXPECT_EQ(a->radio->stats().unconfirmed, 0u);  // the test mode always can tell
  EXPECT_EQ(b->radio->stats().packets, 0u);      // B's filter kept C's frames in the kernel
}

TEST_F(VethPair, ARadioOnAnotherChannelHearsNothingUntilItComesBack) {
  ASSERT_FALSE(a->esp.add_peer(kB));
  ASSERT_FALSE(b->radio->set_channel(6));
  auto r = a->esp.send(kB, bytes("on channel 1"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);  // nobody on channel 1 ACKs it
  EXPECT_EQ(b->radio->stats().other_channel, 6u);
  ASSERT_FALSE(b->radio->set_channel(1));
  r = a->esp.send(kB, bytes("together again"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(drain(b->esp, 1), std::vector<std::string>{"together again"});
}

// Raw packets injected on lra, as any program could: only B's reach B's stack.
TEST(LinuxRadioFilter, TheKernelFilterPassesOnlyOurEspNowFrames) {
  Station b(open_radio("lrb", kB, LinuxRadioMode::veth_test));
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* raw = pcap_open_live("lra", 4096, 0, 10, err);
  ASSERT_NE(raw, nullptr) << err;
  for (const Traffic& t : mixed_traffic())
    ASSERT_EQ(pcap_inject(raw, t.packet.data(), t.packet.size()), static_cast<int>(t.packet.size())) << t.what;
  EXPECT_EQ(drain(b.esp, 2), (std::vector<std::string>{"ours-1", "ours-2"}));
  pcap_close(raw);
  EXPECT_EQ(b.radio->stats().packets, 2u);  // the five others never left the kernel
}

// The filter expression itself, run by libpcap on both link types.
TEST(LinuxRadioFilter, TheExpressionKeepsExactlyOurFramesOnBothLinkTypes) {
  for (auto [link, dlt] : {std::pair{host::FilterLink::radiotap, DLT_IEEE802_11_RADIO},
                           std::pair{host::FilterLink::radiotap_in_ethernet, DLT_EN10MB}}) {
    const std::string expr = host::espnow_filter(link, host::FilterScope::device, kB);
    pcap_t* dead = pcap_open_dead(dlt, 4096);
    bpf_program prog{};
    ASSERT_EQ(pcap_compile(dead, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN), 0) << pcap_geterr(dead) << ": " << expr;
    for (const Traffic& t : mixed_traffic()) {
      pcap_pkthdr h{};
      h.caplen = h.len = static_cast<bpf_u_int32>(t.packet.size());
      EXPECT_EQ(pcap_offline_filter(&prog, &h, t.packet.data()) != 0, t.for_b) << t.what << " on link type " << dlt;
    }
    pcap_freecode(&prog);
    pcap_close(dead);
  }
}

// A capture of mixed traffic through the very receive path of a live radio.
TEST(LinuxRadioReplay, ExactlyOurMessagesComeOutOfAMixedCapture) {
  const auto path = std::filesystem::temp_directory_path() / ("espnow_replay_" + std::to_string(::getpid()) + ".pcap");
  {
    host::PcapWriter w(path.string());
    ASSERT_TRUE(w.ok()) << w.error();
    std::int64_t t = 0;
    for (const Traffic& tr : mixed_traffic()) w.write(tr.packet, std::chrono::microseconds(t += 1000));
    auto bad = espnow_frame(kB, kA, "bad fcs", 10);
    bad.back() ^= 0xff;
    w.write(on_air(bad), std::chrono::microseconds(t += 1000));
    auto retry = espnow_frame(MacAddress::broadcast(), kA, "ours-2", 3);
    wire::set_retry(retry, true);
    w.write(on_air(retry), std::chrono::microseconds(t += 1000));  // a MAC retry of ours-2: dropped
    w.write(on_air(espnow_frame(kB, kA, "ours-3 (driver stripped the FCS)", 11), false),
            std::chrono::microseconds(t += 1000));
  }
  Station b(open_radio(path.string(), kB, LinuxRadioMode::replay));
  b.radio->wait_until_replayed();
  std::filesystem::remove(path);
  // The whole file went through: what is in the ring now is all there will be.
  EXPECT_EQ(drain(b.esp, 3), (std::vector<std::string>{"ours-1", "ours-2", "ours-3 (driver stripped the FCS)"}));
  EXPECT_FALSE(*b.esp.any());
  EXPECT_EQ(b.radio->stats().bad_fcs, 1u);
  EXPECT_EQ(b.radio->stats().packets, 5u);  // ours-1, ours-2 twice, bad fcs, ours-3: the filter dropped the rest
}

TEST(LinuxRadioErrors, AMissingInterfaceIsNamed) {
  const auto o = LinuxRadio::open(options("nosuch0", LinuxRadioMode::monitor));
  EXPECT_EQ(o.radio, nullptr);
  EXPECT_NE(o.error.find("no interface 'nosuch0'"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("ip link"), std::string::npos) << o.error;
}

TEST(LinuxRadioErrors, AVethEndIsNotAMonitorInterfaceAndTheMessageSaysHowToFixIt) {
  const auto o = LinuxRadio::open(options("lra", LinuxRadioMode::monitor));
  EXPECT_EQ(o.radio, nullptr);
  EXPECT_NE(o.error.find("not a Wi-Fi interface in monitor mode"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("iw dev lra set type monitor"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("linux-test:lra"), std::string::npos) << o.error;
}

TEST(LinuxRadioErrors, AnUnreadableCaptureIsNamed) {
  LinuxRadio::Opened o = LinuxRadio::open(options("/nonexistent.pcap", LinuxRadioMode::replay, kB));
  EXPECT_EQ(o.radio, nullptr);
  EXPECT_NE(o.error.find("cannot read /nonexistent.pcap"), std::string::npos) << o.error;
}

}  // namespace
