// Emulated ESP32s as devices of a Simulation (espnow_emul_simulation.hpp):
// ESP-IDF firmware in C on virtual time, many chips in one process,
// deterministic for a seed; FreeRTOS ticks, esp_timer and software timers at
// exact virtual times, an hour in milliseconds of wall time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "echo_heartbeat_firmware.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_now.h"
#include "esp_sleep.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "espnow/devices/simulation.hpp"
#include "espnow_emul_simulation.hpp"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "freertos/timers.h"

using namespace std::chrono_literals;
using espnow::MacAddress;
using espnow::Simulation;
using espnow::emul::EmulatedChip;

// The timer firmware keeps its timers for the chip's life, in globals, as firmware does.
esp_timer_handle_t g_esp_timer = nullptr;
TimerHandle_t g_rtos_timer = nullptr;

namespace {

MacAddress nth(std::uint8_t i) { return MacAddress{{0x02, 0, 0, 0, 0, i}}; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Every log line, by the chip that logged it (esp_log_set_vprintf is
// process-wide; one program runs at a time, and the log calls it under its lock).
std::map<const EmulatedChip*, std::vector<std::string>>* g_lines = nullptr;

int capture_line(const char* format, va_list args) {
  char line[256];
  const int n = std::vsnprintf(line, sizeof line, format, args);
  if (g_lines) (*g_lines)[espnow::emul::selected_chip_or_null()].emplace_back(line);
  return n;
}

struct CapturedLogs {
  explicit CapturedLogs(std::map<const EmulatedChip*, std::vector<std::string>>& lines) {
    g_lines = &lines;
    previous = esp_log_set_vprintf(capture_line);
  }
  ~CapturedLogs() {
    esp_log_set_vprintf(previous);
    g_lines = nullptr;
  }
  vprintf_like_t previous;
};

struct FleetRun {
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a of every frame on the air, with its time
  std::uint64_t frames = 0;
  std::vector<std::vector<std::string>> logs;  // by chip
  std::vector<echo_heartbeat_counts_t> counts;
  double wall_seconds = 0;
};

// The echo and heartbeat firmware on `chips` chips (the first echoes) for
// `run` of virtual time under 10% loss.
FleetRun echo_and_heartbeat(std::uint64_t seed, std::uint8_t chips, std::chrono::nanoseconds run) {
  FleetRun r;
  std::map<const EmulatedChip*, std::vector<std::string>> lines;
  std::vector<EmulatedChip*> made;
  const auto t0 = std::chrono::steady_clock::now();
  {
    CapturedLogs capture(lines);
    echo_heartbeat_reset();
    Simulation sim({.seed = seed, .loss = 0.1});
    const auto mix = [&r](std::uint64_t v) {
      for (int i = 0; i < 8; ++i) r.hash = (r.hash ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
    };
    sim.air().set_sniffer([&](const espnow::AiredFrame& f) {
      ++r.frames;
      mix(static_cast<std::uint64_t>(f.at.count()));
      mix(f.channel);
      for (const std::uint8_t b : f.frame) mix(b);
    });
    for (std::uint8_t i = 1; i <= chips; ++i) {
      auto chip = espnow::emul::add_chip(sim, {.radio = {.mac = nth(i)}}, echo_heartbeat_app_main);
      EXPECT_TRUE(chip.ok());
      if (chip.ok()) made.push_back(*chip);
    }
    sim.run_for(run);
    EXPECT_EQ(sim.now(), run);
    for (std::uint8_t i = 1; i <= chips; ++i) r.counts.push_back(echo_heartbeat_counts(i));
  }
  r.wall_seconds = seconds_since(t0);
  for (const EmulatedChip* chip : made) r.logs.push_back(lines[chip]);
  return r;
}

}  // namespace

TEST(IdfSimulation, TenChipsRunTheEchoAndHeartbeatFirmwareForTenMinutesTheSameForASeed) {
  const FleetRun a = echo_and_heartbeat(11, 10, 10min);
  const FleetRun b = echo_and_heartbeat(11, 10, 10min);
  const FleetRun c = echo_and_heartbeat(12, 10, 10min);
  RecordProperty("wall_seconds_per_run", std::to_string(a.wall_seconds));
  RecordProperty("frames", std::to_string(a.frames));
  std::printf("10 chips, 10 simulated minutes: %.2f s, %.2f s, %.2f s of wall time; %llu frames on the air\n",
              a.wall_seconds, b.wall_seconds, c.wall_seconds, static_cast<unsigned long long>(a.frames));
  EXPECT_LT(a.wall_seconds, 20.0);  // a few wall seconds at most on a quiet machine
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_EQ(a.logs, b.logs);
  EXPECT_NE(a.hash, c.hash);
  ASSERT_EQ(a.counts.size(), 10u);
  std::uint32_t beats = 0;
  for (std::size_t i = 1; i < a.counts.size(); ++i) {
    const echo_heartbeat_counts_t& n = a.counts[i];
    EXPECT_EQ(n.beats, 601u) << i;  // one a second from 0 s to 600 s
    EXPECT_GE(n.acked + n.failed, n.beats - 1) << i;  // a report for every send (but the one at 600 s)
    EXPECT_GE(n.acked, 590u) << i;   // 10% loss, but every frame gets its retries
    EXPECT_GE(n.received, 560u) << i;  // the echoes, each a second send under loss
    EXPECT_GE(a.logs[i].size(), n.received) << i;  // a line for each echo
    beats += n.beats;
  }
  EXPECT_GE(a.counts[0].received, beats * 95 / 100);  // the echoer heard the heartbeats
  EXPECT_GT(a.logs[0].size(), 5000u);
  // The log's timestamps are virtual: the first heartbeat's line is at 0 ms.
  ASSERT_FALSE(a.logs[1].empty());
  EXPECT_EQ(a.logs[1][0].rfind("I (0) main_task: Calling app_main()", 0), 0u) << a.logs[1][0];
}

namespace {

TickType_t g_before = 0, g_after = 0;
std::int64_t g_after_us = 0;

void delay_an_hour() {
  g_before = xTaskGetTickCount();
  vTaskDelay(pdMS_TO_TICKS(3600 * 1000));
  g_after = xTaskGetTickCount();
  g_after_us = esp_timer_get_time();
}

}  // namespace

TEST(IdfSimulation, AnHoursVTaskDelayAdvancesTheTicksByExactlyAnHourInMillisecondsOfWallTime) {
  const auto t0 = std::chrono::steady_clock::now();
  {
    Simulation sim;
    ASSERT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = nth(1)}}, delay_an_hour).ok());
    sim.run_for(2h);
    EXPECT_EQ(sim.now(), 2h);
  }
  const double wall = seconds_since(t0);
  RecordProperty("wall_seconds", std::to_string(wall));
  EXPECT_EQ(g_before, 0u);
  EXPECT_EQ(g_after - g_before, 3600u * configTICK_RATE_HZ);
  EXPECT_EQ(g_after_us, 3600ll * 1000 * 1000);
  EXPECT_LT(wall, 1.0);  // milliseconds, typically
}

namespace {

std::vector<std::int64_t> g_fired_us;
std::vector<TickType_t> g_fired_ticks;

void on_esp_timer(void*) { g_fired_us.push_back(esp_timer_get_time()); }
void on_rtos_timer(TimerHandle_t) { g_fired_ticks.push_back(xTaskGetTickCount()); }


void start_timers() {
  const esp_timer_create_args_t args = {.callback = on_esp_timer, .arg = nullptr, .dispatch_method = ESP_TIMER_TASK,
                                        .name = "periodic", .skip_unhandled_events = false};
  ESP_ERROR_CHECK(esp_timer_create(&args, &g_esp_timer));
  ESP_ERROR_CHECK(esp_timer_start_periodic(g_esp_timer, 250 * 1000));
  g_rtos_timer = xTimerCreate("tick", pdMS_TO_TICKS(300), pdTRUE, nullptr, on_rtos_timer);
  xTimerStart(g_rtos_timer, 0);
}

}  // namespace

TEST(IdfSimulation, TimersFireAtExactVirtualTimes) {
  g_fired_us.clear();
  g_fired_ticks.clear();
  {
    Simulation sim;
    ASSERT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = nth(1)}}, start_timers).ok());
    sim.run_for(1s);
    EXPECT_EQ(sim.now(), 1s);
    sim.run_for(1h);  // 14,400 more firings of the one, 12,000 of the other, in virtual time
  }
  EXPECT_NE(g_esp_timer, nullptr);
  EXPECT_NE(g_rtos_timer, nullptr);
  ASSERT_EQ(g_fired_us.size(), 4u + 14400u);
  for (std::size_t i = 0; i < g_fired_us.size(); ++i) ASSERT_EQ(g_fired_us[i], 250000ll * (i + 1)) << i;
  ASSERT_EQ(g_fired_ticks.size(), 3u + 12000u);
  for (std::size_t i = 0; i < g_fired_ticks.size(); ++i)
    ASSERT_EQ(g_fired_ticks[i], pdMS_TO_TICKS(300) * (i + 1)) << i;
}

namespace {

// What each wait returned, and at what virtual time (esp_timer's µs).
std::vector<std::string> g_steps;

void step(const char* what, long result) {
  g_steps.push_back(std::string(what) + " " + std::to_string(result) + " at " + std::to_string(esp_timer_get_time()));
}

void on_wifi_event(void*, esp_event_base_t, int32_t id, void*) { step("event", id); }

TaskHandle_t g_victim = nullptr;
void victim_task(void*) {
  step("victim delays", 0);
  vTaskDelay(pdMS_TO_TICKS(60 * 1000));
  step("victim was not deleted", 0);
}

// Every kind of timed wait, one after another, then a light sleep.
void waits_and_sleeps() {
  QueueHandle_t q = xQueueCreate(1, sizeof(int));
  int item = 0;
  step("queue receive", xQueueReceive(q, &item, pdMS_TO_TICKS(500)));
  xQueueSend(q, &item, 0);
  step("queue send to a full queue", xQueueSend(q, &item, pdMS_TO_TICKS(250)));
  SemaphoreHandle_t sem = xSemaphoreCreateBinary();
  step("semaphore take", xSemaphoreTake(sem, pdMS_TO_TICKS(100)));
  EventGroupHandle_t group = xEventGroupCreate();
  step("event group wait", static_cast<long>(xEventGroupWaitBits(group, BIT0, pdTRUE, pdTRUE, pdMS_TO_TICKS(150))));
  step("notify take", static_cast<long>(ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(1000))));
  TickType_t last = xTaskGetTickCount();
  step("delay until", xTaskDelayUntil(&last, pdMS_TO_TICKS(3000)));
  // The default event loop is a task of the chip too.
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  ESP_ERROR_CHECK(esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi_event, nullptr));
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  vTaskDelay(1);
  ESP_ERROR_CHECK(esp_sleep_enable_timer_wakeup(10 * 1000 * 1000));
  step("light sleep", esp_light_sleep_start());
  // A task deleted while it delays ends then, not when its delay is over.
  xTaskCreate(victim_task, "victim", 4096, nullptr, 5, &g_victim);
  vTaskDelay(pdMS_TO_TICKS(10));
  vTaskDelete(g_victim);
  vTaskDelay(pdMS_TO_TICKS(120 * 1000));
  // Deleting the loop waits for its task to end: through the clock, as a program.
  step("loop deleted", esp_event_loop_delete_default());
  vEventGroupDelete(group);
  vSemaphoreDelete(sem);
  vQueueDelete(q);
}

}  // namespace

TEST(IdfSimulation, TimeoutsLightSleepAndTheEventLoopAreOnVirtualTime) {
  g_steps.clear();
  {
    Simulation sim;
    ASSERT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = nth(1)}}, waits_and_sleeps).ok());
    sim.run_for(1h);
  }
  const int start = WIFI_EVENT_STA_START;
  EXPECT_EQ(g_steps, (std::vector<std::string>{
                         "queue receive 0 at 500000",
                         "queue send to a full queue 0 at 750000",
                         "semaphore take 0 at 850000",
                         "event group wait 0 at 1000000",
                         "notify take 0 at 2000000",
                         "delay until 1 at 5000000",
                         "event " + std::to_string(start) + " at 5000000",
                         "light sleep 0 at 15010000",
                         "victim delays 0 at 15010000",
                         "loop deleted 0 at 135020000",
                     }));
}

TEST(IdfSimulationDeathTest, AChipOnASimulationsClockDestroyedBeforeItIsReportedNotLeftToHang) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Simulation sim;
        auto chip = EmulatedChip::create(sim.air(), {.radio = {.mac = nth(1)}, .clock = &sim.clock()});
        sim.run_for(1s);
        chip.value().reset();  // its tasks are the simulation's: nothing would end them now
      },
      "none of the simulation's programs waited on its clock");
}

namespace {

// Identical beacon firmware on every chip: a broadcast a second, and a count
// of the beacons each chip heard (by its STA MAC: copies share globals).
std::map<MacAddress, int>* g_heard = nullptr;

void count_beacon(const esp_now_recv_info_t*, const uint8_t*, int) {
  MacAddress me;
  esp_wifi_get_mac(WIFI_IF_STA, me.bytes.data());
  ++(*g_heard)[me];
}

void beacon_app_main() {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&cfg));
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_start());
  ESP_ERROR_CHECK(esp_now_init());
  ESP_ERROR_CHECK(esp_now_register_recv_cb(count_beacon));
  esp_now_peer_info_t peer = {};
  std::fill(std::begin(peer.peer_addr), std::end(peer.peer_addr), 0xff);
  ESP_ERROR_CHECK(esp_now_add_peer(&peer));
  for (int beat = 0; beat < 5; ++beat) {
    ESP_ERROR_CHECK(esp_now_send(peer.peer_addr, reinterpret_cast<const uint8_t*>("beacon"), 6));
    vTaskDelay(pdMS_TO_TICKS(1000));
  }
}

// What each of two beacon chips heard, the second booting `apart` later.
std::map<MacAddress, int> beacons_heard(std::chrono::nanoseconds apart) {
  std::map<MacAddress, int> heard;
  g_heard = &heard;
  {
    Simulation sim({.seed = 3});
    EXPECT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = nth(1)}}, beacon_app_main).ok());
    EXPECT_TRUE(espnow::emul::add_chip(sim, {.radio = {.mac = nth(2)}}, beacon_app_main, 0.0, apart).ok());
    sim.run_for(10s);
  }
  g_heard = nullptr;
  return heard;
}

}  // namespace

// Chips started in the same nanosecond send their beacons in the same
// instant for ever, and a radio that sends hears nothing; the --sim command
// boots each at an instant of its own (--boot-spread).
TEST(IdfSimulation, ABootDelayKeepsIdenticalFirmwareOutOfLockstep) {
  EXPECT_TRUE(beacons_heard(0ns).empty());
  const std::map<MacAddress, int> apart = beacons_heard(37ms);  // the second not on yet for the first's first
  EXPECT_EQ(apart, (std::map<MacAddress, int>{{nth(1), 5}, {nth(2), 4}}));
}
