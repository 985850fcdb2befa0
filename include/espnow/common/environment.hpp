// Settings a process takes from its environment, for every front end (the
// Python modules, the espnow-python launcher, the emulated ESP-IDF chip and
// the CLI), so one variable means the same everywhere:
//
//   ESPNOW_VERSION=2   emulate a board built on ESP-IDF >= 5.4 (ESP-NOW v2:
//                      1470-byte messages, a default rxbuf of two of them);
//                      unset, empty or 1: ESP-IDF < 5.4 (v1, the seeds' 250)
#pragma once

#include "espnow/common/result.hpp"

namespace espnow {

// Parses a value of ESPNOW_VERSION (or of --espnow-version): "1" or "2", the
// ESP-NOW protocol version. Anything else is std::errc::invalid_argument with
// a detail naming the value and the choices.
Result<int> parse_protocol_version(const char* text);
// ESPNOW_VERSION from the environment; version 1 when unset or empty.
Result<int> protocol_version_from_environment();

}  // namespace espnow
