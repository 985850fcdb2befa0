// What typical ESP-IDF firmware writes beyond esp_now (idioms_program.c, C11):
// esp_check.h, static allocation, task suspension, the FreeRTOS and
// capability heaps, the eFuse MAC, esp_chip_info, and the transmit power,
// which sets what the radio sends at and so how far it reaches.
#include <gtest/gtest.h>

#include <atomic>

#include "driver/gpio.h"
#include "esp_now.h"
#include "esp_wifi.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "idioms_program.h"
#include "support/emulated_chip.hpp"
#include "support/wait_for.hpp"

using espnow::MacAddress;
using espnow::SimAir;
using espnow::emul::ChipOptions;
using espnow::emul::ScopedChip;
using espnow::test::make_chip;

namespace {

constexpr MacAddress kNear{{0x02, 0, 0, 0, 0, 0x21}};
constexpr MacAddress kFar{{0x02, 0, 0, 0, 0, 0x22}};

std::atomic<int> g_acked{0}, g_failed{0};
void on_sent(const esp_now_send_info_t*, esp_now_send_status_t status) {
  (status == ESP_NOW_SEND_SUCCESS ? g_acked : g_failed)++;
}

ChipOptions at(double x) {
  ChipOptions o;
  o.radio.position = {x, 0.0};
  return o;
}

void start_wifi() {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ASSERT_EQ(esp_wifi_init(&cfg), ESP_OK);
  ASSERT_EQ(esp_wifi_set_mode(WIFI_MODE_STA), ESP_OK);
  ASSERT_EQ(esp_wifi_start(), ESP_OK);
}

// One unicast to kFar: true when it was acknowledged.
bool acknowledged(espnow::emul::EmulatedChip& chip) {
  const int before = g_acked + g_failed;
  {
    ScopedChip use(&chip);
    EXPECT_EQ(esp_now_send(kFar.bytes.data(), reinterpret_cast<const uint8_t*>("hi"), 2), ESP_OK);
  }
  EXPECT_TRUE(espnow::test::wait_for([&] { return g_acked + g_failed > before; }));
  return g_acked > 0 && g_acked + g_failed == before + 1 && g_failed == 0;
}

// One of idioms_program.c's checks on a chip of its own: 0, or the line that failed.
int on_a_chip(int (*check)(void)) {
  SimAir air;
  auto chip = make_chip(air, kNear);
  ScopedChip use(chip.get());
  return check();
}

}  // namespace

TEST(EspCheck, EachMacroLogsFunctionLineAndMessageThenReturnsOrJumps) {
  EXPECT_EQ(on_a_chip(idioms_program_checks), 0) << "line of idioms_program.c";
}

TEST(FreeRtos, StaticCreatorsGiveWorkingObjectsAndNullWithoutABuffer) {
  EXPECT_EQ(on_a_chip(idioms_program_static_allocation), 0) << "line of idioms_program.c";
}

TEST(FreeRtos, ASuspendedTaskWaitsUntilResumed) {
  EXPECT_EQ(on_a_chip(idioms_program_suspend), 0) << "line of idioms_program.c";
}

TEST(EspSystem, TheEfuseMacStaysTheFactorysAndTheChipIsAnEsp32) {
  EXPECT_EQ(on_a_chip(idioms_program_identity), 0) << "line of idioms_program.c";
}

TEST(EspRom, BusyWaitsTakeTheirTimeOnTheChipsClock) {
  EXPECT_EQ(on_a_chip(idioms_program_busy_wait), 0) << "line of idioms_program.c";
}

TEST(EspRom, PrintfAssertAndTheWakeButtonsCallsBuildAndRunAsFirmwareWritesThem) {
  EXPECT_EQ(on_a_chip(idioms_program_rom_print_assert_and_wake_ups), 0) << "line of idioms_program.c";
}

TEST(EspWifi, MaxTxPowerIsWhatTheRadioSendsAtSoItSetsTheRange) {
  // 150 m apart (log-distance, exponent 3, 40 dB at 1 m: 105 dB): at 20 dBm
  // the frame arrives at -85 dBm and is heard; at 2 dBm, -103, below the
  // receiver's -97 dBm.
  SimAir air;
  auto near = make_chip(air, kNear, at(0.0)), far = make_chip(air, kFar, at(150.0));
  {
    ScopedChip use(far.get());
    start_wifi();
  }
  {
    ScopedChip use(near.get());
    ASSERT_EQ(idioms_program_tx_power_errors(), 0) << "line of idioms_program.c";
    ASSERT_EQ(esp_now_init(), ESP_OK);
    ASSERT_EQ(esp_now_register_send_cb(on_sent), ESP_OK);
    esp_now_peer_info_t peer{};
    std::copy(kFar.bytes.begin(), kFar.bytes.end(), peer.peer_addr);
    peer.ifidx = WIFI_IF_STA;
    ASSERT_EQ(esp_now_add_peer(&peer), ESP_OK);
  }
  EXPECT_DOUBLE_EQ(near->radio().tx_power(), 20.0);
  EXPECT_TRUE(acknowledged(*near)) << "at 20 dBm the far chip hears it";
  {
    ScopedChip use(near.get());
    ASSERT_EQ(esp_wifi_set_max_tx_power(8), ESP_OK);
  }
  EXPECT_DOUBLE_EQ(near->radio().tx_power(), 2.0);
  g_acked = 0;
  g_failed = 0;
  EXPECT_FALSE(acknowledged(*near)) << "at 2 dBm it does not";
  EXPECT_EQ(g_failed.load(), 1);
  {
    ScopedChip use(near.get());
    ASSERT_EQ(esp_wifi_set_max_tx_power(60), ESP_OK);  // 15 dBm: -90 dBm there
  }
  EXPECT_DOUBLE_EQ(near->radio().tx_power(), 15.0);
  g_acked = 0;
  g_failed = 0;
  EXPECT_TRUE(acknowledged(*near));
}

TEST(Gpio, EachChipHasItsPadsAndAHarnessSeesAndDrivesThem) {
  SimAir air;
  auto a = make_chip(air, kNear), b = make_chip(air, kFar);
  {
    ScopedChip use(a.get());
    ASSERT_EQ(idioms_program_gpio(), 0) << "line of idioms_program.c";
    ASSERT_EQ(gpio_set_direction(GPIO_NUM_2, GPIO_MODE_OUTPUT), ESP_OK);
    ASSERT_EQ(gpio_set_level(GPIO_NUM_2, 0), ESP_OK);
  }
  EXPECT_EQ(a->gpio_level(2), 0) << "driven low, whatever its pull-up";
  {
    ScopedChip use(a.get());
    ASSERT_EQ(gpio_set_level(GPIO_NUM_2, 1), ESP_OK);
  }
  EXPECT_EQ(a->gpio_level(2), 1) << "the LED is on";
  EXPECT_EQ(b->gpio_level(2), 1) << "another chip's pad 2: not driven, its reset pull-up";
  EXPECT_EQ(a->gpio_level(0), 1) << "the button is released";
  ASSERT_TRUE(a->set_gpio_input(0, 0));  // pressed
  {
    ScopedChip use(a.get());
    EXPECT_EQ(gpio_get_level(GPIO_NUM_0), 0);
    ASSERT_EQ(gpio_set_level(GPIO_NUM_2, 0), ESP_OK);
  }
  EXPECT_EQ(a->gpio_level(2), 0);
  ASSERT_TRUE(a->set_gpio_input(0, std::nullopt));  // released
  {
    ScopedChip use(a.get());
    EXPECT_EQ(gpio_get_level(GPIO_NUM_0), 1);
  }
  EXPECT_EQ(a->gpio_level(24), -1);
  EXPECT_FALSE(a->set_gpio_input(40, 1));
}
