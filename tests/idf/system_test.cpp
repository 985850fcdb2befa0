// esp_crc (ESP-IDF's ROM conventions, checked against the CRC catalogue),
// esp_random, esp_netif, from C11 (system_program.c).
#include <gtest/gtest.h>

#include "esp_netif.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"

extern "C" int system_program_crc(void);
extern "C" int system_program_random(void);
extern "C" int system_program_netif(void);

using espnow::emul::EmulatedChip;
using espnow::emul::ScopedChip;

TEST(EspCrc, RomConventionsAndCatalogueCheckValues) { EXPECT_EQ(system_program_crc(), 0) << "line of system_program.c"; }

TEST(EspRandom, WordsAndBuffersAreFilled) { EXPECT_EQ(system_program_random(), 0) << "line of system_program.c"; }

TEST(EspNetif, DefaultInterfacesNeedTheDefaultLoop) {
  espnow::SimAir air;
  auto chip = EmulatedChip::create(air, {});
  ASSERT_TRUE(chip.ok());
  ScopedChip use(chip.value().get());
  EXPECT_EQ(system_program_netif(), 0) << "line of system_program.c";
  EXPECT_DEATH(
      {
        ScopedChip again(chip.value().get());
        esp_netif_create_default_wifi_sta();
      },
      "esp_event_loop_create_default");
}
