// The same C program (callback_shapes.c) compiled in the callback shapes of
// ESP-IDF 4.4, 5.0, 5.4 and 5.5: the emulated chip calls each in the shape
// its program was compiled for, so every version reads the right MAC and
// status (before this, a 5.4-style send callback read a pointer as a MAC).
#include <gtest/gtest.h>

#include <cstring>
#include <ostream>
#include <string>

#include "callback_shapes.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:5a:00"_mac;
constexpr MacAddress kB = "02:00:00:00:5b:00"_mac;
constexpr MacAddress kNobody = "02:00:00:00:5c:00"_mac;

struct Shape {
  const char* name;
  int (*start)(const uint8_t*, int);
  int (*send)(const uint8_t*, const char*);
  void (*result)(shapes_result_t*);
  int (*counts)();
  int (*version)();
  int expected_version;
};

// gtest names the case by its version, not by the bytes of the struct.
void PrintTo(const Shape& s, std::ostream* os) { *os << s.name; }

#define SHAPE(v, major, minor) \
  Shape { #v, shapes_##v##_start, shapes_##v##_send, shapes_##v##_result, shapes_##v##_counts, shapes_##v##_version, (major << 16) | (minor << 8) }

class CallbackShapes : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override {
    auto ca = emul::EmulatedChip::create(air, {.radio = {.mac = kA}});
    auto cb = emul::EmulatedChip::create(air, {.radio = {.mac = kB}});
    ASSERT_TRUE(ca.ok() && cb.ok());
    a = std::move(ca.value());
    b = std::move(cb.value());
    emul::ScopedChip use(b.get());  // b: a plain chip that answers and sends
    const wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
    ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
    ASSERT_EQ(esp_wifi_set_mode(WIFI_MODE_STA), ESP_OK);
    ASSERT_EQ(esp_wifi_start(), ESP_OK);
    ASSERT_EQ(esp_now_init(), ESP_OK);
    esp_now_peer_info_t p{};
    std::memcpy(p.peer_addr, kA.bytes.data(), 6);
    ASSERT_EQ(esp_now_add_peer(&p), ESP_OK);
  }
  // The program's callback counts reach `sent` and `received`, within a deadline.
  shapes_result_t wait_counts(int sent, int received) {
    const Shape& s = GetParam();
    EXPECT_TRUE(test::wait_for([&] { return s.counts() == sent * 1000 + received; })) << "counts " << s.counts();
    shapes_result_t r{};
    s.result(&r);
    return r;
  }

  bool reports_interface() const { return GetParam().expected_version >= (5 << 16 | 5 << 8); }

  SimAir air;
  std::unique_ptr<emul::EmulatedChip> a, b;
};

}  // namespace

TEST_P(CallbackShapes, TheProgramIsCompiledWithItsVersion) {
  EXPECT_EQ(GetParam().version(), GetParam().expected_version);
}

TEST_P(CallbackShapes, TheSendCallbackGetsTheDestinationAndSuccess) {
  emul::ScopedChip use(a.get());
  ASSERT_EQ(GetParam().start(kB.bytes.data(), 0), ESP_OK);
  ASSERT_EQ(GetParam().send(kB.bytes.data(), "to b"), ESP_OK);
  const shapes_result_t r = wait_counts(1, 0);
  EXPECT_EQ(MacAddress::read(r.sent_mac), kB);
  EXPECT_EQ(r.sent_status, ESP_NOW_SEND_SUCCESS);
  if (!reports_interface()) return;
  EXPECT_EQ(MacAddress::read(r.sent_src), kA);
  EXPECT_EQ(r.sent_ifidx, WIFI_IF_STA);
}

// From 5.5 the report names the interface the frame left by, and its MAC.
TEST_P(CallbackShapes, TheSendCallbackOfAFrameSentOnTheApGetsTheApMacAndInterface) {
  emul::ScopedChip use(a.get());
  ASSERT_EQ(GetParam().start(kB.bytes.data(), 1), ESP_OK);
  ASSERT_EQ(GetParam().send(kB.bytes.data(), "from a's AP"), ESP_OK);
  const shapes_result_t r = wait_counts(1, 0);
  EXPECT_EQ(MacAddress::read(r.sent_mac), kB);
  EXPECT_EQ(r.sent_status, ESP_NOW_SEND_SUCCESS);
  if (!reports_interface()) return;
  EXPECT_EQ(MacAddress::read(r.sent_src), a->radio().mac(Interface::ap));
  EXPECT_EQ(r.sent_ifidx, WIFI_IF_AP);
}

TEST_P(CallbackShapes, TheSendCallbackGetsTheDestinationAndFailWhenNobodyAcks) {
  emul::ScopedChip use(a.get());
  ASSERT_EQ(GetParam().start(kB.bytes.data(), 0), ESP_OK);
  ASSERT_EQ(GetParam().send(kNobody.bytes.data(), "to nobody"), ESP_OK);
  const shapes_result_t r = wait_counts(1, 0);
  EXPECT_EQ(MacAddress::read(r.sent_mac), kNobody);
  EXPECT_EQ(r.sent_status, ESP_NOW_SEND_FAIL);
}

TEST_P(CallbackShapes, TheReceiveCallbackGetsTheSourceAndTheMessage) {
  {
    emul::ScopedChip use(a.get());
    ASSERT_EQ(GetParam().start(kB.bytes.data(), 0), ESP_OK);
  }
  {
    emul::ScopedChip use(b.get());
    const char msg[] = "hello a";
    ASSERT_EQ(esp_now_send(kA.bytes.data(), reinterpret_cast<const uint8_t*>(msg), sizeof msg - 1), ESP_OK);
  }
  const shapes_result_t r = wait_counts(0, 1);
  EXPECT_EQ(MacAddress::read(r.recv_mac), kB);
  EXPECT_EQ(std::string(r.recv_data), "hello a");
}

INSTANTIATE_TEST_SUITE_P(IdfVersions, CallbackShapes,
                         ::testing::Values(SHAPE(v4_4, 4, 4), SHAPE(v5_0, 5, 0), SHAPE(v5_4, 5, 4), SHAPE(v5_5, 5, 5)),
                         [](const ::testing::TestParamInfo<Shape>& p) { return std::string(p.param.name); });
