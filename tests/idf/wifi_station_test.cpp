// A station's settings, scans and connection attempts
// (wifi_station_program.c): no access point is on the emulated air, so a
// scan finds nobody after its channels' time, and each esp_wifi_connect ends
// after a scan of the country's 11 channels (120 ms each) with
// WIFI_EVENT_STA_DISCONNECTED, reason NO_AP_FOUND; a gateway that retries,
// as ESP-IDF's station example does, hears ESP-NOW only while its radio is
// home: a scan takes it to each channel in turn, as a chip's does.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "espnow/devices/simulation.hpp"
#include "espnow/radio/sim_air.hpp"
#include "esp_wifi.h"
#include "espnow_emul.hpp"
#include "espnow_emul_simulation.hpp"
#include "support/emulated_chip.hpp"
#include "wifi_station_program.h"

using namespace std::chrono_literals;
using espnow::MacAddress;

TEST(WifiStation, ScansFindNobodyAndAConnectionEndsInNoApFoundWhileEspNowGoesOn) {
  station_reset();
  {
    espnow::Simulation sim({.seed = 2});
    ASSERT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = MacAddress{{0x02, 0, 0, 0, 0, 0x61}}}},
                                       station_gateway_app_main)
                    .ok());
    ASSERT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = MacAddress{{0x02, 0, 0, 0, 0, 0x62}}}},
                                       station_sender_app_main)
                    .ok());
    sim.run_for(4500ms);
  }
  const station_seen_t seen = station_seen();
  ASSERT_EQ(seen.setup_failed_line, 0) << "line of wifi_station_program.c";
  ASSERT_EQ(seen.disconnects, 2u);  // at 1.32 s and 2.64 s: each retry scans again
  EXPECT_EQ(seen.disconnect_ticks[0], seen.connect_tick + 132);  // 11 channels x 120 ms, at 100 ticks/s
  EXPECT_EQ(seen.disconnect_ticks[1], seen.connect_tick + 264);
  EXPECT_EQ(seen.last_reason, WIFI_REASON_NO_AP_FOUND);
  EXPECT_EQ(std::string(seen.last_ssid), "home-router");
  // The sender broadcasts on channel 1 every 100 ms from 0.1 s to 3 s. The
  // gateway's radio is on channel 1 for the first 50 ms of its blocking scan,
  // from 0.91 s (the passive scan of channel 6 over) to 1.17 s (the first
  // attempt's 120 ms there), and 2.37-2.49 s (the second's): the broadcasts
  // of 1.0, 1.1 and 2.4 s. Without the sweep it heard all 30.
  EXPECT_EQ(seen.espnow_received, 3u);
  EXPECT_EQ(seen.blocking_scan_ticks, 55u);  // 11 channels x 50 ms
  EXPECT_EQ(seen.scans_done, 2u);            // the blocking scan posts its event too
  EXPECT_EQ(seen.last_scan_done_tick, seen.scan_start_tick + 36);  // one channel, passive: 360 ms
  EXPECT_EQ(seen.last_scan_found, 0u);
  EXPECT_EQ(seen.last_scan_id, 2u);
}

TEST(WifiStation, TheSettingsErrorsAndRoundTripsAreEspIdfs) {
  espnow::SimAir air;
  auto chip = espnow::test::make_chip(air, MacAddress{{0x02, 0, 0, 0, 0, 0x63}});
  espnow::emul::ScopedChip use(chip.get());
  EXPECT_EQ(station_program_errors(), 0) << "line of wifi_station_program.c";
}
