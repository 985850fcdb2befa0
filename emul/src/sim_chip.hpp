// A chip on a Simulation's air and clock that the caller owns: add_chip's
// work without the simulation keeping the chip to its end, for a chip that
// is ended and made again as it reboots (sim_chip_power.hpp).
#pragma once

#include <chrono>
#include <memory>

#include "espnow_emul_simulation.hpp"

namespace espnow::emul {

// As add_chip (espnow_emul_simulation.hpp), on options.clock (null: the
// simulation's), which must outlive the chip. Destroy the chip from a
// program of the simulation or once its programs have ended, not from the
// thread that runs it between runs (nothing would end the chip's threads).
Result<std::shared_ptr<EmulatedChip>> make_sim_chip(Simulation& sim, ChipOptions options, void (*app_main)(void),
                                                   std::chrono::nanoseconds boot_delay);

}  // namespace espnow::emul
