// espnow_sim.Simulation: Python callables as device programs on virtual time
// (espnow::Simulation), and espnow_sim.SimulationExit, which ends them.
#pragma once

#include <pybind11/pybind11.h>

namespace espnow::py {

void bind_simulation(pybind11::module_& m);

}  // namespace espnow::py
