// make_chip: an emulated ESP32 (espnow::emul::EmulatedChip) on an air, with
// the given STA MAC and options; the test fails if the chip cannot be made.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"

namespace espnow::test {

inline std::unique_ptr<emul::EmulatedChip> make_chip(SimAir& air, const MacAddress& mac,
                                                     emul::ChipOptions options = {}) {
  options.radio.mac = mac;
  auto c = emul::EmulatedChip::create(air, options);
  EXPECT_TRUE(c.ok());
  return std::move(c.value());
}

}  // namespace espnow::test
