// espnow.ESPNow's methods (the seeds, SPEC §1) as the extension class
// _espnow.ESPNowBase; espnow.py makes the per-device singleton of it.
#pragma once

#include <pybind11/pybind11.h>

namespace espnow::py {

void bind_espnow(pybind11::module_& m);

}  // namespace espnow::py
