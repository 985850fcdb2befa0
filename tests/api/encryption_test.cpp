// Encrypted peers through SoftLink and ESPNow: what gets through, what is
// dropped and counted, and what the air shows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/scripted_radio.hpp"
#include "support/expect.hpp"
#include "espnow/wire/ccmp.hpp"
#include "espnow/host/pcap_file.hpp"
#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac, kB = "02:00:00:00:00:0b"_mac, kC = "02:00:00:00:00:0c"_mac;
const Key kLmk = {'l', 'o', 'c', 'a', 'l', '-', 'm', 'a', 's', 't', 'e', 'r', '-', 'k', 'e', 'y'};

class Encryption : public ::testing::Test {
 protected:
  Encryption() {
    lb.register_recv_cb([](void* self, const RecvInfo&, std::span<const std::uint8_t> m) {
      static_cast<Encryption*>(self)->got.emplace_back(m.begin(), m.end());
    }, this);
    EXPECT_FALSE(la.init());
    EXPECT_FALSE(lb.init());
    EXPECT_OK(la.add_peer({.mac = kB, .lmk = kLmk, .encrypt = true}));
    EXPECT_OK(lb.add_peer({.mac = kA, .lmk = kLmk, .encrypt = true}));
  }
  std::vector<std::uint8_t> send(std::string_view text) {
    EXPECT_FALSE(la.send(&kB, bytes(text)));
    return ra.sent.back();
  }
  test::ScriptedRadio ra{kA, true}, rb{kB, true};
  SoftLink la{ra}, lb{rb};
  std::vector<std::string> got;
};

bool contains(const std::vector<std::uint8_t>& hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

}  // namespace

TEST_F(Encryption, AnEncryptedPairExchangesMessages) {
  const auto frame = send("secret message");
  EXPECT_EQ(frame[1], 0x40);  // Protected
  rb.deliver(frame);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "secret message");
}

TEST_F(Encryption, FramesOnTheAirCarryNoPlaintextAndACaptureShowsNone) {
  const auto frame = send("do not show this");
  EXPECT_FALSE(contains(frame, "do not show this"));
  const auto path = (std::filesystem::temp_directory_path() / "espnow_encrypted.pcap").string();
  {
    auto w = host::PcapWriter::open(path);
    ASSERT_OK(w);
    w->write(frame, std::chrono::microseconds(0));
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), {});
  EXPECT_GT(file.size(), frame.size());
  EXPECT_FALSE(contains(file, "do not show this"));
  std::filesystem::remove(path);
}

TEST_F(Encryption, ThePacketNumberIncreasesPerFrame) {
  std::uint64_t pn1 = 0, pn2 = 0, pn3 = 0;
  ASSERT_TRUE(wire::read_pn(send("1"), pn1));
  ASSERT_TRUE(wire::read_pn(send("2"), pn2));
  ASSERT_TRUE(wire::read_pn(send("3"), pn3));
  EXPECT_LT(pn1, pn2);
  EXPECT_LT(pn2, pn3);
}

TEST_F(Encryption, AFlippedCiphertextBitIsDroppedAsAMicFailure) {
  auto frame = send("payload");
  frame[wire::kHeaderLen + wire::kCcmpHeaderLen + 2] ^= 1;
  rb.deliver(frame);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(lb.stats().rx_mic_failures, 1u);
}

TEST_F(Encryption, AFlippedMicBitIsDroppedAsAMicFailure) {
  auto frame = send("payload");
  frame[frame.size() - wire::kFcsLen - 2] ^= 4;
  rb.deliver(frame);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(lb.stats().rx_mic_failures, 1u);
}

TEST_F(Encryption, AWrongLmkIsDroppedAsAMicFailure) {
  Key other = kLmk;
  other[0] ^= 1;
  ASSERT_OK(lb.mod_peer({.mac = kA, .lmk = other, .encrypt = true}));
  rb.deliver(send("payload"));
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(lb.stats().rx_mic_failures, 1u);
}

TEST_F(Encryption, AWrongPmkIsDroppedAsAMicFailure) {
  const std::uint8_t pmk[16] = {'a', 'n', 'o', 't', 'h', 'e', 'r', ' ', 'p', 'm', 'k', '.', '.', '.', '.', '.'};
  ASSERT_OK(lb.set_pmk(pmk));
  rb.deliver(send("payload"));
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(lb.stats().rx_mic_failures, 1u);
  ASSERT_OK(la.set_pmk(pmk));  // both sides on the new PMK: it works again
  rb.deliver(send("payload"));
  EXPECT_EQ(got.size(), 1u);
}

TEST_F(Encryption, AReplayedFrameIsDroppedAndCounted) {
  const auto frame = send("once");
  rb.deliver(frame);
  rb.deliver(frame);  // the same bytes again, no retry bit: a replay
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(lb.stats().rx_replayed, 1u);
}

TEST_F(Encryption, TheReplayWindowSurvivesModPeerAndSetPmkThatKeepTheKey) {
  const auto frame = send("once");
  rb.deliver(frame);
  ASSERT_OK(lb.mod_peer({.mac = kA, .lmk = kLmk, .channel = 1, .encrypt = true}));  // same key, new channel
  rb.deliver(frame);
  ASSERT_OK(lb.set_pmk(lb.pmk()));  // the same PMK again
  rb.deliver(frame);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(lb.stats().rx_replayed, 2u);
}

TEST_F(Encryption, ANewKeyStartsANewReplayWindow) {
  Key other = kLmk;
  other[0] ^= 1;
  ASSERT_OK(la.mod_peer({.mac = kB, .lmk = other, .encrypt = true}));
  ASSERT_OK(lb.mod_peer({.mac = kA, .lmk = other, .encrypt = true}));
  rb.deliver(send("after rekey"));  // a new key: its packet numbers are judged afresh
  EXPECT_EQ(got.size(), 1u);
}

TEST_F(Encryption, AnOldPacketNumberIsDroppedAndCounted) {
  const auto first = send("first"), second = send("second");
  rb.deliver(second);
  rb.deliver(first);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "second");
  EXPECT_EQ(lb.stats().rx_old_pn, 1u);
}

TEST_F(Encryption, AMacRetryIsADuplicateNotAReplay) {
  auto frame = send("retried");
  rb.deliver(frame);
  wire::set_retry(frame, true);  // the radio's retry: same PN, retry bit set
  rb.deliver(frame);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(lb.stats().rx_duplicates, 1u);
  EXPECT_EQ(lb.stats().rx_replayed, 0u);
}

TEST_F(Encryption, ReplaysOldPacketNumbersAndBrokenFramesAreReportedToTheDropObserverButMacRetriesAreNot) {
  std::vector<DropReason> reasons;
  lb.set_drop_observer([](void* r, DropReason reason, const MacAddress& src) {
    EXPECT_EQ(src, kA);
    static_cast<std::vector<DropReason>*>(r)->push_back(reason);
  }, &reasons);
  const auto first = send("first");
  auto second = send("second");
  rb.deliver(second);
  wire::set_retry(second, true);
  rb.deliver(second);  // a MAC retry: nothing lost, not reported
  wire::set_retry(second, false);
  rb.deliver(second);  // replayed
  rb.deliver(first);   // older packet number
  auto bad = send("third");
  bad[wire::kHeaderLen + wire::kCcmpHeaderLen + 2] ^= 1;
  rb.deliver(bad);
  EXPECT_EQ(reasons, (std::vector<DropReason>{DropReason::replayed, DropReason::old_pn, DropReason::mic_failure}));
}

TEST_F(Encryption, AnEncryptedFrameFromAnUnregisteredSenderIsDroppedAndCounted) {
  ASSERT_OK(lb.del_peer(kA));
  rb.deliver(send("who are you"));
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(lb.stats().rx_encrypted, 1u);
  ASSERT_OK(lb.add_peer({.mac = kA}));  // registered, but without a key
  rb.deliver(send("still no key"));
  EXPECT_EQ(lb.stats().rx_encrypted, 2u);
}

TEST(EncryptionOnTheAir, ADeviceWithoutTheKeyGetsNothingYetItsRadioStillAcks) {
  SimDevices air;
  SimDevice& a = **air.add_device({.mac = kA});
  SimDevice& b = **air.add_device({.mac = kB});
  SimDevice& c = **air.add_device({.mac = kC});
  for (SimDevice* d : {&a, &b, &c}) ASSERT_OK(d->espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kB, {.lmk = kLmk}));
  ASSERT_OK(b.espnow().add_peer(kA, {.lmk = kLmk}));
  ASSERT_OK(a.espnow().add_peer(kC, {.lmk = kLmk}));  // c has no key for a
  EXPECT_TRUE(*a.espnow().send(kB, bytes("for b")));
  EXPECT_TRUE(*a.espnow().send(kC, bytes("for c")));  // the ACK comes from c's radio, before decryption
  EXPECT_EQ((*b.espnow().recv(0))->msg, std::vector<std::uint8_t>(bytes("for b").begin(), bytes("for b").end()));
  EXPECT_FALSE(c.espnow().recv(0)->has_value());
  EXPECT_EQ(c.link().stats().rx_encrypted, 1u);
  Key wrong = kLmk;
  wrong[15] ^= 0xff;
  ASSERT_OK(c.espnow().add_peer(kA, {.lmk = wrong}));  // now c has the wrong key
  EXPECT_TRUE(*a.espnow().send(kC, bytes("for c")));
  EXPECT_FALSE(c.espnow().recv(0)->has_value());
  EXPECT_EQ(c.link().stats().rx_mic_failures, 1u);
}

TEST(EncryptionOnTheAir, ModPeerSwitchingEncryptionUpdatesTheCounts) {
  SimDevices air;
  SimDevice& a = **air.add_device({.mac = kA});
  ASSERT_OK(a.espnow().active(true));
  for (std::uint8_t i = 0; i < MAX_ENCRYPT_PEER_NUM; ++i)
    ASSERT_OK(a.espnow().add_peer(MacAddress{{2, 1, 0, 0, 0, i}}, {.lmk = kLmk}));
  EXPECT_ERR(a.espnow().add_peer(kB, {.lmk = kLmk}), errc::full);
  ASSERT_OK(a.espnow().mod_peer(MacAddress{{2, 1, 0, 0, 0, 0}}, {.encrypt = false}));
  EXPECT_EQ(a.espnow().peer_count()->encrypted, MAX_ENCRYPT_PEER_NUM - 1);
  EXPECT_OK(a.espnow().add_peer(kB, {.lmk = kLmk}));
  EXPECT_EQ(a.espnow().peer_count()->encrypted, MAX_ENCRYPT_PEER_NUM);
}
