// The routers of a Simulation (add_access_point) as ESP-IDF firmware meets
// them (access_point_program.c): a scan lists those that reach the chip,
// strongest first; a station joins its router with the right password only,
// moves to the router's channel, which esp_wifi_set_channel cannot move it
// off while it is connected, gets its address; a sensor finds that
// channel by a scan for the router's SSID, and its ESP-NOW messages reach
// the gateway there.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <chrono>
#include <string>

#include "access_point_program.h"
#include "chip_state.hpp"  // the chip's link counters (white box)
#include "esp_wifi.h"
#include "espnow/devices/simulation.hpp"
#include "espnow_emul.hpp"
#include "espnow_emul_simulation.hpp"

using namespace std::chrono_literals;
using espnow::MacAddress;
using espnow::emul::AccessPoint;

TEST(AccessPoints, AGatewayJoinsItsRouterAndASensorFindsItsChannel) {
  ap_reset();
  {
    espnow::Simulation sim({.seed = 3});
    ASSERT_TRUE(espnow::emul::add_access_point(
                    sim, {.ssid = "home-router", .password = "correct horse", .channel = 6, .position = {5, 0}})
                    .ok());
    ASSERT_TRUE(espnow::emul::add_access_point(sim, {.ssid = "cafe", .password = "", .channel = 11, .position = {40, 0}}).ok());
    ASSERT_TRUE(espnow::emul::add_access_point(sim, {.ssid = "far-away", .password = "", .channel = 1, .position = {5000, 0}}).ok());
    const auto gateway =
        espnow::emul::add_chip(sim, {.radio = {.mac = MacAddress{{0x02, 0, 0, 0, 0, 0x71}}}}, ap_gateway_app_main);
    ASSERT_TRUE(gateway.ok());
    ASSERT_TRUE(espnow::emul::add_chip(
                    sim, {.radio = {.mac = MacAddress{{0x02, 0, 0, 0, 0, 0x72}}, .position = {10, 0}}},
                    ap_sensor_app_main)
                    .ok());
    sim.run_for(11s);
    // The beacons it heard reached its sniffer, not its ESP-NOW stack (a
    // chip's sees action frames only): none counted as a malformed frame.
    EXPECT_EQ((*gateway)->state().link.stats().rx_malformed, 0u);
  }
  const ap_seen_t seen = ap_seen();
  ASSERT_EQ(seen.setup_failed_line, 0) << "line of access_point_program.c (gateway)";
  ASSERT_EQ(seen.sensor_failed_line, 0) << "line of access_point_program.c (sensor)";
  // The scan: both routers in reach, the stronger first; not the one 5 km away.
  ASSERT_EQ(seen.scan_found, 2u);
  EXPECT_EQ(std::string(seen.scan_ssids[0]), "home-router");
  EXPECT_EQ(seen.scan_channels[0], 6);
  EXPECT_EQ(seen.scan_rssi[0], -41);  // 20 dBm - 40 dB - 30 log10(5 m)
  EXPECT_EQ(seen.scan_authmodes[0], WIFI_AUTH_WPA2_PSK);
  EXPECT_EQ(std::string(seen.scan_ssids[1]), "cafe");
  EXPECT_EQ(seen.scan_channels[1], 11);
  EXPECT_EQ(seen.scan_rssi[1], -68);
  EXPECT_EQ(seen.scan_authmodes[1], WIFI_AUTH_OPEN);
  EXPECT_EQ(seen.after_read, 0u);  // reading the records freed them
  EXPECT_EQ(seen.channel_after_scan, 1);  // the scan visited every channel, then came home
  // The wrong password, then the right one.
  EXPECT_EQ(seen.first_reason, WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT);
  EXPECT_EQ(seen.connected, 1u);
  EXPECT_EQ(seen.connected_channel, 6);
  EXPECT_EQ(std::string(seen.connected_ssid), "home-router");
  EXPECT_EQ(seen.channel_after, 6);
  EXPECT_EQ(std::string(seen.ap_info_ssid), "home-router");
  // An attempt and a connection hold the radio: esp_wifi_set_channel is
  // ESP_FAIL (ESP-IDF's "cannot set channel"), the channel stays the
  // router's; after the disconnection it works again.
  EXPECT_EQ(seen.set_channel_connecting, ESP_FAIL);
  EXPECT_EQ(seen.set_channel_connected, ESP_FAIL);
  EXPECT_EQ(seen.channel_after_refused, 6);
  EXPECT_EQ(seen.set_channel_disconnected, ESP_OK);
  ASSERT_EQ(seen.got_ip, 1u);
  EXPECT_TRUE(seen.esp_netif_matches);
  EXPECT_EQ(seen.ip, htonl(0xC0A80100u | (2 + 0x71)));  // 192.168.1.115
  EXPECT_EQ(seen.gw, htonl(0xC0A80101u));
  EXPECT_EQ(seen.netmask, htonl(0xFFFFFF00u));
  // The sensor found channel 6 and every message arrived there.
  EXPECT_EQ(seen.sensor_channel, 6);
  EXPECT_EQ(seen.espnow_received, 10u);
  // The router beacons every 102.4 ms: 29 or 30 in the 3 s the gateway sniffed.
  EXPECT_GE(seen.beacons, 29u);
  EXPECT_LE(seen.beacons, 30u);
  EXPECT_EQ(std::string(seen.beacon_ssid), "home-router");
  EXPECT_EQ(seen.beacon_channel, 6);
  EXPECT_EQ(seen.beacon_bssid_last, 1);  // 02:a9:00:00:00:01, the first router's
  // Connected, a scan goes back to the router's channel for 30 ms between two
  // channels (ESP-IDF's home_chan_dwell_time): 11 x 120 ms + 10 x 30 ms.
  EXPECT_EQ(seen.connected_scan_ticks, 162u);
  EXPECT_EQ(seen.channel_after_connected_scan, 6);
  EXPECT_EQ(seen.last_reason, WIFI_REASON_ASSOC_LEAVE);
  EXPECT_TRUE(seen.not_connected_after);
}

TEST(AccessPoints, ARouterNoneCouldBeIsRefusedWithTheFieldNamed) {
  espnow::Simulation sim({.seed = 1});
  const auto refused = [&](AccessPoint ap) {
    auto r = espnow::emul::add_access_point(sim, std::move(ap));
    return r.ok() ? std::string("accepted") : std::string(r.detail());
  };
  EXPECT_NE(refused({.ssid = "", .password = ""}).find("SSID"), std::string::npos);
  EXPECT_NE(refused({.ssid = std::string(33, 'x'), .password = ""}).find("SSID"), std::string::npos);
  EXPECT_NE(refused({.ssid = "a", .password = "short"}).find("password"), std::string::npos);
  EXPECT_NE(refused({.ssid = "a", .password = std::string(64, 'p')}).find("password"), std::string::npos);
  EXPECT_NE(refused({.ssid = "a", .password = "", .channel = 15}).find("channel"), std::string::npos);
  EXPECT_NE(refused({.ssid = "a", .password = "", .channel = 1, .position = {}, .bssid = MacAddress{{0x01, 0, 0x5e, 0, 0, 1}}}).find("BSSID"), std::string::npos);
  EXPECT_EQ(refused({.ssid = std::string(32, 'x'), .password = std::string(63, 'p'), .channel = 14}), "accepted");
}
