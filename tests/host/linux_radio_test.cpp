// The Linux radio in its veth test mode: the whole stack (SoftLink, CCMP,
// ESPNow) over a veth pair, the BPF filter against mixed traffic, a capture
// replayed through the receive path, and the errors users see.
//
// Root only: the process moves into a network namespace of its own, so the
// veth pair it creates vanishes with it, whatever happens.
#include <gtest/gtest.h>
#include "support/expect.hpp"
#include "support/wait_for.hpp"
#include <pcap/pcap.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "espnow/wire/air_datagram.hpp"
#include "espnow/api/espnow.hpp"
#include "espnow/host/espnow_filter.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/host/linux_radio.hpp"
#include "espnow/wire/radiotap.hpp"
#include "espnow/link/soft_link.hpp"

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
    EXPECT_OK(esp.active(true));
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
  auto o = LinuxRadio::open(options(source, mode, mac));
  EXPECT_OK(o);
  return o.ok() ? std::move(o).value() : nullptr;
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
// Without the FCS flag the FCS is stripped first, as most drivers do.
std::vector<std::uint8_t> on_air(std::vector<std::uint8_t> frame, bool fcs_flag = true, std::uint8_t more_flags = 0) {
  wire::RadiotapFields f;
  f.has_flags = true, f.flags = static_cast<std::uint8_t>((fcs_flag ? wire::kRadiotapFlagFcs : 0) | more_flags);
  f.has_channel = true, f.channel_mhz = 2412, f.channel_flags = wire::kRadiotapChan2Ghz;
  std::vector<std::uint8_t> packet(wire::radiotap_size(f));
  wire::build_radiotap(f, packet);
  if (!fcs_flag) frame.resize(frame.size() - wire::kFcsLen);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}

// Radiotap without a Flags field in front of `frame`, as it is: what an
// injector that leaves its FCS in the frame hands the driver.
std::vector<std::uint8_t> without_flags(const std::vector<std::uint8_t>& frame) {
  wire::RadiotapFields f;
  f.has_channel = true, f.channel_mhz = 2412, f.channel_flags = wire::kRadiotapChan2Ghz;
  std::vector<std::uint8_t> packet(wire::radiotap_size(f));
  wire::build_radiotap(f, packet);
  packet.insert(packet.end(), frame.begin(), frame.end());
  return packet;
}

// Every packet on a veth end, as raw bytes: what a Linux radio really injected.
class RawTap {
 public:
  explicit RawTap(const char* iface) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_ = pcap_create(iface, err);
    EXPECT_NE(pcap_, nullptr) << err;
    pcap_set_immediate_mode(pcap_, 1);
    pcap_set_timeout(pcap_, 50);
    EXPECT_EQ(pcap_activate(pcap_), 0) << pcap_geterr(pcap_);
  }
  ~RawTap() { pcap_close(pcap_); }
  // The next packet whose radiotap header parses and whose frame starts with
  // frame control byte `fc0` (the kernel's own IPv6 chatter is skipped).
  std::optional<std::vector<std::uint8_t>> next(std::uint8_t fc0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      pcap_pkthdr* h = nullptr;
      const u_char* data = nullptr;
      if (pcap_next_ex(pcap_, &h, &data) != 1) continue;
      std::vector<std::uint8_t> packet(data, data + h->caplen);
      const auto rt = wire::parse_radiotap(packet);
      if (rt.usable() && packet.size() > rt.length && packet[rt.length] == fc0) return packet;
    }
    return std::nullopt;
  }

 private:
  pcap_t* pcap_ = nullptr;
};

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
    if (!m.ok() || !*m) break;
    got.emplace_back((*m)->msg.begin(), (*m)->msg.end());
  }
  return got;
}

class VethPair : public ::testing::Test {
 protected:
  std::unique_ptr<Station> a = station("lra", kA), b = station("lrb", kB);
};

TEST_F(VethPair, UnicastIsAcknowledgedInSoftwareAndArrivesOnce) {
  ASSERT_OK(a->esp.add_peer(kB));
  auto r = a->esp.send(kB, bytes("hello over veth"));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  auto m = b->esp.recv(2000);
  ASSERT_TRUE(m.ok() && *m);
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
  ASSERT_OK(a->esp.add_peer(MacAddress::broadcast()));
  auto r = a->esp.send(MacAddress::broadcast(), bytes("to everyone"));
  ASSERT_OK(r);
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
  ASSERT_OK(a->esp.add_peer(kB, {.lmk = kLmk}));
  ASSERT_OK(b->esp.add_peer(kA, {.lmk = kLmk}));
  auto r = a->esp.send(kB, bytes("secret message"));
  ASSERT_OK(r);
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
    ASSERT_OK(s->esp.active(false));
    ASSERT_OK(s->esp.config({.version = 2}));
    ASSERT_OK(s->esp.active(true));
  }
  ASSERT_OK(a->esp.add_peer(kB));
  std::vector<std::uint8_t> big(1470);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  auto r = a->esp.send(kB, big);
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  auto m = b->esp.recv(2000);
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->msg, big);
}

// SPEC §4 "Element length": a Linux injector hands the driver the frame
// without FCS and without the radiotap FCS flag; the driver appends the FCS.
// A frame with an FCS left in would be 4 bytes longer than its elements, and
// ESP32s on ESP-IDF >= 5.3.2 would silently drop it.
TEST_F(VethPair, InjectedFramesCarryNoFcsAndNoFcsFlag) {
  RawTap on_b("lrb"), on_a("lra");
  ASSERT_OK(a->esp.add_peer(kB));
  auto r = a->esp.send(kB, bytes("exactly this long"));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  const auto sent = on_b.next(wire::kFrameControlAction);
  ASSERT_TRUE(sent);
  const auto rt = wire::parse_radiotap(*sent);
  EXPECT_FALSE(rt.fields.has_flags && (rt.fields.flags & wire::kRadiotapFlagFcs));
  const auto frame = std::span<const std::uint8_t>(*sent).subspan(rt.length);
  std::vector<std::uint8_t> storage(wire::kMaxMessageV2);
  const auto d = wire::decode(frame, wire::Fcs::absent, storage);  // no FCS, nothing after the element
  ASSERT_TRUE(d.ok()) << wire::to_string(d.error);
  EXPECT_EQ(std::vector<std::uint8_t>(d.frame.message.begin(), d.frame.message.end()), bytes("exactly this long"));
  EXPECT_EQ(frame.size(), wire::frame_size(17) - wire::kFcsLen);
  // The test mode's software ACK goes out the same way: 10 bytes, no FCS.
  const auto ack = on_a.next(0xD4);
  ASSERT_TRUE(ack);
  const auto ack_rt = wire::parse_radiotap(*ack);
  EXPECT_EQ(ack->size() - ack_rt.length, wire::kAckFrameLen - wire::kFcsLen);
  EXPECT_FALSE(ack_rt.fields.has_flags && (ack_rt.fields.flags & wire::kRadiotapFlagFcs));
}

// The receiver's software ACK goes at the basic rate of the frame's
// modulation, as a card's does: 6 Mbps after a 54 Mbps frame, 1 Mbps after
// an 11 Mbps one (radiotap counts in 500 kbps).
TEST_F(VethPair, TheSoftwareAckGoesAtTheBasicRateOfTheFramesModulation) {
  RawTap on_a("lra");
  ASSERT_OK(a->esp.add_peer(kB));
  int before = -1;  // the rate of the ACKs before: a retry's late ACK may still come
  for (const auto& [rate, ack_500kbps] : {std::pair{RATE_54M, 12}, std::pair{RATE_11M, 2}}) {
    ASSERT_OK(a->esp.config({.rate = rate}));
    auto r = a->esp.send(kB, bytes("at a rate"));
    ASSERT_OK(r);
    EXPECT_TRUE(*r);
    std::optional<wire::RadiotapParse> rt;
    while (!rt || rt->fields.rate_500kbps == before) {
      const auto ack = on_a.next(0xD4);
      ASSERT_TRUE(ack) << "no ACK other than at " << before << " x 500 kbps";
      rt = wire::parse_radiotap(*ack);
      ASSERT_TRUE(rt->fields.has_rate);
    }
    EXPECT_EQ(rt->fields.rate_500kbps, ack_500kbps) << rate;
    before = ack_500kbps;
  }
}

TEST_F(VethPair, ASendToAnAbsentMacFailsAfterFiveRetries) {
  ASSERT_OK(a->esp.add_peer(kC));
  auto r = a->esp.send(kC, bytes("anyone?"));
  ASSERT_OK(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(a->radio->stats().retries, 5u);
  EXPECT_EQ(a->radio->stats().injected, 6u);
  EXPECT_EQ(a->radio->stats().unconfirmed, 0u);  // the test mode always can tell
  EXPECT_EQ(b->radio->stats().packets, 0u);      // B's filter kept C's frames in the kernel
}

TEST_F(VethPair, ARadioOnAnotherChannelHearsNothingUntilItComesBack) {
  ASSERT_OK(a->esp.add_peer(kB));
  ASSERT_FALSE(b->radio->set_channel(6));
  auto r = a->esp.send(kB, bytes("on channel 1"));
  ASSERT_OK(r);
  EXPECT_FALSE(*r);  // nobody on channel 1 ACKs it
  EXPECT_EQ(b->radio->stats().other_channel, 6u);
  ASSERT_FALSE(b->radio->set_channel(1));
  r = a->esp.send(kB, bytes("together again"));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(drain(b->esp, 1), std::vector<std::string>{"together again"});
}

// A listener may send from on_tx_done, as SoftLink's users do from their send
// callbacks: a broadcast with nothing queued is reported on the sending
// thread, here from inside the report before it. Every report comes, in order.
TEST(LinuxRadioTransmit, AListenerMaySendFromItsReportAndTheReportsKeepTheirOrder) {
  std::unique_ptr<LinuxRadio> radio = open_radio("lra", kC, LinuxRadioMode::veth_test);
  ASSERT_TRUE(radio);
  class Chain final : public RadioListener {
   public:
    explicit Chain(LinuxRadio& r) : radio_(r) {}
    void on_frame(std::span<const std::uint8_t>, const RxControl&) override {}
    void on_tx_done(const MacAddress&, bool acked) override {
      EXPECT_TRUE(acked);
      const int n = ++reports;
      if (n < 6) {
        EXPECT_FALSE(radio_.transmit(frame(n), PhyRate::r1m));  // the next, from inside this report
      }
    }
    static std::vector<std::uint8_t> frame(int n) {
      return espnow_frame(MacAddress::broadcast(), kC, "chain", static_cast<std::uint32_t>(n));
    }
    std::atomic<int> reports{0};

   private:
    LinuxRadio& radio_;
  } chain(*radio);
  radio->set_listener(&chain);
  ASSERT_FALSE(radio->transmit(Chain::frame(0), PhyRate::r1m));
  EXPECT_TRUE(espnow::test::wait_for([&] { return chain.reports == 6; }));
  radio->set_listener(nullptr);
  EXPECT_EQ(radio->stats().injected, 6u);
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

// An injector that left its FCS in the frame (and no FCS flag): on the air
// the frame is 4 bytes longer than its elements. ESP-IDF >= 5.3.2 drops it,
// and so does SoftLink, counting it malformed, so code tested here fails where a chip would.
TEST(LinuxRadioFilter, AFrameWithAnFcsLeftInIsMalformedAsOnEspIdf532) {
  Station b(open_radio("lrb", kB, LinuxRadioMode::veth_test));
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* raw = pcap_open_live("lra", 4096, 0, 10, err);
  ASSERT_NE(raw, nullptr) << err;
  for (const auto& packet : {without_flags(espnow_frame(kB, kA, "four bytes too long", 1)),
                             on_air(espnow_frame(kB, kA, "exact", 2), false)})
    ASSERT_EQ(pcap_inject(raw, packet.data(), packet.size()), static_cast<int>(packet.size()));
  EXPECT_EQ(drain(b.esp, 1), std::vector<std::string>{"exact"});  // in order: the first was looked at already
  pcap_close(raw);
  EXPECT_EQ(b.link.stats().rx_malformed, 1u);
  EXPECT_FALSE(*b.esp.any());
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
    auto opened = host::PcapWriter::open(path.string());
    ASSERT_OK(opened);
    host::PcapWriter& w = opened.value();
    std::int64_t t = 0;
    for (const Traffic& tr : mixed_traffic()) w.write(tr.packet, std::chrono::microseconds(t += 1000));
    auto bad = espnow_frame(kB, kA, "bad fcs", 10);
    bad.back() ^= 0xff;
    w.write(on_air(bad), std::chrono::microseconds(t += 1000));
    auto retry = espnow_frame(kB, kA, "ours-1", 2);
    wire::set_retry(retry, true);
    w.write(on_air(retry), std::chrono::microseconds(t += 1000));  // a MAC retry of ours-1: dropped
    w.write(on_air(espnow_frame(kB, kA, "ours-3 (driver stripped the FCS)", 11), false),
            std::chrono::microseconds(t += 1000));
    // The driver flagged a bad FCS (0x40) and stripped it: no FCS flag, still bad.
    w.write(on_air(espnow_frame(kB, kA, "flagged bad by the driver", 12), false, wire::kRadiotapFlagBadFcs),
            std::chrono::microseconds(t += 1000));
  }
  Station b(open_radio(path.string(), kB, LinuxRadioMode::replay));
  b.radio->wait_until_replayed();
  std::filesystem::remove(path);
  // The whole file went through: what is in the ring now is all there will be.
  EXPECT_EQ(drain(b.esp, 3), (std::vector<std::string>{"ours-1", "ours-2", "ours-3 (driver stripped the FCS)"}));
  EXPECT_FALSE(*b.esp.any());
  EXPECT_EQ(b.radio->stats().bad_fcs, 2u);
  EXPECT_EQ(b.radio->stats().packets, 6u);  // ours-1, ours-2 twice, the bad two, ours-3: the filter dropped the rest
}

std::filesystem::path temp_pcap(const char* name) {
  return std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".pcap");
}

// Link type 105: bare 802.11 frames, no radiotap header, no FCS.
TEST(LinuxRadioReplay, ABare80211CaptureIsReplayedToo) {
  const auto path = temp_pcap("espnow_replay_105_");
  {
    auto opened = host::PcapWriter::open(path.string(), host::kLinkTypeIeee80211);
    ASSERT_OK(opened);
    host::PcapWriter& w = opened.value();
    std::int64_t t = 0;
    for (auto frame : {beacon(), espnow_frame(kC, kA, "for C", 1), espnow_frame(kB, kA, "bare-1", 2),
                       espnow_frame(MacAddress::broadcast(), kA, "bare-2", 3)}) {
      frame.resize(frame.size() - wire::kFcsLen);
      w.write(frame, std::chrono::microseconds(t += 1000));
    }
  }
  Station b(open_radio(path.string(), kB, LinuxRadioMode::replay));
  b.radio->wait_until_replayed();
  std::filesystem::remove(path);
  EXPECT_EQ(drain(b.esp, 2), (std::vector<std::string>{"bare-1", "bare-2"}));
  EXPECT_FALSE(*b.esp.any());
  EXPECT_EQ(b.radio->stats().malformed, 0u);
}

TEST(LinuxRadioReplay, ACaptureOfAnotherLinkTypeIsRefusedByName) {
  const auto path = temp_pcap("espnow_replay_ethernet_");
  ASSERT_OK(host::PcapWriter::open(path.string(), 1));  // Ethernet: an empty capture
  const auto o = LinuxRadio::open(options(path.string(), LinuxRadioMode::replay, kB));
  std::filesystem::remove(path);
  EXPECT_FALSE(o.ok());
  EXPECT_NE(o.detail().find("link type 1, expected 127 (radiotap) or 105 (802.11)"), std::string::npos) << o.detail();
}

TEST(LinuxRadioErrors, AMissingInterfaceIsNamed) {
  const auto o = LinuxRadio::open(options("nosuch0", LinuxRadioMode::monitor));
  EXPECT_ERR(o, host::host_errc::no_interface);
  EXPECT_NE(o.detail().find("no interface 'nosuch0'"), std::string::npos) << o.detail();
  EXPECT_NE(o.detail().find("ip link"), std::string::npos) << o.detail();
}

TEST(LinuxRadioErrors, AVethEndIsNotAWifiInterfaceAndGetsNoIwAdvice) {
  const auto o = LinuxRadio::open(options("lra", LinuxRadioMode::monitor));
  EXPECT_ERR(o, host::host_errc::not_wireless);
  EXPECT_EQ(error_name(o.error()), "HOST_NOT_WIRELESS");
  EXPECT_NE(o.detail().find("lra is not a Wi-Fi interface (link type EN10MB (1)"), std::string::npos) << o.detail();
  EXPECT_EQ(o.detail().find("set type monitor"), std::string::npos) << o.detail();
  EXPECT_NE(o.detail().find("linux-test:lra"), std::string::npos) << o.detail();
}

TEST(LinuxRadioErrors, AnUnreadableCaptureIsNamed) {
  const auto o = LinuxRadio::open(options("/nonexistent.pcap", LinuxRadioMode::replay, kB));
  EXPECT_ERR(o, host::host_errc::pcap);
  EXPECT_NE(o.detail().find("cannot read /nonexistent.pcap"), std::string::npos) << o.detail();
}

}  // namespace
