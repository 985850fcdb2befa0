// ESP-IDF's ADC oneshot driver on an emulated ESP32 (adc_program.c, C11): a
// harness puts a voltage on a pad (EmulatedChip::set_analog_input) and the
// firmware reads it raw and calibrated, through an ideal 12-bit converter
// whose full scale is 3900 mV at 12 dB and 1100 mV at 0 dB; ADC2 is the
// Wi-Fi's while it runs.
#include <gtest/gtest.h>

#include "adc_program.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "support/emulated_chip.hpp"

namespace {

constexpr espnow::MacAddress kChip{{0x02, 0, 0, 0, 0, 0x51}};

// `check` on a chip of its own whose pad `pad` has `mv` on it (nullopt: nothing).
template <class Check>
int on_a_chip(int pad, std::optional<int> mv, Check check) {
  espnow::SimAir air;
  auto chip = espnow::test::make_chip(air, kChip);
  EXPECT_TRUE(chip->set_analog_input(pad, mv));
  espnow::emul::ScopedChip use(chip.get());
  return check();
}

}  // namespace

TEST(Adc, PadsClaimsAndErrorsAreEspIdfs) {
  EXPECT_EQ(on_a_chip(34, std::nullopt, adc_program_errors), 0) << "line of adc_program.c";
}

TEST(Adc, ABatteryDividerReadsItsVoltageRawAndCalibrated) {
  // 1650 mV at 12 dB: 1650 * 4095 / 3900 = 1732.5, rounded 1733; back: 1650 mV.
  EXPECT_EQ(on_a_chip(34, 1650, [] { return adc_program_battery(1733, 1650); }), 0) << "line of adc_program.c";
  EXPECT_EQ(on_a_chip(34, 0, [] { return adc_program_battery(0, 0); }), 0);
  EXPECT_EQ(on_a_chip(34, 5000, [] { return adc_program_battery(4095, 3900); }), 0);  // clamped at full scale
}

TEST(Adc, AttenuationAndWidthSetTheScale) {
  // 1650 mV is past 0 dB's 1100 mV full scale; at 9 bits, 1650 * 511 / 3900 = 216.2.
  EXPECT_EQ(on_a_chip(34, 1650, [] { return adc_program_ranges(4095, 216); }), 0) << "line of adc_program.c";
}

TEST(Adc, Adc2TimesOutWhileTheWifiIsStarted) {
  EXPECT_EQ(on_a_chip(4, 3300, [] { return adc_program_adc2_and_wifi(3465); }), 0) << "line of adc_program.c";
}

TEST(Adc, APadDrivenDigitallyReadsItsLevelAtThreeVoltThree) {
  espnow::SimAir air;
  auto chip = espnow::test::make_chip(air, kChip);
  ASSERT_TRUE(chip->set_gpio_input(34, 1));
  EXPECT_FALSE(chip->set_analog_input(24, 100));  // an ESP32 has no GPIO 24
  espnow::emul::ScopedChip use(chip.get());
  EXPECT_EQ(adc_program_battery(3465, 3300), 0) << "line of adc_program.c";  // 3300 * 4095 / 3900 = 3465
}
