// The start-up of a chip, for programs written as ESP-IDF firmware (only
// app_main): the library espnow_idf_emul_main. main() boots the process's
// default chip (its air, MAC and reset reason from the environment), runs
// app_main() on the "main" task as ESP-IDF's start-up does, and keeps the
// process alive after app_main returns, as a chip keeps running its other
// tasks. SIGTERM, SIGINT or SIGHUP ends it with status 0: the chip's power
// is cut. NVS is written through, so nothing is lost. With --sim N the
// program runs instead as N chips of one simulation on virtual time
// (sim_command.hpp). A program with its own main() does not link this library.
// A program made by espnow_add_firmware has its firmware in a module beside
// it, loaded once per chip (firmware_copies.hpp); otherwise app_main is linked in.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include "esp_log.h"
#include "firmware_copies.hpp"
#include "rtc_memory.hpp"
#include "espnow_emul.hpp"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "sim_command.hpp"

// Weak: a program made by espnow_add_firmware has it in its module instead.
extern "C" __attribute__((weak)) void app_main(void);

namespace {

const char* const kTag = "main_task";

// The app_main the main task calls: the linked one or the module's.
espnow::emul::AppMain g_app_main = nullptr;

void main_task(void*) {
  ESP_LOGI(kTag, "Calling app_main()");
  g_app_main();
  ESP_LOGI(kTag, "Returned from app_main()");
  vTaskDelete(nullptr);
}

// Blocked on every thread (tasks inherit the mask), waited for below.
sigset_t power_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// Returns once a power signal is pending, leaving it pending: a task may be
// re-executing the program for a deep sleep or a restart at this very moment
// (esp_sleep.cpp, esp_system.cpp), and if its execv wins the race with the
// exit that follows, the image it starts must still take the signal (pending
// signals survive execv) instead of sleeping on with the power cut. sigwait
// would take the signal off the process, and an execv between it and any
// re-raise would lose it; polling a signalfd does not take it.
void wait_for_power_cut(const sigset_t& signals) {
  const int fd = signalfd(-1, &signals, SFD_CLOEXEC);
  if (fd < 0) {
    std::perror("esp-idf emulation: signalfd");
    _exit(1);
  }
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, -1) < 0) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  espnow::emul::FirmwareCopies module(espnow::emul::firmware_module_path());
  // app_main is weak so that a program with a module links without one; a
  // program with neither would call through a null pointer.
  if (module.path().empty() && app_main == nullptr) {
    std::fprintf(stderr,
                 "%s: no app_main(): link the firmware's code into the program, or build it with "
                 "espnow_add_firmware\n",
                 espnow::emul::program_name(argv[0]));
    return 1;
  }
  // --sim N: the firmware as N chips of one simulation (sim_command.hpp).
  if (const std::optional<int> status = espnow::emul::run_simulation_command(argc, argv, module.path().empty() ? app_main : nullptr, module)) {
    std::fflush(nullptr);
    // Without destructors: the chips' tasks are parked in their waits, and the
    // firmware's globals may still be theirs.
    _exit(*status);
  }
  const sigset_t signals = power_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  g_app_main = app_main;
  if (!module.path().empty()) {
    std::string error;
    void* handle = nullptr;
    g_app_main = module.load(error, &handle);
    if (g_app_main == nullptr) {
      std::fprintf(stderr, "%s: %s\n", espnow::emul::program_name(argv[0]), error.c_str());
      return 1;
    }
    // Its RTC_DATA_ATTR variables are the module's, as the deep sleep before
    // this boot left them.
    espnow::emul::detail::adopt_rtc_memory_of(handle);
  }
  // Boots the default chip before app_main runs, with the hooks its firmware defines.
  espnow::emul::adopt_firmware_hooks(espnow::emul::selected_chip(), g_app_main);
  // ESP-IDF's main task: priority 1, CONFIG_ESP_MAIN_TASK_STACK_SIZE (3584).
  if (xTaskCreatePinnedToCore(main_task, "main", 3584, nullptr, 1, nullptr, 0) != pdPASS) {
    std::fprintf(stderr, "esp-idf emulation: cannot start the main task\n");
    return 1;
  }
  wait_for_power_cut(signals);
  std::fflush(nullptr);
  // Without destructors: the chip's tasks still run and use what they would destroy.
  _exit(0);
}
