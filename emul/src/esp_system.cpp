// esp_system on the selected chip: shutdown handlers, esp_restart (a
// re-executed program for the process's default chip, the chip's
// on_restart otherwise; deep sleep re-executes it too), the reset reason
// and fixed heap figures.
#include "esp_system.h"
#include "esp_chip_info.h"
#include "esp_heap_caps.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "chip_state.hpp"
#include "reboot.hpp"
#include "rtc_memory.hpp"

using espnow::emul::detail::ChipServices;
using espnow::emul::detail::ChipState;
using espnow::emul::detail::services;

namespace {

constexpr std::size_t kShutdownSlots = 5;          // ESP-IDF's SHUTDOWN_HANDLERS_NO
constexpr uint32_t kFreeHeap = 240 * 1024;         // an ESP32 with Wi-Fi and ESP-NOW started
constexpr uint32_t kMinimumFreeHeap = 200 * 1024;
constexpr uint32_t kLargestFreeBlock = 110 * 1024;  // an ESP32's heap is several regions
constexpr uint32_t kTotalHeap = 300 * 1024;

// The program's arguments as the kernel has them: a program with its own
// main() restarts with them too.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t start = 0; start < all.size();) {
    const std::size_t end = all.find('\0', start);
    args.push_back(all.substr(start, end - start));
    start = end == std::string::npos ? all.size() : end + 1;
  }
  return args;
}

// The air's sockets, the Wi-Fi task's eventfds: none survives the restart.
void close_on_exec_above_stderr() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (const dirent* e = readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd > 2 && fd != dirfd(dir)) fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
  }
  closedir(dir);
}

void run_shutdown_handlers(ChipServices& s) {
  std::vector<shutdown_handler_t> handlers;
  {
    std::lock_guard lk(s.mutex);
    handlers = s.shutdown_handlers;
  }
  std::for_each(handlers.rbegin(), handlers.rend(), [](shutdown_handler_t h) { h(); });
}

}  // namespace

namespace espnow::emul::detail {

// The default chip reboots as the same program: same MAC (so the same NVS
// file), the reason read back by the new default chip, its RTC memory
// handed over, and an NVS without a file too (a chip's flash outlives a
// restart: firmware that counts its boots must not find it erased).
[[noreturn]] void reexecute_default_chip(ChipState& chip, int reset_reason) {
  const std::string mac = to_string(chip.radio.mac(espnow::Interface::sta));
  setenv("ESPNOW_MAC", mac.c_str(), 1);
  setenv("ESPNOW_EMUL_RESET_REASON", std::to_string(reset_reason).c_str(), 1);
  if (const std::string nvs = chip.services.nvs_memory_text(); !nvs.empty()) setenv("ESPNOW_EMUL_NVS", nvs.c_str(), 1);
  hand_over_rtc_memory(reset_reason == ESP_RST_DEEPSLEEP);
  std::vector<std::string> args = own_arguments();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  close_on_exec_above_stderr();
  execv("/proc/self/exe", argv.data());
  std::perror("esp-idf emulation: cannot re-execute the program");
  std::abort();
}

}  // namespace espnow::emul::detail

extern "C" {

esp_err_t esp_register_shutdown_handler(shutdown_handler_t handle) {
  if (!handle) return ESP_ERR_INVALID_ARG;
  ChipServices& s = services();
  std::lock_guard lk(s.mutex);
  auto& list = s.shutdown_handlers;
  if (std::find(list.begin(), list.end(), handle) != list.end()) return ESP_ERR_INVALID_STATE;
  if (list.size() == kShutdownSlots) return ESP_ERR_NO_MEM;
  list.push_back(handle);
  return ESP_OK;
}

esp_err_t esp_unregister_shutdown_handler(shutdown_handler_t handle) {
  ChipServices& s = services();
  std::lock_guard lk(s.mutex);
  auto& list = s.shutdown_handlers;
  const auto it = std::find(list.begin(), list.end(), handle);
  if (!handle || it == list.end()) return ESP_ERR_INVALID_STATE;
  list.erase(it);
  return ESP_OK;
}

void esp_restart(void) {
  ChipState& chip = espnow::emul::selected_chip().state();
  run_shutdown_handlers(chip.services);
  if (chip.process_default) espnow::emul::detail::reexecute_default_chip(chip, ESP_RST_SW);
  if (!chip.on_restart) {
    std::fprintf(stderr, "esp_restart: this chip was made by the program without ChipOptions::on_restart; stopping\n");
    std::fflush(nullptr);
    std::abort();
  }
  chip.on_restart();
  pthread_exit(nullptr);  // esp_restart does not return to its caller
}

esp_reset_reason_t esp_reset_reason(void) { return static_cast<esp_reset_reason_t>(services().reset_reason); }

uint32_t esp_get_free_heap_size(void) { return kFreeHeap; }
uint32_t esp_get_free_internal_heap_size(void) { return kFreeHeap; }
uint32_t esp_get_minimum_free_heap_size(void) { return kMinimumFreeHeap; }

// The heap by capability: internal memory has the figures above, PSRAM none.
void* heap_caps_malloc(size_t size, uint32_t caps) { return caps & MALLOC_CAP_SPIRAM ? nullptr : std::malloc(size); }
void* heap_caps_calloc(size_t n, size_t size, uint32_t caps) {
  return caps & MALLOC_CAP_SPIRAM ? nullptr : std::calloc(n, size);
}
void* heap_caps_realloc(void* ptr, size_t size, uint32_t caps) {
  return caps & MALLOC_CAP_SPIRAM ? nullptr : std::realloc(ptr, size);
}
void heap_caps_free(void* ptr) { std::free(ptr); }
size_t heap_caps_get_free_size(uint32_t caps) { return caps & MALLOC_CAP_SPIRAM ? 0 : kFreeHeap; }
size_t heap_caps_get_minimum_free_size(uint32_t caps) { return caps & MALLOC_CAP_SPIRAM ? 0 : kMinimumFreeHeap; }
size_t heap_caps_get_largest_free_block(uint32_t caps) { return caps & MALLOC_CAP_SPIRAM ? 0 : kLargestFreeBlock; }
size_t heap_caps_get_total_size(uint32_t caps) { return caps & MALLOC_CAP_SPIRAM ? 0 : kTotalHeap; }

void esp_chip_info(esp_chip_info_t* out_info) {
  if (!out_info) return;
  *out_info = {.model = CHIP_ESP32,
               .features = CHIP_FEATURE_WIFI_BGN | CHIP_FEATURE_BT | CHIP_FEATURE_BLE,
               .revision = 301,
               .cores = 2};
}

void esp_system_abort(const char* details) {
  std::fprintf(stderr, "abort() was called: %s\n", details ? details : "");
  esp_emul_abort();
}

void esp_emul_abort(void) {
  espnow::emul::EmulatedChip* chip = espnow::emul::detail::chip_if_made();
  if (!chip || !chip->state().on_panic) {
    std::fflush(nullptr);
    std::abort();
  }
  // ESP-IDF's panic handler's first and last lines (no PC or backtrace here).
  std::printf("abort() was called on core 0\nRebooting...\n");
  std::fflush(nullptr);
  chip->state().on_panic();
  pthread_exit(nullptr);  // the panicking task runs nothing more
}

}  // extern "C"
