// Async devices in a Simulation: a device whose program is a coroutine on its
// AIOESPNow, run on virtual time like every program of the simulation. Its
// handlers run on an io_context of its own, on the device's program thread;
// its waits (arecv, asend's reports, the 100 ms and 2 s rules, espnow::Timer,
// awaitable_operators timeouts built on them) are on the simulation's clock.
//
//   espnow::add_async_device(sim, {.mac = a}, [](espnow::AIOESPNow& e) -> asio::awaitable<void> {
//     e->active(true);
//     espnow::Timer t(co_await asio::this_coro::executor);
//     for (;;) {
//       t.expires_after(std::chrono::seconds(10));
//       co_await t.async_wait(asio::use_awaitable);
//       co_await e.async_send(peer, msg, false, asio::use_awaitable);
//     }
//   });
//
// Link with espnow::async as well as espnow::devices.
#pragma once

#include "espnow/async/run_on_clock.hpp"
#include "espnow/devices/simulation.hpp"

namespace espnow {

inline Result<SimDevice*> add_async_device(Simulation& sim, const RadioOptions& radio, AsyncProgram program,
                                           SoftLinkOptions link = {}) {
  return sim.add_device(
      radio, [program = std::move(program)](SimDevice& device) { run_async_program(device.espnow(), program); },
      std::move(link));
}

}  // namespace espnow
