// The --sim start-up of firmware linked with espnow_idf_emul_main: the one
// program runs as N emulated chips of one espnow::Simulation, on virtual time,
// each line it prints prefixed with the printing chip's MAC (docs/esp-idf.md,
// "N chips in one command"):
//
//   ./my_firmware --sim 10 --sim-seconds 600 --seed 3 --loss 0.1
//
// Chip i (from 0) has STA MAC 02:00:00:00:HH:LL with HHLL = i + 1 (as
// espnow-python --sim numbers its devices) and stands at
// (spacing * (i % 16), spacing * (i / 16)) metres. The same arguments give the
// same output, line for line.
#pragma once

#include <optional>

#include "firmware_copies.hpp"

namespace espnow::emul {

// Runs the simulation the arguments ask for and gives the process's exit
// status: 0 when it ran (a one-line summary on stderr), 2 for bad arguments
// (the reason on stderr; any argument that is not the simulation's is
// refused), 0 after --help. nullopt without arguments: the program runs as
// the process's one chip, as it always has. Each chip runs `app_main`, or,
// where the program's firmware is a module (module.path() not empty), an
// app_main of a copy of its own; 1 when a copy cannot be loaded.
// argv[0] without its folder, as the program names itself in its messages.
const char* program_name(const char* argv0);

std::optional<int> run_simulation_command(int argc, char** argv, AppMain app_main, FirmwareCopies& module);

}  // namespace espnow::emul
