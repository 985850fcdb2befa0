// NVS and the default event loop of emulated chips: every call's errors
// (from C, nvs_event_program.c), one store per chip, a chip that "reboots"
// with its NVS when it has a directory, handler order and a full queue, and
// the Wi-Fi START events an ESP-NOW application waits for.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "esp_event.h"
#include "esp_wifi.h"
#include "espnow/radio/sim_air.hpp"
#include "espnow_emul.hpp"
#include "freertos/semphr.h"
#include "support/emulated_chip.hpp"
#include "nvs.h"
#include "nvs_event_program.h"
#include "nvs_flash.h"
#include "support/wait_for.hpp"

using espnow::MacAddress;
using espnow::SimAir;
using espnow::emul::ChipOptions;
using espnow::emul::EmulatedChip;
using espnow::emul::ScopedChip;

namespace {

const MacAddress kA{{0x02, 0, 0, 0, 0, 0x0a}};
const MacAddress kB{{0x02, 0, 0, 0, 0, 0x0b}};

std::unique_ptr<EmulatedChip> make_chip(SimAir& air, const MacAddress& mac, std::string nvs_dir = {}) {
  return espnow::test::make_chip(air, mac, ChipOptions{.nvs_dir = std::move(nvs_dir)});
}

// A fresh directory for one test's NVS files.
std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("espnow_nvs_" + std::string(name) + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST(Nvs, EveryCallAndItsErrorsFromC) {
  SimAir air;
  auto chip = make_chip(air, kA);
  ScopedChip use(chip.get());
  EXPECT_EQ(nvs_program_errors(), 0) << "the check on this line of nvs_event_program.c failed";
}

TEST(Nvs, EachChipHasItsOwnStore) {
  SimAir air;
  auto a = make_chip(air, kA), b = make_chip(air, kB);
  nvs_handle_t ha = 0, hb = 0;
  {
    ScopedChip use(a.get());
    ASSERT_EQ(nvs_flash_init(), ESP_OK);
    ASSERT_EQ(nvs_open("peers", NVS_READWRITE, &ha), ESP_OK);
    ASSERT_EQ(nvs_set_u8(ha, "n", 3), ESP_OK);
  }
  {
    ScopedChip use(b.get());
    EXPECT_EQ(nvs_open("peers", NVS_READWRITE, &hb), ESP_ERR_NVS_NOT_INITIALIZED);  // a's init is a's
    ASSERT_EQ(nvs_flash_init(), ESP_OK);
    EXPECT_EQ(nvs_open("peers", NVS_READONLY, &hb), ESP_ERR_NVS_NOT_FOUND);
    // a's handle still acts on a's store from here, as a handle names its partition.
    uint8_t n = 0;
    EXPECT_EQ(nvs_get_u8(ha, "n", &n), ESP_OK);
    EXPECT_EQ(n, 3);
  }
  a.reset();  // a chip that goes takes its handles with it
  uint8_t n = 0;
  EXPECT_EQ(nvs_get_u8(ha, "n", &n), ESP_ERR_NVS_INVALID_HANDLE);
}

TEST(Nvs, AChipRebootsWithItsNvsWhenItHasADirectory) {
  const auto dir = temp_dir("reboot");
  SimAir air;
  for (int boot = 1; boot <= 3; ++boot) {
    auto chip = make_chip(air, kA, dir.string());
    ScopedChip use(chip.get());
    EXPECT_EQ(nvs_program_count_boot(), boot);
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "02000000000a.nvs"));
  {
    auto other = make_chip(air, kB, dir.string());  // another MAC: another chip, another flash
    ScopedChip use(other.get());
    EXPECT_EQ(nvs_program_count_boot(), 1);
  }
  {
    auto memory_only = make_chip(air, kA);  // no directory (ESPNOW_NVS_DIR unset in ctest)
    ScopedChip use(memory_only.get());
    EXPECT_EQ(nvs_program_count_boot(), 1);
  }
  {
    auto chip = make_chip(air, kA, dir.string());
    ScopedChip use(chip.get());
    ASSERT_EQ(nvs_flash_erase(), ESP_OK);  // the file goes with the flash
    EXPECT_FALSE(std::filesystem::exists(dir / "02000000000a.nvs"));
    EXPECT_EQ(nvs_program_count_boot(), 1);
  }
  std::filesystem::remove_all(dir);
}

TEST(Nvs, StringsKeysAndBlobsSurviveTheFileWhateverTheirBytes) {
  const auto dir = temp_dir("bytes");
  SimAir air;
  const std::string odd = "tab\tnew\nline \x01";
  const std::vector<uint8_t> blob{0, 0xff, '\n', ' ', 0};
  {
    auto chip = make_chip(air, kA, dir.string());
    ScopedChip use(chip.get());
    nvs_handle_t h = 0;
    ASSERT_EQ(nvs_flash_init(), ESP_OK);
    ASSERT_EQ(nvs_open("ns with space", NVS_READWRITE, &h), ESP_OK);
    ASSERT_EQ(nvs_set_str(h, "k\n", odd.c_str()), ESP_OK);
    ASSERT_EQ(nvs_set_blob(h, "b", blob.data(), blob.size()), ESP_OK);
    ASSERT_EQ(nvs_set_str(h, "empty", ""), ESP_OK);
  }
  auto chip = make_chip(air, kA, dir.string());
  ScopedChip use(chip.get());
  nvs_handle_t h = 0;
  ASSERT_EQ(nvs_flash_init(), ESP_OK);
  ASSERT_EQ(nvs_open("ns with space", NVS_READONLY, &h), ESP_OK);
  char s[64];
  size_t len = sizeof s;
  ASSERT_EQ(nvs_get_str(h, "k\n", s, &len), ESP_OK);
  EXPECT_EQ(std::string(s), odd);
  std::vector<uint8_t> got(8);
  len = got.size();
  ASSERT_EQ(nvs_get_blob(h, "b", got.data(), &len), ESP_OK);
  got.resize(len);
  EXPECT_EQ(got, blob);
  len = sizeof s;
  ASSERT_EQ(nvs_get_str(h, "empty", s, &len), ESP_OK);
  EXPECT_EQ(len, 1u);
  std::filesystem::remove_all(dir);
}

TEST(EspEvent, WifiStartPostsTheModesStartEvents) {
  for (const wifi_mode_t mode : {WIFI_MODE_STA, WIFI_MODE_AP, WIFI_MODE_APSTA}) {
    SimAir air;
    auto chip = make_chip(air, kA);
    ScopedChip use(chip.get());
    EXPECT_EQ(event_program_wifi_start(mode), 0) << "mode " << mode << ": the check on this line failed";
  }
}

namespace {

struct Seen {
  std::mutex mutex;
  std::vector<std::string> calls;
  void add(std::string s) {
    std::lock_guard lk(mutex);
    calls.push_back(std::move(s));
  }
  std::size_t size() {
    std::lock_guard lk(mutex);
    return calls.size();
  }
};

ESP_EVENT_DEFINE_BASE(TEST_EVENT);
ESP_EVENT_DEFINE_BASE(OTHER_EVENT);

void record(void* arg, esp_event_base_t base, int32_t id, void* data) {
  auto* tag = static_cast<std::pair<Seen*, const char*>*>(arg);
  std::string s = std::string(tag->second) + ":" + base + ":" + std::to_string(id);
  if (data) s += ":" + std::to_string(*static_cast<int*>(data));
  tag->first->add(s);
}

}  // namespace

TEST(EspEvent, ErrorsOrderAndCopiedData) {
  SimAir air;
  auto chip = make_chip(air, kA);
  ScopedChip use(chip.get());
  Seen seen;
  std::pair<Seen*, const char*> any{&seen, "any"}, base{&seen, "base"}, one{&seen, "one"}, legacy{&seen, "legacy"};

  EXPECT_EQ(esp_event_post(TEST_EVENT, 1, nullptr, 0, 0), ESP_ERR_INVALID_STATE);
  EXPECT_EQ(esp_event_handler_register(TEST_EVENT, 1, record, &legacy), ESP_ERR_INVALID_STATE);
  EXPECT_EQ(esp_event_loop_delete_default(), ESP_ERR_INVALID_STATE);
  ASSERT_EQ(esp_event_loop_create_default(), ESP_OK);

  esp_event_handler_instance_t i_one = nullptr, i_base = nullptr, i_any = nullptr;
  EXPECT_EQ(esp_event_handler_instance_register(ESP_EVENT_ANY_BASE, 1, record, &any, &i_any), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_handler_instance_register(TEST_EVENT, 1, nullptr, &any, &i_any), ESP_ERR_INVALID_ARG);
  // Registered specific-first: they still run any-base, any-id, then the event's own.
  ASSERT_EQ(esp_event_handler_instance_register(TEST_EVENT, 1, record, &one, &i_one), ESP_OK);
  ASSERT_EQ(esp_event_handler_register(TEST_EVENT, 1, record, &legacy), ESP_OK);
  ASSERT_EQ(esp_event_handler_instance_register(TEST_EVENT, ESP_EVENT_ANY_ID, record, &base, &i_base), ESP_OK);
  ASSERT_EQ(esp_event_handler_instance_register(ESP_EVENT_ANY_BASE, ESP_EVENT_ANY_ID, record, &any, &i_any), ESP_OK);

  EXPECT_EQ(esp_event_post(ESP_EVENT_ANY_BASE, 1, nullptr, 0, 0), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_post(TEST_EVENT, ESP_EVENT_ANY_ID, nullptr, 0, 0), ESP_ERR_INVALID_ARG);
  int value = 42;
  ASSERT_EQ(esp_event_post(TEST_EVENT, 1, &value, sizeof value, portMAX_DELAY), ESP_OK);
  value = 0;  // the loop has its own copy
  ASSERT_EQ(esp_event_post(OTHER_EVENT, 2, nullptr, 0, portMAX_DELAY), ESP_OK);
  ASSERT_TRUE(espnow::test::wait_for([&] { return seen.size() == 5; }));
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"any:TEST_EVENT:1:42", "base:TEST_EVENT:1:42",
                                                  "one:TEST_EVENT:1:42", "legacy:TEST_EVENT:1:42",
                                                  "any:OTHER_EVENT:2"}));

  EXPECT_EQ(esp_event_handler_instance_unregister(TEST_EVENT, 1, nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_handler_instance_unregister(TEST_EVENT, 2, i_one), ESP_ERR_NOT_FOUND);  // not under id 2
  EXPECT_EQ(esp_event_handler_instance_unregister(ESP_EVENT_ANY_BASE, 1, i_any), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_handler_instance_unregister(TEST_EVENT, 1, i_one), ESP_OK);
  EXPECT_EQ(esp_event_handler_instance_unregister(TEST_EVENT, ESP_EVENT_ANY_ID, i_base), ESP_OK);
  EXPECT_EQ(esp_event_handler_instance_unregister(ESP_EVENT_ANY_BASE, ESP_EVENT_ANY_ID, i_any), ESP_OK);
  EXPECT_EQ(esp_event_handler_unregister(TEST_EVENT, 2, record), ESP_ERR_NOT_FOUND);
  EXPECT_EQ(esp_event_handler_unregister(TEST_EVENT, 1, record), ESP_OK);
  EXPECT_EQ(esp_event_handler_unregister(TEST_EVENT, 1, record), ESP_ERR_NOT_FOUND);
  ASSERT_EQ(esp_event_post(TEST_EVENT, 1, nullptr, 0, portMAX_DELAY), ESP_OK);
  ASSERT_EQ(esp_event_loop_delete_default(), ESP_OK);  // ends the loop's task: nothing more can run
  EXPECT_EQ(seen.size(), 5u);
}

namespace {
struct Gate {
  SemaphoreHandle_t open = xSemaphoreCreateCounting(100, 0);
  std::atomic<int> entered{0};
};
void block_on(void* arg, esp_event_base_t, int32_t, void*) {
  auto* gate = static_cast<Gate*>(arg);
  ++gate->entered;
  xSemaphoreTake(gate->open, portMAX_DELAY);
}
}  // namespace

TEST(EspEvent, APostToAFullQueueTimesOut) {
  SimAir air;
  auto chip = make_chip(air, kA);
  ScopedChip use(chip.get());
  Gate gate;
  ASSERT_EQ(esp_event_loop_create_default(), ESP_OK);
  ASSERT_EQ(esp_event_handler_register(TEST_EVENT, ESP_EVENT_ANY_ID, block_on, &gate), ESP_OK);
  ASSERT_EQ(esp_event_post(TEST_EVENT, 0, nullptr, 0, 0), ESP_OK);
  ASSERT_TRUE(espnow::test::wait_for([&] { return gate.entered == 1; }));  // the loop's task is in the handler
  int queued = 0;
  while (esp_event_post(TEST_EVENT, 1, nullptr, 0, 0) == ESP_OK) ++queued;
  EXPECT_EQ(queued, 32);  // CONFIG_ESP_SYSTEM_EVENT_QUEUE_SIZE
  EXPECT_EQ(esp_event_post(TEST_EVENT, 1, nullptr, 0, 2), ESP_ERR_TIMEOUT);  // waited 2 ticks for room
  xSemaphoreGive(gate.open);  // one event done: room for one
  EXPECT_EQ(esp_event_post(TEST_EVENT, 2, nullptr, 0, portMAX_DELAY), ESP_OK);
  for (int i = 0; i < 40; ++i) xSemaphoreGive(gate.open);
  ASSERT_TRUE(espnow::test::wait_for([&] { return gate.entered == 34; }));
  ASSERT_EQ(esp_event_loop_delete_default(), ESP_OK);
  vSemaphoreDelete(gate.open);
}
