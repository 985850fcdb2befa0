// Copies of one firmware, each with its own global variables, for many chips
// in one process (the --sim start-up, sim_command.hpp). A real chip has the
// firmware's .data and .bss to itself; firmware written as ESP-IDF's examples
// are keeps its queue, its peer's MAC and its counters in static variables,
// so chips that shared one copy of them would read each other's queues.
//
// The firmware is then a module (espnow_add_firmware, cmake/EspnowFirmware.cmake)
// that the chip's program loads once per chip; the emulation (the chips'
// hardware and FreeRTOS) stays one, in the program, which exports it to the
// copies. The dynamic loader maps a file once however often it is opened, so
// each copy after the first is loaded from a file of its own in memory
// (memfd) holding what the loader maps of the module, not its debug
// information: a debugger has the first copy's symbols from the file.
#pragma once

#include <string>
#include <vector>

namespace espnow::emul {

class EmulatedChip;
using AppMain = void (*)(void);

class FirmwareCopies {
 public:
  // `module` is the firmware module's path.
  explicit FirmwareCopies(std::string module) : module_(std::move(module)) {}
  FirmwareCopies(const FirmwareCopies&) = delete;
  FirmwareCopies& operator=(const FirmwareCopies&) = delete;
  // Closes the in-memory files. The loaded copies stay mapped: a program
  // keeps its FirmwareCopies until it exits (the chips run their code).
  ~FirmwareCopies();

  // The module's path; empty when the program's firmware is linked into it.
  const std::string& path() const { return module_; }

  // Loads one more copy and gives its app_main, or nullptr with the reason in
  // `error` (a module that cannot be read, a symbol the emulation does not
  // have, no app_main). `handle`, when given, receives the copy's dlopen handle.
  AppMain load(std::string& error, void** handle = nullptr);

  // Lets go of a copy `load` gave (its handle) once nothing runs its code or
  // holds its addresses: a chip of --sim that reboots leaves its old copy
  // (sim_chip_power.hpp). The loader unmaps it unless something keeps it.
  void unload(void* handle);

 private:
  std::string module_;
  int loaded_ = 0;
  // The copies' files in memory, kept open for as long as the copies run:
  // the loader knows a copy by its path, /proc/PID/fd/N (a closed N would be
  // reused by the next copy, which the loader would take for the old one),
  // and a debugger reads the copy's symbols from it.
  struct Copy {
    void* handle;
    int file;  // -1: the module's own file
  };
  std::vector<Copy> copies_;
};

// What the firmware module holding `function` (a copy's app_main) defines as
// `symbol`, or null: when the module lacks it, or `function` is the
// program's own code (whose definitions the linker already resolved). The
// program's weak references cannot see a module's definitions (it is loaded
// with RTLD_LOCAL, one copy per chip), so hooks the firmware may define are
// looked up in its copy.
void* module_symbol(AppMain function, const char* symbol);

// A chip that runs `entry` (a copy's app_main, or the program's) takes the
// hooks that copy defines: esp_task_wdt_isr_user_handler. Before it runs.
void adopt_firmware_hooks(EmulatedChip& chip, AppMain entry);

// The firmware module a program made by espnow_add_firmware loads (its name,
// beside the program), or empty for a program whose firmware is linked into
// it (espnow::idf_emul_main): then every chip runs the one copy.
std::string firmware_module_path();

}  // namespace espnow::emul
