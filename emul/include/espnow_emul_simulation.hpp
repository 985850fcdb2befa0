// Emulated ESP32s as devices of an espnow::Simulation: ESP-IDF firmware (its
// app_main) on virtual time, many chips in one process, deterministic for a
// seed (docs/simulation.md, "Virtual time").
//
//   espnow::Simulation sim({.seed = 7, .loss = 0.1});
//   for (std::uint8_t i = 1; i <= 10; ++i)
//     espnow::emul::add_chip(sim, {.radio = {.mac = {{0x02, 0, 0, 0, 0, i}}}}, app_main);
//   sim.run_for(std::chrono::minutes(10));
//
// Each chip is on the simulation's air and clock; its app_main runs on its
// "main" task, and that task, the tasks it creates, its Wi-Fi task, timer
// service, esp_timer task and event loop are programs of the simulation: one
// runs at a time, and time moves only when all of them wait (vTaskDelay,
// queue and notification timeouts, esp_timer, light sleep). The simulation
// keeps the chip until it ends. Copies of one firmware share its globals (one
// process): keep per-chip state by the chip's MAC or in task parameters.
#pragma once

#include <string>

#include "espnow/devices/simulation.hpp"
#include "espnow_emul.hpp"

namespace espnow::emul {

// A router on the simulation's air, as ESP-IDF firmware meets one: a chip's
// scan of its channel lists it (when its signal reaches the chip: the air's
// path loss, a chip's sensitivity at 1 Mbps), and a station whose
// configuration names its SSID (and password) connects to it: the chip's
// radio moves to the router's channel, WIFI_EVENT_STA_CONNECTED and
// IP_EVENT_STA_GOT_IP follow (esp_wifi.h). It is a radio of the air too: it
// broadcasts a beacon every 102.4 ms at 1 Mbps (wire/beacon.hpp), so chips on
// its channel contend with it and sniffers and captures see it; it carries
// no other traffic.
struct AccessPoint {
  std::string ssid;         // 1 to 32 bytes
  std::string password;     // empty: an open network; else WPA2-PSK, 8 to 63 characters
  std::uint8_t channel = 1;
  Position position{};
  MacAddress bssid{};       // zero: 02:a9:00:00:00:NN, NN its number on this air from 1
  double tx_power_dbm = 20.0;
};

// Puts a router on `sim`'s air for the rest of the simulation; chips made
// before and after find it. errc::arg, its detail naming the field, for an
// SSID, password, channel or BSSID no router could have. From the thread
// that runs the simulation, between runs.
Result<void> add_access_point(Simulation& sim, AccessPoint ap);

// Makes a chip on `sim`'s air with `sim`'s clock (options.clock is replaced)
// and, if app_main is not null, starts its "main" task running app_main with
// the chip selected, as ESP-IDF's start-up does; it runs from the next
// run_for(). Between runs, from the thread that runs the simulation. Its
// SoftLink is seeded from the simulation's seed and the chip's MAC unless
// options.link.seed says otherwise.
// With `clock_drift_ppm`, the chip's crystal runs that many parts per million
// fast (negative: slow) against the simulation's time, as a board's does: its
// ticks, delays, timeouts and timers drift; the air does not.
// With `boot_delay`, app_main is called that much later on the chip's clock
// (its ticks and log timestamps count from the start, as a chip's from
// power-on): chips powered together reach app_main at instants of their own.
// errc::arg for a group MAC or a bad channel.
Result<EmulatedChip*> add_chip(Simulation& sim, ChipOptions options, void (*app_main)(void),
                               double clock_drift_ppm = 0.0, std::chrono::nanoseconds boot_delay = {});

}  // namespace espnow::emul
