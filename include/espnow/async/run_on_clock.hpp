// Coroutine programs on an espnow::Clock's time: what a Simulation runs for
// each async device (devices/async_device.hpp), usable on any clock.
//
// run_on_clock() runs an io_context's handlers on the calling thread with a
// VirtualTime installed, so Timer and AIOESPNow wait on the clock; between
// handlers it waits through the clock (in a Simulation: the program waits, and
// time moves when every program does).
#pragma once

#include <functional>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include "espnow/async/aioespnow.hpp"
#include "espnow/common/clock.hpp"

namespace espnow {

// Runs `io` until `done()` is true after a handler. `io` must not run
// elsewhere. A program that made an asio::steady_timer or system_timer on
// `io` (a wall-clock wait the clock cannot see) is reported on stderr and the
// process aborts rather than hang.
void run_on_clock(asio::io_context& io, Clock& clock, const std::function<bool()>& done);

using AsyncProgram = std::function<asio::awaitable<void>(AIOESPNow&)>;

// Runs `program` on a fresh io_context on `espnow`'s clock with an AIOESPNow
// of `espnow`, until the coroutine returns; rethrows what it threw.
void run_async_program(ESPNow& espnow, const AsyncProgram& program);

}  // namespace espnow
