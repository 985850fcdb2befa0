// Fault injection: a scripted scenario runs with the n-th fault point failing,
// for n = 1, 2, 3, ... until it runs with no fault at all. The faults come
// from the test-support library's failing doubles around the real parts (a
// FailingRadio around each simulated radio, a FailingLink around each
// SoftLink, and the air's error model losing frames), all asking one
// FailCount. Each time, the operation that met the fault must report the
// documented error (or, for a lost frame, what the MAC's retries make of it),
// and afterwards the state must be consistent: peers as get_peers says, every
// send answered, every received frame either read or counted as dropped,
// nothing twice.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "espnow/api/espnow.hpp"
#include "espnow/link/soft_link.hpp"
#include "espnow/radio/sim_air.hpp"
#include "support/expect.hpp"
#include "support/fail_count.hpp"
#include "support/failing_air.hpp"
#include "support/failing_link.hpp"
#include "support/failing_radio.hpp"
#include "support/manual_clock.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace std::chrono_literals;
using espnow::test::FailCount;
using espnow::test::FailingLink;
using espnow::test::FailingRadio;
using espnow::test::kAirDelivery;
using espnow::test::lose_when;
using espnow::test::wait_for;

namespace {

constexpr MacAddress kA = "02:aa:aa:aa:aa:aa"_mac;
constexpr MacAddress kB = "02:bb:bb:bb:bb:bb"_mac;
constexpr MacAddress kC = "02:cc:cc:cc:cc:cc"_mac;
constexpr MacAddress kAway = "02:0a:0a:0a:0a:0a"_mac;    // a peer on another channel
constexpr MacAddress kOnAp = "02:0b:0b:0b:0b:0b"_mac;    // a peer reached through the (inactive) AP
constexpr MacAddress kNobody = "02:0c:0c:0c:0c:0c"_mac;  // never registered
const Key kLmk = {'f', 'a', 'u', 'l', 't', '-', 'i', 'n', 'j', 'e', 'c', 't', 'i', 'o', 'n', '!'};

const std::error_code kOk{};
const std::error_code kNoMem = errc::no_mem;
const std::error_code kInternal = errc::internal;
const std::error_code kNotFound = errc::not_found;
const std::error_code kNotInit = errc::not_init;
const std::error_code kArg = errc::arg;
const std::error_code kExist = errc::exist;
const std::error_code kFull = errc::full;
const std::error_code kIf = errc::intf;
const std::error_code kChan = errc::chan;

// A simulated device whose radio and link fail when their FailCounts say:
// SimRadio <- FailingRadio <- SoftLink <- FailingLink <- ESPNow.
class FaultyDevice {
 public:
  FaultyDevice(SimAir& air, MacAddress mac, FailCount& radio_faults, FailCount& link_faults,
               Clock& clock = steady_clock())
      : sim_radio_(**air.add_radio({.mac = mac})),
        radio_(sim_radio_, radio_faults),
        soft_link_(radio_),
        link_(soft_link_, link_faults),
        espnow_(link_, clock) {}
  ESPNow& espnow() { return espnow_; }

 private:
  SimRadio& sim_radio_;  // the air owns it
  FailingRadio radio_;
  SoftLink soft_link_;
  FailingLink link_;
  ESPNow espnow_;
};

struct Outcome {
  template <class R>
  Outcome(std::string s, const R& result) : step(std::move(s)), error(espnow::test::code_of(result)) {}
  std::string step;
  std::error_code error;
};

class Scenario {
 public:
  explicit Scenario(FailCount& faults)
      : air_(AirOptions{.error_model = lose_when(faults)}),
        a_(air_, kA, faults, faults), b_(air_, kB, faults, faults), c_(air_, kC, faults, faults) {}

  // The script; every step's error goes into `out`. A step fails only as
  // documented: NO_MEM for add_peer, INTERNAL for a send (also one the link
  // would have refused: a driver may fail before it looks), NO_MEM for a send
  // started without waiting; NOT_FOUND when an earlier add_peer failed.
  // The receivers, before any fault is armed.
  void set_up() {
    ASSERT_OK(b_.espnow().active(true));
    ASSERT_OK(c_.espnow().active(true));
    ASSERT_OK(c_.espnow().add_peer(kA, {.lmk = kLmk}));
  }

  void run(std::vector<Outcome>& out) {
    ESPNow& e = a_.espnow();
    out.push_back({"send before active", send_error(e.send(kB, message()))});
    out.push_back({"add_peer before active", e.add_peer(kB)});
    EXPECT_OK(e.active(true));
    out.push_back({"add_peer B", e.add_peer(kB)});
    out.push_back({"add_peer C encrypted", e.add_peer(kC, {.lmk = kLmk})});
    out.push_back({"add_peer B again", e.add_peer(kB)});
    out.push_back({"add_peer broadcast encrypted", e.add_peer(MacAddress::broadcast(), {.lmk = kLmk})});
    out.push_back({"add_peer bad channel", e.add_peer(kAway, {.channel = 15})});
    out.push_back({"add_peer short key", e.add_peer(kAway, {.lmk = std::span(kLmk).first(5)})});
    out.push_back({"add_peer away on channel 6", e.add_peer(kAway, {.channel = 6})});
    out.push_back({"add_peer on the AP", e.add_peer(kOnAp, {.ifidx = 1})});
    for (std::uint8_t i = 0; i < 16; ++i)
      out.push_back({"add_peer filler", e.add_peer(MacAddress{{0x02, 0xf0, 0, 0, 0, i}})});
    out.push_back({"add_peer 21st", e.add_peer(MacAddress{{0x02, 0xf1, 0, 0, 0, 0}})});
    for (int i = 0; i < 3; ++i) out.push_back({"send B sync", send_error(e.send(kB, message()))});
    out.push_back({"send C sync", send_error(e.send(kC, message()))});
    out.push_back({"send empty", send_error(e.send(kB, {}))});
    out.push_back({"send unregistered", send_error(e.send(kNobody, message()))});
    out.push_back({"send channel 6", send_error(e.send(kAway, message()))});
    out.push_back({"send on the AP", send_error(e.send(kOnAp, message()))});
    SendTicket ticket;
    const auto msg = message();
    const std::error_code started = e.start_send(&kB, msg, ticket).error();
    out.push_back({"start_send B", started});
    if (!started) {
      EXPECT_TRUE(wait_for([&] { return e.writable(); }));
    }
    out.push_back({"send B async", send_error(e.send(kB, message(), false))});
    EXPECT_TRUE(wait_for([&] { return e.writable(); }));
    // Last, as it takes the peer table down to B and C for the consistency check.
    for (std::uint8_t i = 0; i < 16; ++i) (void)e.del_peer(MacAddress{{0x02, 0xf0, 0, 0, 0, i}});
    (void)e.del_peer(MacAddress{{0x02, 0xf1, 0, 0, 0, 0}});
    (void)e.del_peer(kAway);
    (void)e.del_peer(kOnAp);
    out.push_back({"send to all", send_error(e.send_to_all(message()))});
  }

  // Consistency after the script, with the faults disarmed.
  void check_consistent() {
    ESPNow& e = a_.espnow();
    const auto peers = e.get_peers();
    ASSERT_TRUE(peers.ok());
    EXPECT_EQ(e.peer_count()->total, static_cast<int>(peers->size()));
    const Stats s = e.stats();
    EXPECT_EQ(s.tx_pkts, s.tx_responses);  // every send was answered
    EXPECT_LE(s.tx_failures, s.tx_responses);
    for (FaultyDevice* d : {&b_, &c_}) {
      std::set<std::uint32_t> seen;
      while (true) {
        auto r = d->espnow().recv(0);
        ASSERT_TRUE(r.ok());
        if (!*r) break;
        std::uint32_t id = 0;
        std::memcpy(&id, (*r)->msg.data(), sizeof id);
        EXPECT_TRUE(seen.insert(id).second) << "message " << id << " read twice";
      }
      const Stats rs = d->espnow().stats();
      EXPECT_EQ(rs.rx_packets, seen.size());
      EXPECT_EQ(rs.rx_packets + rs.rx_dropped, d->espnow().link_stats().rx_frames);
    }
    // And it still works.
    if (!e.get_peer(kB).ok()) {
      ASSERT_OK(e.add_peer(kB));
    }
    const auto ok = e.send(kB, message());
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(*ok);
  }

 private:
  std::vector<std::uint8_t> message() {
    std::vector<std::uint8_t> m(16, 'm');
    const std::uint32_t id = next_id_++;
    std::memcpy(m.data(), &id, sizeof id);
    return m;
  }
  static std::error_code send_error(const Result<bool>& r) { return r.error(); }

  SimAir air_;
  FaultyDevice a_;
  FaultyDevice b_;
  FaultyDevice c_;
  std::uint32_t next_id_ = 1;
};

// What each step may report. A fault in an add_peer makes it NO_MEM, and a
// peer that was then not added turns later steps into NOT_FOUND or lets a
// step that expected FULL or EXIST succeed. A send the link refuses (unknown
// peer, other channel, inactive interface) may meet the link's INTERNAL first.
const std::map<std::string, std::set<std::error_code>>& documented() {
  static const std::map<std::string, std::set<std::error_code>> table = {
      {"send before active", {kNotInit}},
      {"add_peer before active", {kNotInit}},
      {"add_peer B", {kOk, kNoMem}},
      {"add_peer C encrypted", {kOk, kNoMem}},
      {"add_peer B again", {kExist, kNoMem, kOk}},
      {"add_peer broadcast encrypted", {kArg}},
      {"add_peer bad channel", {kArg}},
      {"add_peer short key", {kArg}},
      {"add_peer away on channel 6", {kOk, kNoMem}},
      {"add_peer on the AP", {kOk, kNoMem}},
      {"add_peer filler", {kOk, kNoMem}},
      {"add_peer 21st", {kFull, kNoMem, kOk}},
      {"send B sync", {kOk, kInternal, kNotFound}},
      {"send C sync", {kOk, kInternal, kNotFound}},
      {"send empty", {kArg}},
      {"send unregistered", {kNotFound, kInternal}},
      {"send channel 6", {kChan, kNotFound, kInternal}},
      {"send on the AP", {kIf, kNotFound, kInternal}},
      {"start_send B", {kOk, kNoMem, kInternal, kNotFound}},
      {"send B async", {kOk, kInternal, kNotFound}},
      {"send to all", {kOk, kInternal, kNotFound}},
  };
  return table;
}

}  // namespace

TEST(FaultInjection, EveryFaultInTheScenarioSurfacesAsTheDocumentedErrorAndLeavesStateConsistent) {
  std::set<std::pair<std::string_view, std::error_code>> covered;
  std::set<std::string_view> points;
  std::set<std::error_code> send_errors, add_peer_errors;
  std::uint64_t n = 1;
  for (; n < 500; ++n) {
    FailCount faults;
    Scenario scenario(faults);
    scenario.set_up();
    faults.arm(n);
    std::vector<Outcome> outcomes;
    scenario.run(outcomes);
    const bool fired = faults.fired() > 0;
    faults.disarm();
    if (fired) points.insert(faults.last_fired());
    for (const Outcome& o : outcomes) {
      EXPECT_TRUE(documented().at(o.step).count(o.error)) << "n=" << n << ": " << o.step << " -> " << o.error.message();
      if (o.error == kNoMem || o.error == kInternal) covered.insert({faults.last_fired(), o.error});
      (o.step.find("add_peer") == 0 ? add_peer_errors : send_errors).insert(o.error);
    }
    scenario.check_consistent();
    if (HasFailure()) break;
    if (!fired) break;  // the whole scenario ran without meeting the n-th point
  }
  EXPECT_GT(n, 10u);  // the scenario has many fault points
  EXPECT_LT(n, 500u);
  // Every injected failure mode surfaced somewhere: add_peer's NO_MEM, the
  // link's INTERNAL for sync, async and to-all sends, NO_MEM for a send that
  // does not wait (a sync send retries a full queue, so it succeeds).
  EXPECT_TRUE(covered.count({FailingLink::kAddPeer, kNoMem}));
  EXPECT_TRUE(covered.count({FailingLink::kSend, kInternal}));
  EXPECT_TRUE(covered.count({FailingRadio::kTransmit, kNoMem}));
  // And frames were lost on the air (retried by the MAC, so no error shows).
  EXPECT_TRUE(points.count(kAirDelivery));
  // Every error path of send and add_peer was taken (ETIMEDOUT, and NO_MEM of
  // a sync send, need a fault that lasts: the tests below).
  EXPECT_EQ(send_errors, (std::set{kOk, kNotInit, kArg, kNotFound, kIf, kChan, kNoMem, kInternal}));
  EXPECT_EQ(add_peer_errors, (std::set{kOk, kNotInit, kArg, kExist, kFull, kNoMem}));
  RecordProperty("scenario_runs", static_cast<int>(n));
}

// Two active devices, a knowing b, whose radios' and air's faults the test
// arms. Their ESPNow waits on a manual clock: a wait for the 2 s rule ends
// at once with the clock moved to its deadline.
class HeldFault : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(a.espnow().active(true));
    ASSERT_OK(b.espnow().active(true));
    ASSERT_OK(a.espnow().add_peer(kB));
  }
  FailCount radio_faults, air_faults, no_faults;
  espnow::test::ManualClock clock;
  SimAir air{AirOptions{.error_model = lose_when(air_faults)}};
  FaultyDevice a{air, kA, radio_faults, no_faults, clock};
  FaultyDevice b{air, kB, radio_faults, no_faults, clock};
};

TEST_F(HeldFault, AFullQueueThatStaysFullIsNoMemAfterTwoSeconds) {
  radio_faults.arm(1, /*persistent=*/true);
  const auto t0 = clock.now();
  const auto r = a.espnow().send(kB, bytes("stuck"));
  EXPECT_EQ(r.error(), kNoMem);
  EXPECT_GE(clock.now() - t0, 2s);  // retried for the rule's two seconds, on the manual clock
  EXPECT_GT(clock.timed_waits(), 1);  // tried more than once
  radio_faults.disarm();
  EXPECT_TRUE(*a.espnow().send(kB, bytes("free again")));
  EXPECT_EQ(a.espnow().stats().tx_pkts, a.espnow().stats().tx_responses);
}

TEST_F(HeldFault, FramesLostOnEveryTryMakeASyncSendFalseAndOneLostTryIsRetried) {
  air_faults.arm(1);  // the first try is lost on the air
  EXPECT_TRUE(*a.espnow().send(kB, bytes("retried")));
  EXPECT_EQ(air_faults.fired(), 1u);
  air_faults.arm(1, /*persistent=*/true);  // every try from the first is lost
  EXPECT_FALSE(*a.espnow().send(kB, bytes("lost")));
  EXPECT_EQ(air_faults.fired(), 6u);  // the first try and five retries
  air_faults.disarm();
  const Stats s = a.espnow().stats();
  EXPECT_EQ(s.tx_pkts, 2u);
  EXPECT_EQ(s.tx_failures, 1u);
  auto got = b.espnow().recv(0);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ(std::string((*got)->msg.begin(), (*got)->msg.end()), "retried");
  EXPECT_FALSE(*b.espnow().recv(0));  // the lost one never arrived, and nothing came twice
}
