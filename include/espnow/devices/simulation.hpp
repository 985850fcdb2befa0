// Simulation: device programs on virtual time (docs/simulation.md, "Virtual
// time"). Each device runs a program (a function of its SimDevice, written
// against the sync API as on a board) on a thread of its own, on the
// discrete-event air, and:
//
// - time moves only when every program is waiting (a receive timeout, a sync
//   send's report, the 2 s NO_MEM retry, a sleep on sim.clock()); while one
//   runs, time stands still, and code between waits takes no time;
// - programs run one at a time, the next picked by a fixed rule (the lowest
//   device index that is ready), so a run is a function of the programs and
//   the seed alone;
// - an hour of a network's life takes as long as its events need, not an hour.
//
//   espnow::Simulation sim({.seed = 7, .loss = 0.1});
//   sim.add_device({.mac = a}, [&](SimDevice& d) { ... d.espnow().recv(1000) ... });
//   sim.run_for(std::chrono::minutes(10));
//
// A program must wait only through the device's ESPNow or sim.clock(): one
// that runs for seconds of wall time without doing so (blocked on a real
// socket, in std::this_thread::sleep_for, in a busy loop) is reported on
// stderr with its device, and the process aborts rather than hang. A
// device's irq callbacks run on its program's thread, within the wait it is
// in, in the order their messages arrived, one per wake-up of the wait and
// none within another (as MicroPython runs scheduled callbacks): one may
// wait, holding its own program as on a board. Once the program returns,
// its thread stays to run them (as a board's REPL does). A device with no
// program has them run in the scheduling step between programs, where they
// must not wait (drain with irecv(0), as the seeds do): such a wait, or one
// in an at() action, throws a std::logic_error that, let out, ends the
// process with the reason (a Python callback gets a RuntimeError). Coroutine
// programs on AIOESPNow: devices/async_device.hpp. Threads started through
// the clock (Clock::start_thread: an emulated ESP32's tasks, emul's
// espnow_emul_simulation.hpp) are programs too, run in turn after the
// devices' programs, in the order they started.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>

#include "espnow/common/clock.hpp"
#include "espnow/common/drifting_clock.hpp"
#include "espnow/common/result.hpp"
#include "espnow/devices/sim_devices.hpp"

namespace espnow {

// Thrown out of a program's wait to unwind it (its simulation ends, its
// device is power-cycled). A program must let it pass: one that catches it
// and returns is ended all the same; one that catches it and waits again gets
// it again. Language bindings translate it (Python: espnow_sim.SimulationExit).
// Any other exception a C++ program lets out ends the process
// (std::terminate), as an uncaught exception ends a board's firmware; catch
// what a program may throw inside it.
struct SimulationUnwind {};

class Simulation {
 public:
  using Program = std::function<void(SimDevice&)>;

  // The air's options; timing is always on, and its clock is the simulation's.
  explicit Simulation(AirOptions options = {});
  // Ends the programs still running (each is unwound from the wait it is in).
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Adds a device; its program (if any) starts at the next run. Devices are
  // added between runs, from the thread that runs the simulation, never from
  // a program. errc::arg for
  // a group MAC or a bad channel. Each device's SoftLink is seeded from the
  // simulation's seed and its index unless `link.seed` says otherwise.
  Result<SimDevice*> add_device(const RadioOptions& radio, Program program = {}, SoftLinkOptions link = {});

  // Runs until `duration` more virtual time has passed or every program has
  // returned, whichever is first. Not from a program. `stop`, when given, is
  // asked every 100 ms of wall time (from this thread, no lock held): once it
  // says true, the run ends before virtual time moves on from where it is
  // (what is due at that instant still runs), and now() tells where. So a
  // Ctrl-C can end a long run and keep what it did. It is asked on until the
  // run is over, so a caller can end a program that never waits (a busy
  // loop), which alone keeps the run from ending.
  void run_for(std::chrono::nanoseconds duration, const std::function<bool()>& stop = {});
  // Faults and changes as scenario input, replayed exactly from the seed:
  // `action` runs when virtual time reaches `when`, between the programs'
  // steps (it may move a radio, retune it, set link loss; it must not wait).
  void at(std::chrono::nanoseconds when, std::function<void()> action);
  // At `when`, device `device` loses power for `off_for`: its program is
  // unwound from the wait it is in, its ESPNow deinitialised and its
  // interfaces down (it neither hears nor acknowledges); then it boots, its
  // program running again from the start, as after a reset. The device's
  // ESPNow is the same object across the cycle: peers and buffered messages
  // are gone with the deinit, but its config() and stats() counters stay,
  // where a board's RAM would start afresh (set them at each boot).
  void power_cycle(std::size_t device, std::chrono::nanoseconds when, std::chrono::nanoseconds off_for);

  // Keeps `object` until the simulation ends: it is destroyed (newest first)
  // after every program has been unwound, before the air and the devices, so
  // it may own radios on the air and threads started through the clock.
  void keep(std::shared_ptr<void> object);

  // Device `device`'s clock runs `ppm` parts per million fast (negative:
  // slow) from now on, as a board's crystal does: its ESPNow's timeouts, its
  // coroutines' timers and whatever its program times on d.clock() drift;
  // the air and the other devices do not. As scenario input, from sim.at();
  // a wait already under way ends at the virtual time it was given.
  void set_clock_drift(std::size_t device, double ppm);

  // Virtual time since the simulation began.
  std::chrono::nanoseconds now() const;
  // Every program has returned.
  bool finished() const;

  // The clock every device waits on; a program may sleep on it.
  Clock& clock();
  SimAir& air();
  SimDevice& operator[](std::size_t i);
  std::size_t size() const;

 private:
  struct Scheduler;
  std::unique_ptr<Scheduler> scheduler_;  // first: the devices wait on its clock
  std::deque<std::unique_ptr<DriftingClock>> clocks_;  // each device's, on the scheduler's
  std::unique_ptr<SimDevices> devices_;
};

}  // namespace espnow
