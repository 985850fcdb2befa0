// The ESPNow behaviour table: one test per sentence of SPEC §1 (and the
// seeds), on devices of the in-process simulated air. Suites follow SPEC's
// headings; test names are the sentences.
//
// Built twice: test_api runs ESPNow on SoftLink; with ESPNOW_TEST_OVER_IDF,
// test_behaviour_idf runs it on IdfLink -> emulated esp_now_* -> SoftLink.
#include <gtest/gtest.h>

#include <poll.h>

#include <atomic>
#include <future>
#include <chrono>
#include <set>
#include <thread>

#include "support/test_devices.hpp"
#include "support/fake_link.hpp"
#include "support/manual_clock.hpp"
#include "support/wait_for.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace std::chrono_literals;

namespace {

constexpr MacAddress kA = "aa:aa:aa:aa:aa:aa"_mac;
constexpr MacAddress kB = "ba:bb:bb:bb:bb:bb"_mac;
constexpr MacAddress kC = "ca:cc:cc:cc:cc:cc"_mac;
constexpr MacAddress kGroup = "bb:bb:bb:bb:bb:bb"_mac;  // the seeds' peer: a group address
constexpr MacAddress kAbsent = "de:ad:00:00:00:01"_mac;

std::vector<std::uint8_t> payload(std::size_t n, std::uint8_t fill = 'x') { return std::vector<std::uint8_t>(n, fill); }

class Behaviour : public ::testing::Test {
 protected:
  TestDevice& add(MacAddress mac, std::uint8_t channel = 1) {
    auto r = air.add_device({.mac = mac, .channel = channel});
    EXPECT_TRUE(r.ok());
    return **r;
  }
  // A active with B as a peer, B active.
  void pair() {
    ASSERT_OK(a.espnow().active(true));
    ASSERT_OK(b.espnow().active(true));
    ASSERT_OK(a.espnow().add_peer(kB));
  }
  ESPNow& ea() { return a.espnow(); }
  ESPNow& eb() { return b.espnow(); }

  // Every device's waits (recv timeouts, the 100 ms and 2 s rules) run on a
  // clock the test owns: a timed wait ends at once, its deadline reached.
  test::ManualClock clock;
  TestAir air{{}, clock};
  TestDevice& a = add(kA);
  TestDevice& b = add(kB);
};

}  // namespace

// ---- Singleton

TEST_F(Behaviour, Singleton_EveryESPNowOfADeviceIsTheSameObject) {
  EXPECT_EQ(&a.espnow(), &a.espnow());
  EXPECT_NE(&a.espnow(), &b.espnow());
}

// ---- active()

TEST_F(Behaviour, NotInit_EveryCallThatNeedsActivationRaisesNotInitBeforeActiveTrue) {
  ESPNow& e = ea();
  const auto m = payload(4);
  const std::error_code not_init = errc::not_init;
  EXPECT_ERR(e.add_peer(kB), not_init);
  EXPECT_ERR(e.mod_peer(kB), not_init);
  EXPECT_EQ(e.get_peer(kB).error(), not_init);
  EXPECT_EQ(e.get_peers().error(), not_init);
  EXPECT_ERR(e.del_peer(kB), not_init);
  EXPECT_EQ(e.peer_count().error(), not_init);
  EXPECT_EQ(e.send(kB, m).error(), not_init);
  EXPECT_EQ(e.send(m).error(), not_init);
  EXPECT_EQ(e.recv(0).error(), not_init);
  EXPECT_EQ(e.irecv(0).error(), not_init);
  std::uint8_t buf[250];
  EXPECT_EQ(e.recvinto(buf, nullptr, 0).error(), not_init);
  EXPECT_EQ(e.any().error(), not_init);
  const std::uint8_t key[16] = {};
  EXPECT_ERR(e.set_pmk(key), not_init);
  int n = 0;
  for (const MessageView& r : e) n += r.mac ? 1 : 0;  // iteration ends on the error
  EXPECT_EQ(n, 0);
}

TEST_F(Behaviour, Active_NoArgumentReturnsTheStateAsABoolAndTrueTwiceIsHarmless) {
  EXPECT_FALSE(ea().active());
  EXPECT_OK(ea().active(true));
  EXPECT_TRUE(ea().active());
  EXPECT_OK(ea().active(true));
  EXPECT_TRUE(ea().active());
  EXPECT_OK(ea().active(false));
  EXPECT_FALSE(ea().active());
}

TEST_F(Behaviour, Active_FalseDiscardsBufferedMessagesAndPeersButStatsSurvive) {
  pair();
  ASSERT_OK(eb().add_peer(kA));
  ASSERT_TRUE(*ea().send(kB, payload(10)));
  ASSERT_TRUE(*eb().any());
  const Stats before = ea().stats();
  ASSERT_OK(eb().active(false));
  ASSERT_OK(eb().active(true));
  EXPECT_FALSE(*eb().any());
  EXPECT_EQ(eb().peer_count()->total, 0);
  EXPECT_EQ(eb().stats().rx_packets, 1u);
  EXPECT_EQ(ea().stats().tx_pkts, before.tx_pkts);
}

TEST_F(Behaviour, Active_FalseClearsTheIrqCallback) {
  pair();
  std::atomic<int> calls{0};
  eb().irq([&](ESPNow&) { ++calls; });
  ASSERT_OK(eb().active(false));
  ASSERT_OK(eb().active(true));
  ASSERT_TRUE(*ea().send(kB, payload(3)));
  ASSERT_TRUE(*eb().any());
  eb().wait_irq_idle();  // every call owed so far has been made
  EXPECT_EQ(calls.load(), 0);
}

// ---- config()

TEST_F(Behaviour, Config_DefaultsAreRxbuf526AndTimeout300000) {
  EXPECT_EQ(*ea().config("rxbuf"), 526);
  EXPECT_EQ(*ea().config("timeout_ms"), 300000);
}

TEST_F(Behaviour, Config_GetTakesOneNameAndAnythingElseIsValueError) {
  const auto r = ea().config("rate");  // write-only
  EXPECT_ERR(r, errc::arg);
  EXPECT_EQ(r.detail(), "no config parameter 'rate'");  // the binding raises ValueError before asking
  EXPECT_ERR(ea().config("bogus"), errc::arg);
}

TEST_F(Behaviour, Config_SetsSeveralValuesAtOnceWhetherActiveOrNot) {
  EXPECT_OK(ea().config({.rxbuf = 1000, .timeout_ms = -1}));
  EXPECT_EQ(*ea().config("rxbuf"), 1000);
  EXPECT_EQ(*ea().config("timeout_ms"), -1);
  ASSERT_OK(ea().active(true));
  EXPECT_OK(ea().config({.timeout_ms = 5}));
  EXPECT_EQ(*ea().config("timeout_ms"), 5);
}

TEST_F(Behaviour, Config_NegativeRxbufIsValueErrorAndNothingChanges) {
  EXPECT_ERR(ea().config({.rxbuf = -1, .timeout_ms = 7}), errc::arg);
  EXPECT_EQ(*ea().config("rxbuf"), 526);
  EXPECT_EQ(*ea().config("timeout_ms"), 300000);
}

TEST_F(Behaviour, Config_AnUpdateTheLinkRefusesChangesNothing) {
  test::FakeLink link;
  ESPNow e(link);
  link.rate_error = make_error_code(errc::arg);  // a driver that refuses the rate
  EXPECT_ERR(e.config({.rxbuf = 1000, .timeout_ms = 7, .rate = RATE_54M, .version = 2}), errc::arg);
  EXPECT_EQ(*e.config("rxbuf"), 526);
  EXPECT_EQ(*e.config("timeout_ms"), 300000);
  EXPECT_EQ(*e.config("version"), 1);
  link.rate_error = {};
  EXPECT_OK(e.config({.rxbuf = 1000, .timeout_ms = 7, .rate = RATE_54M, .version = 2}));
  EXPECT_EQ(*e.config("rxbuf"), 1000);
  EXPECT_EQ(*e.config("version"), 2);
}

TEST_F(Behaviour, Config_RxbufTakesEffectOnlyAtTheNextActivation) {
  pair();
  ASSERT_OK(eb().config({.rxbuf = 10 * 263}));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(*ea().send(kB, payload(250)));
  EXPECT_EQ(eb().stats().rx_dropped, 1u);  // still the old 526 bytes
  ASSERT_OK(eb().active(false));
  ASSERT_OK(eb().active(true));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(*ea().send(kB, payload(250)));
  EXPECT_EQ(eb().stats().rx_dropped, 1u);
  EXPECT_EQ(eb().stats().rx_packets, 5u);
}

TEST_F(Behaviour, Config_RateMustBeATableValue) {
  EXPECT_ERR(ea().config({.rate = 4}), errc::arg);
  EXPECT_ERR(ea().config({.rate = 1000}), errc::arg);
  EXPECT_OK(ea().config({.rate = RATE_54M}));
  EXPECT_EQ(a.link().rate(), PhyRate::r54m);
}

TEST_F(Behaviour, Config_RateNeedsAnActiveWlanInterfaceOtherwiseEnoent) {
  a.radio().set_active(Interface::sta, false);
  EXPECT_ERR(ea().config({.rate = RATE_11M}), std::errc::no_such_file_or_directory);
  EXPECT_EQ(a.link().rate(), PhyRate::r1m);
}

// ---- recv / irecv / recvinto

TEST_F(Behaviour, Recv_ZeroTimeoutReturnsAtOnceWithNoneNone) {
  pair();
  auto r = eb().recv(0);
  ASSERT_OK(r);
  EXPECT_FALSE(r->has_value());
}

// Receive timeouts over a FakeLink on the fixture's manual clock: the wait
// ends exactly at its deadline, at once.
TEST_F(Behaviour, Recv_PositiveTimeoutWaitsThatLong) {
  test::FakeLink link;
  ESPNow e(link, clock);  // the fixture's manual clock
  ASSERT_OK(e.active(true));
  const auto t0 = clock.now();
  auto r = e.recv(50);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(clock.now() - t0, 50ms);
}

TEST_F(Behaviour, Recv_NoneUsesTheConfiguredDefaultTimeout) {
  test::FakeLink link;
  ESPNow e(link, clock);  // the fixture's manual clock
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.config({.timeout_ms = 30}));
  const auto t0 = clock.now();
  auto r = e.recv();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(clock.now() - t0, 30ms);
}

// On the manual clock any deadline would be reached at once; the receiver
// parks in a wait with none, and a day later is still there.
TEST_F(Behaviour, Recv_NegativeTimeoutWaitsForever) {
  test::FakeLink link;
  ESPNow e(link, clock);  // the fixture's manual clock
  ASSERT_OK(e.active(true));
  std::atomic<bool> returned{false};
  std::optional<Message> got;
  std::thread receiver([&] {
    auto r = e.recv(-1);
    if (r.ok()) got = *r;
    returned = true;
  });
  ASSERT_TRUE(test::wait_for([&] { return clock.untimed_waiters() == 1; }));
  clock.advance(24h);
  EXPECT_FALSE(returned.load());
  link.deliver(kA, bytes("wake"));
  receiver.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->mac, kA);
  EXPECT_EQ(got->msg, std::vector<std::uint8_t>({'w', 'a', 'k', 'e'}));
}

TEST_F(Behaviour, Recv_ReturnsANewMacAndMessageCopy) {
  pair();
  ASSERT_TRUE(*ea().send(kB, bytes("one")));
  ASSERT_TRUE(*ea().send(kB, bytes("two")));
  auto first = *eb().recv(0);
  auto second = *eb().recv(0);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(std::string(first->msg.begin(), first->msg.end()), "one");
  EXPECT_EQ(std::string(second->msg.begin(), second->msg.end()), "two");
}

TEST_F(Behaviour, Recv_RaisesIfWhenNoWlanInterfaceIsActive) {
  pair();
  b.radio().set_active(Interface::sta, false);
  EXPECT_EQ(eb().recv(0).error(), errc::intf);
}

TEST_F(Behaviour, Irecv_ReusesOneStorageForEveryMessage) {
  pair();
  ASSERT_TRUE(*ea().send(kB, bytes("first")));
  ASSERT_TRUE(*ea().send(kB, bytes("second")));
  const MessageView r1 = *eb().irecv(0);
  const auto* storage = r1.msg.data();
  const MessageView r2 = *eb().irecv(0);
  EXPECT_EQ(r2.msg.data(), storage);
  EXPECT_EQ(std::string(r2.msg.begin(), r2.msg.end()), "second");
  const MessageView timeout = *eb().irecv(0);
  EXPECT_EQ(timeout.mac, nullptr);
  EXPECT_TRUE(timeout.msg.empty());
}

TEST_F(Behaviour, Recvinto_ReturnsTheLengthAndFillsMacRssiAndTime) {
  pair();
  b.radio().set_position({10, 0});
  ASSERT_TRUE(*ea().send(kB, bytes("hello")));
  std::uint8_t buf[250];
  MessageView meta;
  auto n = eb().recvinto(buf, &meta, 0);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 5u);
  ASSERT_NE(meta.mac, nullptr);
  EXPECT_EQ(*meta.mac, kA);
  EXPECT_EQ(meta.rssi, air.air().rssi_dbm({0, 0}, {10, 0}, 20.0));
  EXPECT_EQ(meta.rssi, -50);  // 20 dBm - (40 + 30 log10 10)
  EXPECT_LE(meta.time_ms, static_cast<std::uint32_t>(b.radio().now_us() / 1000));
  EXPECT_EQ(meta.msg.data(), buf);  // the view is of the caller's buffer
  EXPECT_EQ(meta.msg.size(), 5u);
}

// recv's Message and irecv's MessageView carry the same metadata as
// recvinto's, and unpack as the seeds' (mac, msg).
TEST_F(Behaviour, Messages_CarryRssiAndTimeAndUnpackAsMacAndMsg) {
  pair();
  b.radio().set_position({10, 0});
  ASSERT_TRUE(*ea().send(kB, bytes("copy")));
  ASSERT_TRUE(*ea().send(kB, bytes("view")));
  const std::uint32_t now_ms = static_cast<std::uint32_t>(b.radio().now_us() / 1000);
  std::optional<Message> copy = *eb().recv(0);
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->rssi, -50);
  EXPECT_LE(copy->time_ms, now_ms);
  auto [mac, msg] = std::move(*copy);
  EXPECT_EQ(mac, kA);
  EXPECT_EQ(std::string(msg.begin(), msg.end()), "copy");
  const MessageView view = *eb().irecv(0);
  EXPECT_EQ(view.rssi, -50);
  EXPECT_LE(view.time_ms, now_ms);
  const auto& [vmac, vmsg] = view;
  ASSERT_NE(vmac, nullptr);
  EXPECT_EQ(*vmac, kA);
  EXPECT_EQ(std::string(vmsg.begin(), vmsg.end()), "view");
}

TEST_F(Behaviour, Recvinto_TwoElementFormNeedsNoRssiOrTime) {
  pair();
  ASSERT_TRUE(*ea().send(kB, bytes("hi")));
  std::uint8_t buf[250];
  EXPECT_EQ(*eb().recvinto(buf, nullptr, 0), 2u);
  EXPECT_EQ(buf[0], 'h');
}

TEST_F(Behaviour, Recvinto_ReturnsZeroOnTimeout) {
  pair();
  std::uint8_t buf[250];
  MessageView meta;
  EXPECT_EQ(*eb().recvinto(buf, &meta, 0), 0u);
  EXPECT_EQ(meta.mac, nullptr);
}

TEST_F(Behaviour, Recvinto_TooSmallABufferIsValueErrorAndTheMessageStaysBuffered) {
  pair();
  ASSERT_TRUE(*ea().send(kB, payload(100)));
  std::uint8_t small[99], big[250];
  const auto r = eb().recvinto(small, nullptr, 0);
  EXPECT_ERR(r, std::errc::message_size);  // the binding raises it as ValueError
  EXPECT_TRUE(*eb().any());
  EXPECT_EQ(*eb().recvinto(big, nullptr, 0), 100u);
}

// ---- peers_table

TEST_F(Behaviour, PeersTable_IsUpdatedOnlyWhenTheApplicationReadsAMessage) {
  pair();
  ASSERT_TRUE(*ea().send(kB, bytes("x")));
  EXPECT_TRUE(eb().peers_table().empty());
  ASSERT_TRUE(eb().recv(0)->has_value());
  const auto table = eb().peers_table();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].first, kA);
  EXPECT_EQ(table[0].second.rssi, -20);
}

TEST_F(Behaviour, PeersTable_HasOneKeyObjectPerMac) {
  pair();
  ASSERT_TRUE(*ea().send(kB, bytes("1")));
  ASSERT_TRUE(*ea().send(kB, bytes("2")));
  std::uint8_t buf[250];
  MessageView m1, m2;
  ASSERT_EQ(*eb().recvinto(buf, &m1, 0), 1u);
  ASSERT_EQ(*eb().recvinto(buf, &m2, 0), 1u);
  EXPECT_EQ(m1.mac, m2.mac);
}

// Not on a board (its table grows until the heap runs out): a neighbour
// forging source MACs must not grow a gateway's memory without bound.
TEST_F(Behaviour, PeersTable_IsBoundedAndLetsTheSenderReadLongestAgoGo) {
  test::FakeLink link;
  ESPNow e(link);
  ASSERT_OK(e.config({.peers_table_max = 3}));
  EXPECT_EQ(*e.config("peers_table_max"), 3);
  ASSERT_OK(e.active(true));
  const auto forged = [](std::uint8_t i) { return MacAddress{{2, 0, 0, 0, 0, i}}; };
  for (std::uint8_t i : {1, 2, 3, 1, 4, 5}) {  // 1 is read again before 4 arrives
    link.deliver(forged(i), bytes("x"));
    ASSERT_TRUE(e.recv(0)->has_value());
  }
  std::set<MacAddress> kept;
  for (const auto& [mac, entry] : e.peers_table()) kept.insert(mac);
  EXPECT_EQ(kept, (std::set<MacAddress>{forged(1), forged(4), forged(5)}));
  EXPECT_EQ(e.peers_table_evictions(), 2u);
  EXPECT_ERR(e.config({.peers_table_max = 0}), errc::arg);
  EXPECT_EQ(Config{}.peers_table_max, 1024);  // the default: large, but a bound
}

// ---- any()

TEST_F(Behaviour, Any_IsTrueOnlyWhileAMessageIsBuffered) {
  pair();
  EXPECT_FALSE(*eb().any());
  ASSERT_TRUE(*ea().send(kB, bytes("x")));
  EXPECT_TRUE(*eb().any());
  ASSERT_TRUE(eb().recv(0)->has_value());
  EXPECT_FALSE(*eb().any());
}

// ---- irq()

TEST_F(Behaviour, Irq_IsCalledWithTheObjectOncePerBufferedMessageAndNeverForADroppedOne) {
  pair();
  std::atomic<int> calls{0};
  std::atomic<ESPNow*> seen{nullptr};
  eb().irq([&](ESPNow& e) {
    seen = &e;
    ++calls;
  });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(*ea().send(kB, payload(250)));  // the third is dropped
  ASSERT_TRUE(test::wait_for([&] { return calls.load() == 2; }));
  EXPECT_EQ(eb().stats().rx_dropped, 1u);
  eb().wait_irq_idle();  // no third call is owed
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(seen.load(), &eb());
}

TEST_F(Behaviour, Irq_TheSeedsPatternDrainsWithIrecvZeroInsideTheCallback) {
  pair();
  ASSERT_OK(eb().config({.rxbuf = 4000}));
  ASSERT_OK(eb().active(false));
  ASSERT_OK(eb().active(true));
  std::atomic<int> got{0};
  eb().irq([&](ESPNow& e) {
    for (;;) {
      auto r = e.irecv(0);
      if (!r.ok() || !r->mac) return;
      ++got;
    }
  });
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(*ea().send(kB, payload(20)));
  EXPECT_TRUE(test::wait_for([&] { return got.load() == 10; }));
}

TEST_F(Behaviour, Irq_WaitIrqIdleReturnsOnlyOnceTheCallsOwedHaveReturned) {
  pair();
  std::promise<void> let_go;
  std::shared_future<void> released = let_go.get_future().share();
  std::atomic<bool> finished{false};
  eb().irq([&](ESPNow&) {
    released.wait();
    finished = true;
  });
  ASSERT_TRUE(*ea().send(kB, payload(3)));
  ASSERT_TRUE(test::wait_for([&] { return *eb().any(); }));
  auto idle = std::async(std::launch::async, [&] {
    eb().wait_irq_idle();
    return finished.load();  // false if it returned while the call was blocked
  });
  let_go.set_value();
  EXPECT_TRUE(idle.get());
}

TEST_F(Behaviour, Irq_AnEmptyCallbackRemovesIt) {
  pair();
  std::atomic<int> calls{0};
  eb().irq([&](ESPNow&) { ++calls; });
  eb().irq({});
  ASSERT_TRUE(*ea().send(kB, bytes("x")));
  ASSERT_TRUE(test::wait_for([&] { return *eb().any(); }));
  eb().wait_irq_idle();
  EXPECT_EQ(calls.load(), 0);
}

// ---- send()

TEST_F(Behaviour, Send_SyncToAPresentPeerReturnsTrue) {
  pair();
  auto r = ea().send(kB, bytes("ping"));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
}

TEST_F(Behaviour, Send_SyncToAnAbsentPeerReturnsFalseAfterTheRadiosRetries) {
  pair();
  ASSERT_OK(ea().add_peer(kAbsent));
  const auto before = air.air().stats().transmissions;
  auto r = ea().send(kAbsent, bytes("ping"));
  ASSERT_OK(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(air.air().stats().transmissions - before, 6u);  // 1 + 5 retries
  EXPECT_EQ(ea().stats().tx_failures, 1u);
}

TEST_F(Behaviour, Send_SyncToAPeerWhoseInterfaceIsInactiveReturnsFalse) {
  pair();
  b.radio().set_active(Interface::sta, false);
  EXPECT_FALSE(*ea().send(kB, bytes("ping")));
}

TEST_F(Behaviour, Send_APeerWhoseEspNowIsOffButWhoseRadioIsOnAcknowledges) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB));
  ASSERT_FALSE(eb().active());
  EXPECT_TRUE(*ea().send(kB, bytes("ping")));
}

TEST_F(Behaviour, Send_AsyncReturnsTrueAtOnceAndStatsCountTheResultLater) {
  pair();
  ASSERT_OK(ea().add_peer(kAbsent));
  EXPECT_TRUE(*ea().send(kAbsent, bytes("x"), false));
  EXPECT_TRUE(*ea().send(kB, bytes("y"), false));
  const Stats s = ea().stats();
  EXPECT_EQ(s.tx_pkts, 2u);
  EXPECT_EQ(s.tx_responses, 2u);
  EXPECT_EQ(s.tx_failures, 1u);
}

TEST_F(Behaviour, Send_MsgAloneGoesToEveryUnicastPeerAndSkipsBroadcastAndGroups) {
  TestDevice& c = add(kC);
  TestDevice& d = add("da:dd:dd:dd:dd:dd"_mac);  // not a peer
  pair();
  ASSERT_OK(c.espnow().active(true));
  ASSERT_OK(d.espnow().active(true));
  ASSERT_OK(ea().add_peer(kC));
  ASSERT_OK(ea().add_peer(MacAddress::broadcast()));
  ASSERT_OK(ea().add_peer(kGroup));
  EXPECT_TRUE(*ea().send(bytes("all")));
  EXPECT_EQ(eb().stats().rx_packets, 1u);
  EXPECT_EQ(c.espnow().stats().rx_packets, 1u);
  EXPECT_EQ(d.espnow().stats().rx_packets, 0u);  // no broadcast was sent
  EXPECT_EQ(ea().stats().tx_pkts, 2u);
  EXPECT_TRUE(*ea().send_to_all(bytes("again"), false));
  EXPECT_EQ(ea().stats().tx_pkts, 4u);
}

TEST_F(Behaviour, Send_BroadcastNeedsAddPeerFirstAndAlwaysReturnsTrue) {
  pair();
  EXPECT_EQ(ea().send(MacAddress::broadcast(), bytes("hi")).error(), errc::not_found);
  ASSERT_OK(ea().add_peer(MacAddress::broadcast()));
  EXPECT_TRUE(*ea().send(MacAddress::broadcast(), bytes("hi")));
  EXPECT_EQ(eb().stats().rx_packets, 1u);
  b.radio().set_active(Interface::sta, false);  // nobody listening: still True
  EXPECT_TRUE(*ea().send(MacAddress::broadcast(), bytes("hi")));
}

TEST_F(Behaviour, Send_AGroupPeerIsNeverAckedAndAlwaysTrueEvenWithNoDeviceOnTheAir) {
  pair();
  ASSERT_OK(ea().add_peer(kGroup));
  const auto acks = air.air().stats().acks;
  EXPECT_TRUE(*ea().send(kGroup, bytes("ping")));
  EXPECT_EQ(air.air().stats().acks, acks);
  EXPECT_EQ(eb().stats().rx_packets, 0u);
  EXPECT_EQ(ea().stats().tx_failures, 0u);
}

TEST_F(Behaviour, Send_ADevicesOwnMacCannotBeAGroupAddress) {
  EXPECT_EQ(air.add_device({.mac = kGroup}).error(), errc::arg);
  EXPECT_EQ(a.radio().set_mac(Interface::sta, kGroup), errc::arg);
  EXPECT_EQ(a.mac(), kA);
}

TEST_F(Behaviour, Send_LengthZeroOrOverMaxDataLenIsArg) {
  pair();
  EXPECT_EQ(ea().send(kB, {}).error(), errc::arg);
  EXPECT_EQ(ea().send(kB, payload(251)).error(), errc::arg);
  EXPECT_TRUE(*ea().send(kB, payload(250)));
}

TEST_F(Behaviour, Send_AnUnregisteredPeerIsNotFound) {
  pair();
  EXPECT_EQ(ea().send(kC, bytes("x")).error(), errc::not_found);
  EXPECT_EQ(ea().stats().tx_pkts, 0u);
}

TEST_F(Behaviour, Send_APeerOnAnotherChannelIsChan) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB, {.channel = 6}));
  EXPECT_EQ(ea().send(kB, bytes("x")).error(), errc::chan);
  ASSERT_FALSE(a.radio().set_channel(6));
  EXPECT_FALSE(ea().send(kB, bytes("x")).error());
}

TEST_F(Behaviour, Send_APeerOnAnInactiveInterfaceIsIf) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB, {.ifidx = 1}));
  EXPECT_EQ(ea().send(kB, bytes("x")).error(), errc::intf);
  a.radio().set_active(Interface::ap, true);
  EXPECT_TRUE(*ea().send(kB, bytes("x")));
  ASSERT_OK(eb().active(true));
}

TEST_F(Behaviour, Send_FramesComeFromThePeersInterfaceMac) {
  pair();
  a.radio().set_active(Interface::ap, true);
  ASSERT_OK(ea().mod_peer(kB, {.ifidx = 1}));
  ASSERT_TRUE(*ea().send(kB, bytes("via ap")));
  auto m = *eb().recv(0);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mac, a.mac(Interface::ap));
  EXPECT_EQ(a.mac(Interface::ap), "aa:aa:aa:aa:aa:ab"_mac);  // STA + 1 by default
}

// The timing rules run on a manual clock: a wait for a deadline reaches it
// at once, so the test measures the rule exactly and waits for nothing.
TEST_F(Behaviour, Send_SyncWaitsAtMost100msForEarlierResponsesThenEtimedout) {
  test::FakeLink link;
  ESPNow e(link, clock);  // the fixture's manual clock
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kB));
  EXPECT_TRUE(*e.send(kB, bytes("x"), false));  // its report is held back
  EXPECT_FALSE(e.writable());
  const auto t0 = clock.now();
  const auto r = e.send(kB, bytes("y"));
  EXPECT_EQ(r.error(), std::errc::timed_out);
  EXPECT_EQ(r.error().value(), 110);
  EXPECT_EQ(clock.now() - t0, 100ms);
  link.report();
  EXPECT_TRUE(e.writable());
}

TEST_F(Behaviour, Send_NoMemIsRetriedUntilTheLinkHasRoom) {
  test::FakeLink link;
  ESPNow e(link);
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kB));
  link.fail_next(errc::no_mem);
  link.fail_next(errc::no_mem);
  EXPECT_TRUE(*e.send(kB, bytes("x"), false));
  EXPECT_EQ(link.sends, 1);
  EXPECT_EQ(e.stats().tx_pkts, 1u);
}

TEST_F(Behaviour, Send_NoMemForMoreThan2sIsRaised) {
  test::FakeLink link;
  ESPNow e(link, clock);  // the fixture's manual clock
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kB));
  for (int i = 0; i < 5000; ++i) link.fail_next(errc::no_mem);
  const auto t0 = clock.now();
  EXPECT_EQ(e.send(kB, bytes("x"), false).error(), errc::no_mem);
  EXPECT_EQ(clock.now() - t0, 2s);
  EXPECT_EQ(clock.timed_waits(), 2000);  // a retry every millisecond
  EXPECT_EQ(e.stats().tx_pkts, 0u);
}

// ---- channels

TEST_F(Behaviour, Channel_ADeviceOnChannel3NeverHearsChannel8) {
  TestDevice& c3 = add("02:00:00:00:03:03"_mac, 3);
  TestDevice& c8 = add("02:00:00:00:08:08"_mac, 8);
  ASSERT_OK(c3.espnow().active(true));
  ASSERT_OK(c8.espnow().active(true));
  ASSERT_OK(c8.espnow().add_peer(MacAddress::broadcast()));
  ASSERT_OK(c8.espnow().add_peer(c3.mac()));
  EXPECT_TRUE(*c8.espnow().send(MacAddress::broadcast(), bytes("ch8")));
  EXPECT_FALSE(*c8.espnow().send(c3.mac(), bytes("ch8")));  // no ACK across channels
  EXPECT_EQ(c3.espnow().stats().rx_packets, 0u);
  ASSERT_FALSE(c3.radio().set_channel(8));
  EXPECT_TRUE(*c8.espnow().send(c3.mac(), bytes("ch8")));
  EXPECT_EQ(c3.espnow().stats().rx_packets, 1u);
}

// ---- peers

TEST_F(Behaviour, Peers_The21stPeerIsFull) {
  ASSERT_OK(ea().active(true));
  for (int i = 0; i < MAX_TOTAL_PEER_NUM; ++i) ASSERT_OK(ea().add_peer(MacAddress{{2, 0, 0, 0, 0, std::uint8_t(i)}}));
  EXPECT_ERR(ea().add_peer(MacAddress{{2, 0, 0, 0, 1, 0}}), errc::full);
  EXPECT_EQ(ea().peer_count()->total, 20);
}

// One past the link's limit: the seeds' 6 on SoftLink, a chip's 7 (its
// Wi-Fi init config's default) over IdfLink.
TEST_F(Behaviour, Peers_OneEncryptedPeerPastTheLinksLimitIsFull) {
  ASSERT_OK(ea().active(true));
  const auto key = payload(16, 'k');
  for (int i = 0; i < kTestEncryptedPeerLimit; ++i)
    ASSERT_OK(ea().add_peer(MacAddress{{2, 0, 0, 0, 0, std::uint8_t(i)}}, {.lmk = key}));
  EXPECT_ERR(ea().add_peer(MacAddress{{2, 0, 0, 0, 1, 0}}, {.lmk = key}), errc::full);
  EXPECT_OK(ea().add_peer(MacAddress{{2, 0, 0, 0, 1, 0}}));  // unencrypted still fits
  EXPECT_ERR(ea().mod_peer(MacAddress{{2, 0, 0, 0, 1, 0}}, {.encrypt = true}), errc::full);
  const PeerCount n = *ea().peer_count();
  EXPECT_EQ(n.total, kTestEncryptedPeerLimit + 1);
  EXPECT_EQ(n.encrypted, kTestEncryptedPeerLimit);
}

TEST_F(Behaviour, Peers_ADuplicateIsExist) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB));
  EXPECT_ERR(ea().add_peer(kB), errc::exist);
}

TEST_F(Behaviour, Peers_AnUnknownMacInGetModDelIsNotFound) {
  ASSERT_OK(ea().active(true));
  EXPECT_EQ(ea().get_peer(kC).error(), errc::not_found);
  EXPECT_ERR(ea().mod_peer(kC), errc::not_found);
  EXPECT_ERR(ea().del_peer(kC), errc::not_found);
}

TEST_F(Behaviour, Peers_AddPeerStartsWithNoKeyChannel0StaAndNoEncryption) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB));
  const PeerInfo p = *ea().get_peer(kB);
  EXPECT_EQ(p.mac, kB);
  EXPECT_EQ(p.lmk, Key{});
  EXPECT_EQ(p.channel, 0);
  EXPECT_EQ(p.ifidx, Interface::sta);
  EXPECT_FALSE(p.encrypt);
}

TEST_F(Behaviour, Peers_ATruthyLmkSetsEncryptAndEncryptOverridesIt) {
  ASSERT_OK(ea().active(true));
  const auto key = payload(16, 'k');
  ASSERT_OK(ea().add_peer(kB, {.lmk = key}));
  EXPECT_TRUE(ea().get_peer(kB)->encrypt);
  EXPECT_EQ(ea().get_peer(kB)->lmk[0], 'k');
  ASSERT_OK(ea().add_peer(kC, {.lmk = key, .encrypt = false}));
  EXPECT_FALSE(ea().get_peer(kC)->encrypt);
  ASSERT_OK(ea().add_peer(kAbsent, {.lmk = std::span<const std::uint8_t>{}, .encrypt = true}));
  EXPECT_TRUE(ea().get_peer(kAbsent)->encrypt);
}

TEST_F(Behaviour, Peers_AnEmptyLmkTurnsEncryptionOff) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB, {.lmk = payload(16)}));
  ASSERT_OK(ea().mod_peer(kB, {.lmk = std::span<const std::uint8_t>{}}));
  EXPECT_FALSE(ea().get_peer(kB)->encrypt);
}

TEST_F(Behaviour, Peers_BadArgumentsAreValueErrorsAndAddNothing) {
  ASSERT_OK(ea().active(true));
  EXPECT_ERR(ea().add_peer(kB, {.lmk = payload(15)}), errc::arg);
  EXPECT_ERR(ea().add_peer(kB, {.channel = 15}), errc::arg);
  EXPECT_ERR(ea().add_peer(kB, {.channel = -1}), errc::arg);
  EXPECT_ERR(ea().add_peer(kB, {.ifidx = 2}), errc::arg);
  EXPECT_EQ(ea().add_peer(kB, {.channel = 15}).detail(), "channel must be 0..14");
  EXPECT_EQ(ea().peer_count()->total, 0);
}

TEST_F(Behaviour, Peers_BroadcastOrGroupWithEncryptIsRefusedWithArg) {
  ASSERT_OK(ea().active(true));
  EXPECT_ERR(ea().add_peer(MacAddress::broadcast(), {.encrypt = true}), errc::arg);
  EXPECT_ERR(ea().add_peer(kGroup, {.lmk = payload(16)}), errc::arg);
  EXPECT_EQ(ea().peer_count()->total, 0);
}

TEST_F(Behaviour, Peers_ModPeerKeepsEveryFieldItIsNotGiven) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB, {.lmk = payload(16, 'q'), .channel = 3, .ifidx = 1}));
  ASSERT_OK(ea().mod_peer(kB, {.channel = 5}));
  const PeerInfo p = *ea().get_peer(kB);
  EXPECT_EQ(p.channel, 5);
  EXPECT_EQ(p.ifidx, Interface::ap);
  EXPECT_TRUE(p.encrypt);
  EXPECT_EQ(p.lmk[15], 'q');
}

TEST_F(Behaviour, Peers_GetPeersListsEveryPeerAndPeerCountCountsThem) {
  ASSERT_OK(ea().active(true));
  ASSERT_OK(ea().add_peer(kB));
  ASSERT_OK(ea().add_peer(MacAddress::broadcast()));
  ASSERT_OK(ea().add_peer(kC, {.lmk = payload(16)}));
  ASSERT_OK(ea().del_peer(kB));
  const auto peers = *ea().get_peers();
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].mac, MacAddress::broadcast());
  EXPECT_EQ(peers[1].mac, kC);
  EXPECT_EQ(ea().peer_count()->total, 2);
  EXPECT_EQ(ea().peer_count()->encrypted, 1);
}

TEST_F(Behaviour, SetPmk_TakesExactly16Bytes) {
  ASSERT_OK(ea().active(true));
  EXPECT_ERR(ea().set_pmk(payload(15)), errc::arg);
  EXPECT_ERR(ea().set_pmk(payload(17)), errc::arg);
  EXPECT_OK(ea().set_pmk(payload(16, 'p')));
  EXPECT_EQ(a.link().pmk()[0], 'p');
}

TEST_F(Behaviour, SetPmk_ADefaultPmkIsUsedUntilSet) {
  const Key pmk = a.link().pmk();
  EXPECT_EQ(std::string(pmk.begin(), pmk.end()), kDefaultPmk);
}

// ---- stats()

TEST_F(Behaviour, Stats_TxPktsEqualsTxResponsesAfterSyncSends) {
  pair();
  ASSERT_OK(ea().add_peer(kAbsent));
  for (int i = 0; i < 5; ++i) {
    (void)ea().send(kB, bytes("x"));
    (void)ea().send(kAbsent, bytes("x"));
  }
  const Stats s = ea().stats();
  EXPECT_EQ(s.tx_pkts, 10u);
  EXPECT_EQ(s.tx_responses, s.tx_pkts);
  EXPECT_EQ(s.tx_failures, 5u);
}

TEST_F(Behaviour, Stats_RxPacketsPlusRxDroppedEqualsTheFramesDelivered) {
  pair();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(*ea().send(kB, payload(200)));
  const Stats s = eb().stats();
  EXPECT_EQ(s.rx_packets + s.rx_dropped, b.link().stats().rx_frames);
  EXPECT_EQ(s.rx_packets + s.rx_dropped, 7u);
}

// ---- the receive buffer

TEST_F(Behaviour, RxBuffer_TheDefaultHoldsTwo250ByteMessagesAndDropsTheThird) {
  pair();
  EXPECT_TRUE(*ea().send(kB, payload(250, '1')));
  EXPECT_TRUE(*ea().send(kB, payload(250, '2')));
  EXPECT_TRUE(*ea().send(kB, payload(250, '3')));  // the sender still sees success
  const Stats s = eb().stats();
  EXPECT_EQ(s.rx_packets, 2u);
  EXPECT_EQ(s.rx_dropped, 1u);
  EXPECT_EQ(eb().rx_bytes_used(), 526u);
  EXPECT_EQ((*eb().recv(0))->msg[0], '1');
  EXPECT_EQ((*eb().recv(0))->msg[0], '2');
  EXPECT_FALSE(eb().recv(0)->has_value());
}

// ---- poll readiness

TEST_F(Behaviour, Poll_TheFileDescriptorIsReadableWhileAMessageIsBuffered) {
  pair();
  const int fd = *eb().fileno();
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  EXPECT_FALSE(eb().readable());
  ASSERT_TRUE(*ea().send(kB, bytes("x")));
  EXPECT_EQ(::poll(&p, 1, 5000), 1);  // at once on the in-process air; soon behind a Wi-Fi task
  EXPECT_TRUE(eb().readable());
  ASSERT_TRUE(eb().recv(0)->has_value());
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  EXPECT_EQ(*eb().fileno(), fd);
}

TEST_F(Behaviour, Poll_WritableWhenNoSendResponsesAreOutstanding) {
  test::FakeLink link;
  ESPNow e(link);
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kB));
  EXPECT_TRUE(e.writable());
  ASSERT_TRUE(*e.send(kB, bytes("x"), false));
  EXPECT_FALSE(e.writable());
  link.report();
  EXPECT_TRUE(e.writable());
}

// ---- iteration

TEST_F(Behaviour, Iteration_YieldsIrecvResultsAndNoneOnTimeout) {
  pair();
  ASSERT_OK(eb().config({.timeout_ms = 0}));
  ASSERT_TRUE(*ea().send(kB, bytes("a")));
  ASSERT_TRUE(*ea().send(kB, bytes("b")));
  std::string seen;
  for (auto [mac, msg] : eb()) {
    if (!mac) break;  // (None, None) on timeout
    EXPECT_EQ(*mac, kA);
    seen.append(msg.begin(), msg.end());
  }
  EXPECT_EQ(seen, "ab");
}

// ---- errors

TEST(Errors, CarryEspIdfNumbersAndNames) {
  EXPECT_EQ(make_error_code(errc::not_init).value(), 0x3065);
  EXPECT_EQ(make_error_code(errc::chan).value(), 0x306D);
  EXPECT_EQ(error_name(errc::not_found), "ESP_ERR_ESPNOW_NOT_FOUND");
  EXPECT_EQ(error_name(errc::intf), "ESP_ERR_ESPNOW_IF");
  EXPECT_EQ(make_error_code(errc::exist).message(), "ESP_ERR_ESPNOW_EXIST");
  EXPECT_STREQ(make_error_code(errc::arg).category().name(), "espnow");
  EXPECT_EQ(Error(errc::arg, "lmk must be 16 bytes").message(), "ESP_ERR_ESPNOW_ARG: lmk must be 16 bytes");
  // errno values are the system's own codes, named as errno names them.
  EXPECT_EQ(error_name(std::make_error_code(std::errc::timed_out)), "ETIMEDOUT");
  EXPECT_EQ(error_name(std::make_error_code(std::errc::no_such_file_or_directory)), "ENOENT");
}
