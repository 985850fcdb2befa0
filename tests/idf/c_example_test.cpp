// Two emulated chips run the plain-C ESP-NOW program (espnow_example.c, built
// as C against the emulation's headers), each on its own thread, on the
// in-process air and on the UDP air.
#include <gtest/gtest.h>

#include <thread>

#include "espnow/radio/sim_air.hpp"
#include "espnow/radio/udp_air.hpp"
#include "support/expect.hpp"
#include "espnow_emul.hpp"
#include "espnow_example.h"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac;
constexpr MacAddress kB = "02:00:00:00:00:0b"_mac;

struct ProgramRun {
  example_result_t result{};
  int rc = -1;
};

// Each program on its own thread, with its chip selected there.
void run_pair(emul::EmulatedChip& a, emul::EmulatedChip& b, const example_config_t& config, ProgramRun& ra, ProgramRun& rb) {
  auto run = [&config](emul::EmulatedChip& chip, ProgramRun& r) {
    emul::ScopedChip use(&chip);
    r.rc = example_espnow_run(&config, &r.result);
  };
  std::thread ta(run, std::ref(a), std::ref(ra));
  std::thread tb(run, std::ref(b), std::ref(rb));
  ta.join();
  tb.join();
}

void expect_exchanged(const ProgramRun& ra, const ProgramRun& rb, const example_config_t& config) {
  for (const ProgramRun* r : {&ra, &rb}) {
    EXPECT_EQ(r->rc, 0);
    EXPECT_EQ(r->result.error, 0);
    EXPECT_GE(r->result.broadcasts_sent + (r == &ra ? rb : ra).result.broadcasts_sent, 1);
    EXPECT_EQ(r->result.unicast_sent_ok, config.unicast_count);
    EXPECT_EQ(r->result.unicast_send_failed, 0);
    EXPECT_EQ(r->result.unicast_received, config.unicast_count);
    EXPECT_EQ(r->result.bad_packets, 0);
  }
  EXPECT_EQ(MacAddress::read(ra.result.peer_mac), kB);
  EXPECT_EQ(MacAddress::read(rb.result.peer_mac), kA);
}

}  // namespace

TEST(CExample, TwoChipsOnTheInProcessAirDiscoverEachOtherThenExchangeUnicasts) {
  SimAir air;
  auto a = emul::EmulatedChip::create(air, {.radio = {.mac = kA, .channel = 1}});
  auto b = emul::EmulatedChip::create(air, {.radio = {.mac = kB, .channel = 1}});
  ASSERT_TRUE(a.ok() && b.ok());
  const example_config_t config{6, 20, 10000, 0};
  ProgramRun ra, rb;
  run_pair(**a, **b, config, ra, rb);
  expect_exchanged(ra, rb, config);
  EXPECT_EQ((*a)->radio().channel(), 6);  // the program set it
}

TEST(CExample, WithEncryptedPeersTheUnicastsTravelUnderCcmp) {
  SimAir air;
  auto a = emul::EmulatedChip::create(air, {.radio = {.mac = kA, .channel = 1}});
  auto b = emul::EmulatedChip::create(air, {.radio = {.mac = kB, .channel = 1}});
  ASSERT_TRUE(a.ok() && b.ok());
  const example_config_t config{1, 20, 10000, 1};
  ProgramRun ra, rb;
  run_pair(**a, **b, config, ra, rb);
  expect_exchanged(ra, rb, config);
  EXPECT_EQ((*a)->link().pmk()[0], 'p');  // the program's PMK, not the default
  EXPECT_EQ((*b)->link().stats().rx_mic_failures, 0u);
}

TEST(CExample, TwoChipsOnTheUdpAirDoTheSame) {
  const Result<AirUrl> url = parse_air_url("udp://239.255.0.1:47519");
  ASSERT_OK(url);
  auto opened = UdpAir::open(*url);
  ASSERT_OK(opened);
  auto a = emul::EmulatedChip::create(**opened, {.radio = {.mac = kA, .channel = 1}});
  auto b = emul::EmulatedChip::create(**opened, {.radio = {.mac = kB, .channel = 1}});
  ASSERT_TRUE(a.ok() && b.ok());
  const example_config_t config{11, 10, 10000, 0};
  ProgramRun ra, rb;
  run_pair(**a, **b, config, ra, rb);
  expect_exchanged(ra, rb, config);
}

TEST(CExample, AChipAloneNeverFindsAPeerAndTimesOut) {
  SimAir air;
  auto a = emul::EmulatedChip::create(air, {.radio = {.mac = kA}});
  ASSERT_TRUE(a.ok());
  emul::ScopedChip use(a->get());
  const example_config_t config{1, 3, 200, 0};
  example_result_t r{};
  EXPECT_EQ(example_espnow_run(&config, &r), -1);
  EXPECT_EQ(r.error, 0);
  EXPECT_GE(r.broadcasts_sent, 5);
  EXPECT_EQ(r.unicast_received, 0);
}
