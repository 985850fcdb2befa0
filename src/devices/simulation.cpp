#include "espnow/devices/simulation.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "espnow/common/library_thread.hpp"
#include "stall_watch.hpp"

namespace espnow {
namespace {

// Thrown out of a program's wait when the simulation ends, to unwind it.
struct SimulationEnded : SimulationUnwind {};
// Thrown out of a program's wait when its device is power-cycled.
struct PoweredOff : SimulationUnwind {};
// Thrown out of a wait in the scheduling step (Scheduler::in_the_step).
struct WaitInSchedulingStep : std::logic_error {
  using std::logic_error::logic_error;
};

// Wall time a program may run without waiting on the simulation's clock
// before it is taken to be blocked on something the simulation cannot see.
constexpr auto kWatchdog = std::chrono::seconds(30);
// How often run_for() asks its `stop`.
constexpr auto kStopPoll = std::chrono::milliseconds(100);

// The index of a program that is a thread started through the clock
// (start_thread), not a device's program.
constexpr std::size_t kNoDevice = std::numeric_limits<std::size_t>::max();

// The programs run one at a time, so their threads share the CPU run_for()
// starts on: a hand-over is then a switch on that CPU, not the wake-up of a
// thread on another one, which an idle virtual CPU takes tens of
// microseconds to answer (300 emulated chips ran 2.2 to 3.4 times faster).
// Nothing runs in parallel to lose; the kernel balances the rest around it.
void pin_to_cpu(std::thread& thread, int cpu) {
  if (cpu < 0 || !thread.joinable()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)pthread_setaffinity_np(thread.native_handle(), sizeof set, &set);  // a thread that ended refuses
}

}  // namespace

// The scheduler, and the clock every device waits on. One baton: the thread
// of run_for() or one program holds it. Whoever gives it up (a program that
// waits or returns, run_for() as it starts) takes the scheduling step itself:
// it runs the air's events due, and hands the baton to the lowest-index
// program that is ready (notified through the clock, or its deadline
// reached), which may be itself; when none is, it moves time to the earliest
// deadline or air event. When the run is over (its end reached, or every
// program returned) the baton goes back to run_for().
struct Simulation::Scheduler final : Clock {
  struct Program {
    std::size_t index = 0;
    std::string name;
    Simulation::Program body;
    std::function<void()> thread_body;  // a thread started through the clock (index kNoDevice)
    std::thread thread;
    std::condition_variable go;
    bool granted = false;
    bool done = false;
    bool waiting = false;
    bool notified = false;
    const std::condition_variable* cv = nullptr;
    std::optional<std::chrono::nanoseconds> deadline;
    std::optional<std::chrono::nanoseconds> power_off_until;  // a power cycle is due: off until then
    std::deque<std::function<void()>> calls;  // its device's irq calls, run within its waits
    bool calling = false;                     // it runs one of them: no other starts within it

    // It runs its body, or (returned) one of its device's irq calls (serve_calls).
    bool active() const { return !done || calling; }
    bool ready(std::chrono::nanoseconds now) const {
      return waiting && ((active() && (notified || (deadline && *deadline <= now))) || (!calls.empty() && !calling));
    }
  };

  // A device's view of the clock: posts go to its program.
  struct DeviceClock final : Clock {
    Scheduler& s;
    std::size_t device;
    DeviceClock(Scheduler& scheduler, std::size_t index) : s(scheduler), device(index) {}
    std::chrono::nanoseconds now() const override { return s.now(); }
    void sleep_until(std::chrono::nanoseconds t) override { s.sleep_until(t); }
    void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
              std::optional<std::chrono::nanoseconds> deadline) override {
      s.wait(lock, cv, deadline);
    }
    void notify(std::condition_variable& cv) override { s.notify(cv); }
    bool post(std::function<void()>& fn) override { return s.post_to(device, fn); }
    bool start_thread(std::string name, std::function<void()>& body) override {
      return s.start_thread(std::move(name), body);
    }
  };

  mutable std::mutex m;
  std::condition_variable run_over_cv;  // the baton came back to run_for()
  bool run_over = true;
  std::uint64_t handoffs = 0;           // progress, for the watchdog
  Program* running = nullptr;
  bool ending = false;
  std::chrono::nanoseconds end{0};      // of the current run_for()
  std::atomic<bool> stopping{false};    // run_for()'s `stop` said so: time moves no further
  std::atomic<std::int64_t> now_ns{0};
  std::vector<std::unique_ptr<Program>> programs;
  std::vector<Program*> device_programs;  // by device index: its program, or null
  std::deque<DeviceClock> device_clocks;  // by device index
  std::vector<std::shared_ptr<void>> kept;  // Simulation::keep's, destroyed after the programs end
  std::vector<std::function<void()>> posted;
  // Actions at virtual times, in order of (time, order of scheduling).
  std::map<std::pair<std::chrono::nanoseconds, std::uint64_t>, std::function<void()>> timed;
  std::uint64_t timed_seq = 0;
  SimAir* air = nullptr;
  int cpu = -1;  // the CPU the programs' threads share (pin_to_cpu), once a run has begun
  static thread_local Program* current;
  static thread_local const char* in_step;  // what of the scheduling step this thread runs, if any

  // ---- Clock
  std::chrono::nanoseconds now() const override { return std::chrono::nanoseconds(now_ns.load()); }

  void sleep_until(std::chrono::nanoseconds t) override {
    std::mutex local;
    std::condition_variable never_notified;
    std::unique_lock lk(local);
    while (now() < t) wait(lk, never_notified, t);
  }

  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<std::chrono::nanoseconds> deadline) override {
    if (in_step) refuse_wait_in_step();
    Program* p = current;
    if (!p) return wait_outside(lock, cv, deadline);
    lock.unlock();
    {
      std::lock_guard g(m);
      p->waiting = true;
      p->notified = false;
      p->cv = &cv;
      p->deadline = deadline;
    }
    bool ended = hand_off_and_wait(*p);
    if (!ended) {
      try {
        ended = run_call(*p);
      } catch (...) {  // a call's wait unwound it: the program goes with it
        lock.lock();
        throw;
      }
    }
    lock.lock();
    if (ended) throw SimulationEnded{};
    bool off;
    {
      std::lock_guard g(m);
      off = p->power_off_until.has_value();
    }
    if (off && !std::uncaught_exceptions()) throw PoweredOff{};
  }

  // Callbacks posted to the simulation's own clock, not a device's (an
  // emulated chip's ESPNow's irq calls), run in the scheduling step, in the
  // order posted; they must not wait.
  bool post(std::function<void()>& fn) override {
    std::lock_guard g(m);
    posted.push_back(std::move(fn));
    return true;
  }

  // A device's irq calls run on its program's thread, within its waits, as
  // MicroPython runs a scheduled callback between the main program's steps:
  // one per wake-up of a wait (whose caller then looks at its condition, as
  // a board's sleep looks at its end between two), none within another, and
  // a call may wait (it holds its own program, as on a board); once the
  // program has returned, its thread stays for them (serve_calls). A device
  // with no program has them run in the scheduling step.
  bool post_to(std::size_t device, std::function<void()>& fn) {
    std::lock_guard g(m);
    Program* p = device < device_programs.size() ? device_programs[device] : nullptr;
    if (p) p->calls.push_back(std::move(fn));
    else posted.push_back(std::move(fn));
    return true;
  }

  // The program's next irq call, if one is owed, on its thread (which holds
  // the baton): true when the simulation is ending.
  bool run_call(Program& p) {
    std::function<void()> call;
    {
      std::lock_guard g(m);
      if (ending) return true;
      // While its power is cut they wait for the off period (no-ops there: the ESPNow is deinitialised).
      if (p.calls.empty() || p.calling || p.power_off_until) return false;
      call = std::move(p.calls.front());
      p.calls.pop_front();
      p.calling = true;
    }
    struct Called {
      Scheduler& s;
      Program& p;
      ~Called() {
        std::lock_guard g(s.m);
        p.calling = false;
      }
    } called{*this, p};
    call();
    return is_ending();
  }

  // A thread the simulation schedules: a program with no device, run in turn
  // after those started before it. From a program, a scheduling step, or the
  // thread of run_for() between runs; its thread starts now and waits for its
  // first turn. Not once the simulation ends.
  bool start_thread(std::string name, std::function<void()>& body) override {
    auto p = std::make_unique<Program>();
    p->index = kNoDevice;
    p->name = std::move(name);
    p->waiting = p->notified = true;  // ready at once: its first step
    Program& ref = *p;
    std::vector<std::unique_ptr<Program>> ended_threads;
    {
      std::lock_guard g(m);
      if (ending) return false;
      take_ended_threads_locked(ended_threads);
      ref.thread_body = std::move(body);
      programs.push_back(std::move(p));
      ref.thread = start_library_thread([this, &ref] { run_program(ref, nullptr); });
      pin_to_cpu(ref.thread, cpu);
    }
    for (auto& ended : ended_threads) ended->thread.join();  // each has passed the baton on: it only returns
    return true;
  }

  // Threads whose programs ended, out of the list (which keeps its order):
  // a run whose chips reboot again and again (each boot's tasks are new
  // threads) would otherwise keep every ended thread, and its stack, until
  // the simulation ends, and each step would look through them all.
  void take_ended_threads_locked(std::vector<std::unique_ptr<Program>>& out) {
    // Not this thread's own: a program that ended takes its last scheduling
    // step itself, whose actions may start threads.
    auto ended = [](const std::unique_ptr<Program>& p) {
      return p->index == kNoDevice && p->done && p->thread.get_id() != std::this_thread::get_id();
    };
    for (auto& p : programs)
      if (ended(p)) out.push_back(std::move(p));
    std::erase_if(programs, [](const std::unique_ptr<Program>& p) { return !p; });
  }

  void run_posted() {
    for (;;) {
      std::vector<std::function<void()>> batch;
      {
        std::lock_guard g(m);
        if (posted.empty()) return;
        batch.swap(posted);
      }
      for (auto& fn : batch) in_the_step("an irq callback of a device with no program", fn);
    }
  }

  // `fn()` as part of the scheduling step, where nothing may wait: a wait
  // throws, and what `fn` lets out ends the process with the reason (a
  // Python callback gets it as a RuntimeError, printed as its exceptions
  // are, and the run goes on).
  static void in_the_step(const char* what, std::function<void()>& fn) {
    struct Within {
      explicit Within(const char* w) { in_step = w; }
      ~Within() { in_step = nullptr; }
    } within(what);
    try {
      fn();
    } catch (const WaitInSchedulingStep& e) {
      std::fprintf(stderr, "%s\n", e.what());
      std::abort();
    }
  }

  // A wait in the scheduling step would take the place of the wait of the
  // program whose thread took the step, and leave it stuck.
  [[noreturn]] static void refuse_wait_in_step() {
    throw WaitInSchedulingStep(std::string("espnow::Simulation: ") + in_step +
                               " waited on the simulation's clock; it runs in the scheduling step, between the "
                               "programs, where nothing may wait (a device's irq callbacks may wait while its "
                               "program runs)");
  }

  void run_timed() {
    for (;;) {
      std::function<void()> action;
      {
        std::lock_guard g(m);
        if (timed.empty() || timed.begin()->first.first > now()) return;
        action = std::move(timed.begin()->second);
        timed.erase(timed.begin());
      }
      in_the_step("an action of Simulation::at", action);
    }
  }

  bool next_timed(std::chrono::nanoseconds& t) const {
    std::lock_guard g(m);
    if (timed.empty()) return false;
    t = timed.begin()->first.first;
    return true;
  }

  void at(std::chrono::nanoseconds when, std::function<void()> action) {
    std::lock_guard g(m);
    timed.emplace(std::make_pair(when, timed_seq++), std::move(action));
  }

  // Makes the device's program restart after `off` (run from a scheduling step).
  void power_off(std::size_t index, std::chrono::nanoseconds off) {
    std::lock_guard g(m);
    for (auto& p : programs)
      if (p->index == index && !p->done) {
        p->power_off_until = now() + off;
        p->notified = true;  // it unwinds at its next grant
      }
  }

  void notify(std::condition_variable& cv) override {
    {
      std::lock_guard g(m);
      for (auto& p : programs)
        if (p->waiting && p->cv == &cv) p->notified = true;
    }
    cv.notify_all();  // for waiters that are not programs
  }

  // A thread that is no program waited: while the simulation ends (devices
  // shutting down) that is harmless and returns at once; otherwise nothing
  // would ever move time for it.
  void wait_outside(std::unique_lock<std::mutex>&, std::condition_variable&,
                    std::optional<std::chrono::nanoseconds> deadline) {
    {
      std::lock_guard g(m);
      if (ending) return;
    }
    std::fprintf(stderr,
                 "espnow::Simulation: a thread that is none of the simulation's programs waited on its clock%s; "
                 "only device programs may wait (call the devices from their programs, not from the thread "
                 "that runs the simulation)\n",
                 deadline ? " with a deadline" : "");
    std::abort();
  }

  // ---- the scheduling step, taken by whoever holds the baton

  Program* ready() {
    std::lock_guard g(m);
    for (auto& p : programs)
      if (p->ready(now())) return p.get();
    return nullptr;
  }

  // Every program has returned, and no irq call that waits holds one's thread.
  bool all_done() const {
    std::lock_guard g(m);
    for (const auto& p : programs)
      if (p->active()) return false;
    return !programs.empty();
  }

  bool earliest_deadline(std::chrono::nanoseconds& t) const {
    std::lock_guard g(m);
    bool any = false;
    for (const auto& p : programs)
      if (p->waiting && p->active() && p->deadline && (!any || *p->deadline < t)) t = *p->deadline, any = true;
    return any;
  }

  // The program to run next, or null when the run is over.
  Program* next_to_run() {
    for (;;) {
      air->run_due();  // what is due now; its deliveries may make programs ready
      run_posted();    // and the irq calls they owe
      run_timed();     // and the scenario's actions due
      if (Program* p = ready()) return p;
      if (all_done()) return nullptr;
      // Everyone waits: time moves to what comes first.
      std::chrono::nanoseconds next, t;
      bool any = earliest_deadline(next);
      if (air->next_event_time(t) && (!any || t < next)) next = t, any = true;
      if (next_timed(t) && (!any || t < next)) next = t, any = true;
      if (stopping.load(std::memory_order_relaxed)) return nullptr;
      if (!any || next > end) {
        now_ns = std::max(now(), end).count();
        return nullptr;
      }
      now_ns = std::max(now(), next).count();
    }
  }

  // Gives the baton to `next` (or back to run_for() when null). Called with m held.
  void pass_locked(Program* next) {
    ++handoffs;
    running = next;
    if (next) {
      next->granted = true;
      next->go.notify_one();
    } else {
      run_over = true;
      run_over_cv.notify_all();
    }
  }

  // A program gives up the baton: true when the simulation is ending.
  bool hand_off_and_wait(Program& p) {
    Program* next = next_to_run();
    std::unique_lock g(m);
    if (next != &p) {
      pass_locked(next);
      p.go.wait(g, [&] { return p.granted || ending; });
    }
    p.granted = false;
    p.waiting = false;
    return ending;
  }

  void start(Program& p, SimDevice& device) {
    p.waiting = p.notified = true;  // ready at once: its first step
    p.thread = start_library_thread([this, &p, &device] { run_program(p, &device); });
    std::lock_guard g(m);
    pin_to_cpu(p.thread, cpu);
  }

  bool is_ending() const {
    std::lock_guard g(m);
    return ending;
  }

  void run_program(Program& p, SimDevice* device) {
    current = &p;
    // A thread's body goes with the thread, run or not (see Clock::start_thread).
    std::function<void()> thread_body = std::move(p.thread_body);
    bool ended;
    {
      std::unique_lock g(m);
      p.go.wait(g, [&] { return p.granted || ending; });
      p.granted = false;
      p.waiting = false;
      ended = ending;
    }
    if (!ended) {
      try {
        if (device) {
          run_powered(p, *device);
          if (!is_ending()) return serve_calls(p);
        } else {
          std::exchange(thread_body, nullptr)();
        }
      } catch (const SimulationEnded&) {
        thread_body = nullptr;
        return finish(p, false);
      } catch (...) {
        // pthread_exit's forced unwind (a FreeRTOS task's vTaskDelete): it
        // returned. (Caught as `...`: binding abi::__forced_unwind& binds a
        // reference to no object, which UBSan reports.) Anything else ends
        // the process, as an exception leaving a thread does, once the
        // baton has moved on.
        thread_body = nullptr;
        finish(p, !is_ending());
        throw;
      }
    }
    thread_body = nullptr;
    // A program that caught the unwinding and returned is ended all the same.
    finish(p, !is_ending());
  }

  bool power_off_pending(const Program& p) {
    std::lock_guard g(m);
    return p.power_off_until.has_value() && !ending;
  }

  // The program, from the start again after each power cycle: the device is
  // off (ESPNow deinitialised, its interfaces down) until the cycle ends, then
  // boots with its interfaces as they were.
  void run_powered(Program& p, SimDevice& device) {
    for (;;) {
      try {
        p.body(device);
        if (!power_off_pending(p)) return;  // it returned (and was not being cut off)
      } catch (const PoweredOff&) {
      }
      AirRadio& radio = device.radio();
      const bool sta = radio.interface_active(Interface::sta), ap = radio.interface_active(Interface::ap);
      (void)device.espnow().active(false);
      radio.set_active(Interface::sta, false);
      radio.set_active(Interface::ap, false);
      for (;;) {
        std::chrono::nanoseconds until;
        {
          std::lock_guard g(m);
          until = *p.power_off_until;
          p.power_off_until.reset();
        }
        try {
          sleep_until(until);
          break;
        } catch (const PoweredOff&) {  // cycled again while off: off until the later end
        }
      }
      radio.set_active(Interface::sta, sta);
      radio.set_active(Interface::ap, ap);
    }
  }

  // A device's program returned, as a board's main.py returns to its REPL,
  // where scheduled callbacks still run: its thread stays to run its
  // device's irq calls, one per turn, until the simulation ends (a call's
  // wait unwound by the end goes out to run_program).
  void serve_calls(Program& p) {
    {
      std::lock_guard g(m);
      p.done = true;
    }
    for (;;) {
      {
        std::lock_guard g(m);
        p.waiting = true;
        p.notified = false;
        p.cv = nullptr;
        p.deadline.reset();
      }
      if (hand_off_and_wait(p) || run_call(p)) return;
    }
  }

  // A program returned: it gives up the baton for good (unless unwound at the end).
  void finish(Program& p, bool holds_baton) {
    {
      std::lock_guard g(m);
      p.done = true;
      p.waiting = false;
    }
    if (!holds_baton) return;
    Program* next = next_to_run();
    std::lock_guard g(m);
    pass_locked(next);
  }

  // The programs' threads onto the CPU this thread runs on, if it is another.
  void follow_to_this_cpu_locked() {
    const int here = sched_getcpu();
    if (here < 0 || here == cpu) return;
    cpu = here;
    for (auto& p : programs)
      if (!p->done || p->index != kNoDevice) pin_to_cpu(p->thread, cpu);  // a device's stays for its calls
  }

  // run_for(): takes the first step, then waits for the baton to come back,
  // asking `stop` meanwhile.
  void run(std::chrono::nanoseconds until, const std::function<bool()>& stop) {
    {
      std::lock_guard g(m);
      end = until;
      run_over = false;
      stopping = false;
      follow_to_this_cpu_locked();
    }
    Program* first = next_to_run();
    std::unique_lock g(m);
    if (!first) return void(run_over = true);
    pass_locked(first);
    detail::StallWatch watch(kWatchdog, handoffs, std::chrono::steady_clock::now());
    using WallDuration = std::chrono::steady_clock::duration;
    const WallDuration poll = stop ? std::min<WallDuration>(kStopPoll, watch.interval()) : watch.interval();
    for (;;) {
      if (run_over_cv.wait_for(g, poll, [&] { return run_over; })) return;
      // Asked on after it said true: a program that keeps the baton (never
      // waits) holds the run, and `stop` is where its caller can end it.
      if (stop) {
        g.unlock();  // `stop` may take a lock a program holds (Python's GIL)
        const bool now_stop = stop();
        g.lock();
        if (now_stop) stopping = true;
      }
      const auto stalled = watch.look(handoffs, std::chrono::steady_clock::now());
      if (!stalled) continue;
      std::fprintf(stderr,
                   "espnow::Simulation: the program of %s has run for at least %lld s of wall time without waiting "
                   "on the simulation's clock: is it blocked on something the simulation cannot see (a real socket, "
                   "std::this_thread::sleep_for, a busy loop)?\n",
                   running ? running->name.c_str() : "a device",
                   static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(*stalled).count()));
      std::abort();
    }
  }

  // Programs may start threads while they unwind: those are refused
  // (start_thread is false once ending), so the list stops growing.
  void end_all() {
    {
      std::lock_guard g(m);
      ending = true;
      for (auto& p : programs) p->go.notify_all();
    }
    for (std::size_t i = 0;; ++i) {
      Program* p;
      {
        std::lock_guard g(m);
        if (i >= programs.size()) break;
        p = programs[i].get();
      }
      if (p->thread.joinable()) p->thread.join();
    }
  }
};

thread_local Simulation::Scheduler::Program* Simulation::Scheduler::current = nullptr;
thread_local const char* Simulation::Scheduler::in_step = nullptr;

namespace {

AirOptions simulated(AirOptions o, Clock& clock) {
  o.timing = true;
  o.clock = &clock;
  o.external_drive = true;
  return o;
}

}  // namespace

Simulation::Simulation(AirOptions options)
    : scheduler_(std::make_unique<Scheduler>()),
      devices_(std::make_unique<SimDevices>(simulated(options, *scheduler_), *scheduler_)) {
  scheduler_->air = &devices_->air();
}

Simulation::~Simulation() {
  scheduler_->end_all();
  while (!scheduler_->kept.empty()) scheduler_->kept.pop_back();  // newest first, before the air
  devices_.reset();  // before the clock they wait on
}

Result<SimDevice*> Simulation::add_device(const RadioOptions& radio, Program program, SoftLinkOptions link) {
  const std::size_t index = devices_->size();
  if (link.seed == 0) link.seed = devices_->air().options().seed * 0x9E3779B97F4A7C15ull + index + 1;
  // One clock per device, by index (a failed add leaves its view to the next).
  if (scheduler_->device_clocks.size() == index) scheduler_->device_clocks.emplace_back(*scheduler_, index);
  clocks_.push_back(std::make_unique<DriftingClock>(scheduler_->device_clocks[index]));
  auto r = devices_->add_device(radio, link, *clocks_.back());
  if (!r.ok()) clocks_.pop_back();  // one clock per device, by index
  if (!r.ok() || !program) return r;
  auto p = std::make_unique<Scheduler::Program>();
  p->index = index;
  p->name = "device " + std::to_string(index) + " (" + std::string(radio.mac.to_text().c_str()) + ")";
  p->body = std::move(program);
  std::lock_guard g(scheduler_->m);
  scheduler_->device_programs.resize(index + 1, nullptr);
  scheduler_->device_programs[index] = p.get();
  scheduler_->programs.push_back(std::move(p));
  return r;
}

void Simulation::run_for(std::chrono::nanoseconds duration, const std::function<bool()>& stop) {
  Scheduler& s = *scheduler_;
  for (auto& p : s.programs)
    if (!p->thread.joinable() && !p->done && p->index != kNoDevice) s.start(*p, (*devices_)[p->index]);
  s.run(s.now() + duration, stop);
}

void Simulation::keep(std::shared_ptr<void> object) {
  std::lock_guard g(scheduler_->m);
  scheduler_->kept.push_back(std::move(object));
}

void Simulation::at(std::chrono::nanoseconds when, std::function<void()> action) {
  scheduler_->at(when, std::move(action));
}

void Simulation::power_cycle(std::size_t device, std::chrono::nanoseconds when, std::chrono::nanoseconds off_for) {
  Scheduler& s = *scheduler_;
  s.at(when, [&s, device, off_for] { s.power_off(device, off_for); });
}

void Simulation::set_clock_drift(std::size_t device, double ppm) { clocks_.at(device)->set_drift(ppm); }

std::chrono::nanoseconds Simulation::now() const { return scheduler_->now(); }
bool Simulation::finished() const { return scheduler_->all_done(); }
Clock& Simulation::clock() { return *scheduler_; }
SimAir& Simulation::air() { return devices_->air(); }
SimDevice& Simulation::operator[](std::size_t i) { return (*devices_)[i]; }
std::size_t Simulation::size() const { return devices_->size(); }

}  // namespace espnow
