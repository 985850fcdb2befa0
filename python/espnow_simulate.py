"""espnow-python --sim N: N copies of an unmodified MicroPython ESP-NOW script
as N devices on one simulated air, on virtual time (espnow_sim.Simulation).

    espnow-python --sim 20 [--sim-seconds 60] [--seed 1] [--loss 0.0] [--drift 0] [--boot-spread 100]
                  [--gpio DEVICE:PIN=LEVEL@S ...] script.py [args]

Each copy runs in its own globals (with the board's boot globals: gc) as a
device of its own: espnow.ESPNow(), aioespnow's singleton and network.WLAN
are that device's, every clock it reads (time.sleep, sleep_ms/us, ticks_*,
time(), monotonic(), ...) is virtual, micropython.schedule queues on it, and
every line it prints starts with its device's MAC. Device i has the MAC
02:00:00:00:00:i+1 (i from 0). The same arguments give the same run, line for
line. The script's folder is on sys.path, and each copy imports its own
instance of the folder's modules; library modules are shared by the copies
(they keep no device state). asyncio (uasyncio) is on virtual time too: a
copy's asyncio.run() runs an espnow_sim.VirtualEventLoop on its device.
"""
import argparse
import builtins
import collections
import functools
import gc
import importlib.machinery
import importlib.util
import math
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import weakref

import _copy_flash
import _dht_sensor
import _espnow
import _machine_timers
import espnow_sim
import machine
import micropython
import network

_local = threading.local()  # .copy: the _Copy whose code this thread runs, if any

# What an empty poll (ESPNow.any() finding nothing, machine.idle()) costs a
# device: up to this much virtual time, ended early by the device's next
# event (a message buffered, a send reported), as CPU time passes on a chip.
# A script that polls in a busy loop so lets time move, and sees a message
# at the instant it is buffered.
POLL_SECONDS = 0.0001

# A board's RTC that nothing set starts at 2000-01-01 00:00:00 UTC:
# time.time() of a copy counts from there on its virtual clock.
_EPOCH_2000_NS = 946_684_800 * 1_000_000_000

# How long "for ever" is for a board that nothing wakes: past any run.
_FOREVER_S = 1e9

# A board's micropython.schedule queue holds 8 callbacks (MICROPY_SCHEDULER_DEPTH).
_SCHEDULE_DEPTH = 8


def _device_mac(i):
    return bytes([2, 0, 0, 0, (i + 1) >> 8, (i + 1) & 0xFF])


def _device_ap_mac(i):
    """Its soft-AP's MAC, in a block of its own: the STA MAC + 1, a board's
    rule, would be the next copy's STA MAC (a board owns a block of MACs)."""
    return bytes([2, 0, 0, 1, (i + 1) >> 8, (i + 1) & 0xFF])


def _mac_text(mac):
    return ":".join("%02x" % b for b in mac)


def _current():
    return getattr(_local, "copy", None)


class _Copy:
    """One copy of the script on its device: the clock, output prefix and
    micropython.schedule queue its code sees, on its thread and in its irq
    callbacks (which run on that thread too, within its waits)."""

    def __init__(self, device, mac):
        self.device = device
        self.prefix = _mac_text(mac) + " "
        self.pending = ""  # a printed line not yet ended
        self.scheduled = collections.deque()
        self.has_irq = False  # only then can a callback be scheduled while it waits
        self._running_scheduled = False
        self.irq_calls = 0  # irq callbacks of its running (one, or none: they do not nest)
        self.boot_ns = 0  # the device's clock when the script started: a board's ticks count from its boot
        self.timers = {}  # its machine.Timer hardware timers, by id

    def boot(self):
        self.boot_ns = self.device._clock_ns()
        if self.power.rtc_origin_ns is None:  # power-on: the RTC starts at 2000-01-01
            self.power.rtc_origin_ns = self.boot_ns

    def rtc_ns(self):
        """Since the RTC started: it keeps counting through resets and deep sleeps."""
        return self.device._clock_ns() - self.power.rtc_origin_ns

    def clock_ns(self):
        return self.device._clock_ns() - self.boot_ns

    def schedule(self, fn, arg):
        if not callable(fn):
            raise TypeError("schedule(): fn is not callable")
        if len(self.scheduled) >= _SCHEDULE_DEPTH:
            raise RuntimeError("schedule queue full")
        self.scheduled.append((fn, arg))

    def run_scheduled(self, most=None):
        """The scheduled callbacks, on the program's thread, one at a time
        (not within one another, as MicroPython runs them): those queued when
        it is called, `most` of them if given. Those they (or their waits)
        schedule wait for the next step: a board runs at most one per step
        (mp_sched_run_pending), so a callback slower than its Timer's period
        cannot hold the script for ever."""
        if self._running_scheduled or self.irq_calls:  # an irq callback is a scheduled one on a board
            return
        self._running_scheduled = True
        try:
            count = len(self.scheduled) if most is None else min(most, len(self.scheduled))
            for _ in range(count):
                fn, arg = self.scheduled.popleft()
                micropython._run_protected(fn, arg, out=sys.stdout)  # the copy's own lines
        finally:
            self._running_scheduled = False

    def sleep(self, seconds):
        """time.sleep on the device's clock; scheduled callbacks run as they
        are scheduled, at that virtual instant, as a board runs them in a
        sleep: one at a time, the sleep's end looked at between them."""
        self.run_scheduled()
        if not self.has_irq:
            return self.device._sleep(seconds)
        if not seconds >= 0:
            raise ValueError("sleep length must be non-negative")
        until = self.clock_ns() + math.ceil(seconds * 1e9)
        while True:
            left = until - self.clock_ns()
            if left <= 0:
                return
            if not self.scheduled or self._running_scheduled or self.irq_calls:  # within a callback: none runs here
                self.device._events_wait(self.device._events_mark(), left / 1e9)
            self.run_scheduled(most=1)

    def idle(self):
        """An empty poll's cost: POLL_SECONDS, or until the device's next event. None
        within an irq callback, whose drain (`while e.any(): ...`) ends there
        in microseconds on a board, not in a poll's wait."""
        if self.irq_calls:
            return
        self.device._events_wait(self.device._events_mark(), POLL_SECONDS)
        self.run_scheduled()

    def as_current(self, fn, *args):
        """fn(*args) as this copy's code (an irq callback: its clock, prefix and schedule)."""
        saved = _current()
        _local.copy = self
        try:
            return fn(*args)
        finally:
            _local.copy = saved


def _reader_gone():
    """The reader of the output went away (`... | head`): the run ends at
    once and quietly, as a program that SIGPIPE ends, not with a traceback
    from every copy that prints next."""
    os._exit(128 + signal.SIGPIPE)


class _PrefixedOutput:
    """Standard output whose every line starts with the writing device's MAC."""

    def __init__(self, out):
        self._out = out
        self._lock = threading.Lock()

    def write(self, text):
        copy = _current()
        if copy is None:
            return self._out.write(text)
        *lines, copy.pending = (copy.pending + text).split("\n")
        with self._lock:
            try:
                for line in lines:
                    self._out.write(copy.prefix + line + "\n")
            except BrokenPipeError:
                _reader_gone()
        return len(text)

    def flush(self):
        self._out.flush()

    def __getattr__(self, name):
        return getattr(self._out, name)


def _per_copy(virtual, real):
    """A function that answers a copy's code with `virtual`, anyone else with `real`."""
    def call(*args):
        return virtual(_local.copy, *args) if _current() is not None else real(*args)
    call.__name__ = getattr(real, "__name__", "call")
    call.__doc__ = getattr(real, "__doc__", None)
    return call


def _install_virtual_time(sim):
    """time, the _espnow clock and device, micropython.schedule, the polls
    and machine's resets answer a copy's code from its device in the simulation."""
    _install_clocks()
    _install_waits()
    _install_board(sim)


def _wall_ns(copy):
    return _EPOCH_2000_NS + copy.rtc_ns()


def _date(real):
    return lambda copy, secs=None: real(_wall_ns(copy) / 1e9 if secs is None else secs)


def _install_clocks():
    """Every clock a script reads is its device's: ticks, monotonic,
    perf_counter, time() from 2000-01-01 (localtime is UTC, as on a board
    with no time zone)."""
    virtual = {
        "time": lambda copy: _wall_ns(copy) / 1e9,
        "time_ns": _wall_ns,
        "monotonic": lambda copy: copy.clock_ns() / 1e9,
        "monotonic_ns": lambda copy: copy.clock_ns(),
        "perf_counter": lambda copy: copy.clock_ns() / 1e9,
        "perf_counter_ns": lambda copy: copy.clock_ns(),
        "localtime": _date(time.gmtime),
        "gmtime": _date(time.gmtime),
        "ctime": lambda copy, secs=None: time.asctime(_date(time.gmtime)(copy, secs)),
        "sleep": lambda copy, seconds: copy.sleep(seconds),
    }
    real = {name: getattr(time, name) for name in virtual}
    for name, fn in virtual.items():
        setattr(time, name, _per_copy(fn, real[name]))
    _espnow.process_device = _per_copy(lambda copy: copy.device, _espnow.process_device)
    _espnow.ticks_ms = _per_copy(lambda copy: copy.clock_ns() // 1_000_000, _espnow.ticks_ms)
    _espnow.ticks_us = _per_copy(lambda copy: copy.clock_ns() // 1_000, _espnow.ticks_us)


class _SimBoard:
    """machine's board for the copies: each copy's boot state, and its
    restarts as power cycles of its device in virtual time (off for a deep
    sleep's time; for ever without one, until the run ends)."""

    def __init__(self, sim, process_board):
        self._sim = weakref.ref(sim)  # the run's end destroys it, which unwinds the copies still running
        self._process = process_board

    def state(self):
        copy = _current()
        return copy.boot_state if copy is not None else self._process.state()

    def pads(self):
        copy = _current()
        return copy.power.pads if copy is not None else self._process.pads()

    def irq_set(self):
        """A pin's handler was set: the copy's sleeps now watch for its calls."""
        copy = _current()
        if copy is not None:
            copy.has_irq = True

    def timers(self):
        copy = _current()
        return copy.timers if copy is not None else self._process.timers()

    def now_ns(self):
        copy = _current()
        return copy.clock_ns() if copy is not None else self._process.now_ns()

    def at(self, due_ns, action, urgent=False):
        """action() as the copy's code when its clock reaches due_ns (on virtual time, between
        the programs' steps), while this run of its script lasts; its waits then see to
        what the action scheduled."""
        copy = _current()
        if copy is None:
            return self._process.at(due_ns, action, urgent)
        sim = self._sim()
        deadline = _Deadline()
        copy.has_irq = True  # its waits now watch for callbacks

        def fire():
            if not deadline.cancelled and copy.power.copy is copy:
                copy.as_current(action)
                copy.device._events_signal()
        when_ns = round(sim.now() * 1e9) + max(0, due_ns - copy.clock_ns())
        sim.at((when_ns + 0.5) / 1e9, fire)  # at() truncates to the nanosecond: this is when_ns itself
        return deadline

    def soft_call(self, fn, arg):
        """A soft interrupt's callback: scheduled on the copy (dropped when its queue is full,
        as mp_sched_schedule drops it)."""
        copy = _current()
        if copy is None:
            return self._process.soft_call(fn, arg)
        try:
            copy.schedule(fn, arg)
        except RuntimeError:
            pass

    def flash(self):
        """The copy's board's flash (esp32.NVS): it lasts through its resets and power cycles."""
        copy = _current()
        return copy.power.flash if copy is not None else self._process.flash()

    def watchdog_reset(self):
        """The task watchdog resets the copy's board now (a power cycle; from the simulation's step)."""
        copy = _current()
        copy.power.next_boot = machine._BootState(machine.WDT_RESET, 0, copy.boot_state.rtc_memory)
        copy.power.keep_radio = False
        sim = self._sim()
        sim.power_cycle(copy.power.index, sim.now(), 0)

    def restart(self, what, cause, wake, off_ms):
        copy = _current()
        if copy is None:
            return self._process.restart(what, cause, wake, off_ms)
        wdt_ms = copy.boot_state.wdt_ms if what == "soft_reset" else None  # the chip's watchdog runs on
        copy.power.next_boot = machine._BootState(cause, wake, copy.boot_state.rtc_memory, wdt_ms)
        copy.power.keep_radio = what == "soft_reset"  # MicroPython keeps the Wi-Fi up over a soft reset
        off_s = _FOREVER_S if off_ms is None else off_ms / 1000
        if what == "deepsleep":
            state = copy.boot_state
            copy.power.sleep_wakes = (state.wake_ext0, state.wake_ext1) if state.wake_ext0 or state.wake_ext1 else None
            reason = _pin_wake(copy.power)
            if reason:  # the RTC's pads wake on a level: one already there wakes it at once
                copy.power.next_boot.wake, copy.power.sleep_wakes, off_s = reason, None, 0
        sim = self._sim()
        sim.power_cycle(copy.power.index, sim.now(), off_s)
        del sim
        copy.device._sleep(_FOREVER_S)  # the power cycle unwinds the script from here


def _install_board(sim):
    machine._board = _SimBoard(sim, machine._board)


def _install_waits():
    """micropython.schedule queues on the copy, whose callbacks run when its
    program waits; an empty any() and machine.idle() cost virtual time; an
    irq callback runs as its copy's code."""
    import espnow
    import machine
    import micropython
    micropython.schedule = _per_copy(lambda copy, fn, arg: copy.schedule(fn, arg), micropython.schedule)
    machine.idle = _per_copy(lambda copy: copy.idle(), machine.idle)
    cls = espnow.ESPNow
    real_any, real_irq = cls.any, cls.irq

    def any(self):
        copy = _current()
        if real_any(self) or copy is None:
            return real_any(self)
        copy.idle()
        return real_any(self)

    def irq(self, callback):
        copy = _current()
        if copy is None or not callable(callback):
            return real_irq(self, callback)
        copy.has_irq = True

        def run(e):
            copy.irq_calls += 1
            try:
                copy.as_current(micropython._run_protected, callback, e, sys.stdout)
            finally:
                copy.irq_calls -= 1

        def call(e):
            """On a board the irq callback is a scheduled one: within another (a waiting
            micropython.schedule callback) it waits in the queue, or is lost when it is full."""
            if not copy._running_scheduled:
                return run(e)
            if len(copy.scheduled) < _SCHEDULE_DEPTH:
                copy.scheduled.append((run, e))
        return real_irq(self, call)

    cls.any, cls.irq = any, irq
    selector = espnow_sim._VirtualSelector
    real_select = selector.select

    def select(self, timeout=None):
        """An asyncio loop's wait: the callbacks scheduled meanwhile run as it ends, as a board runs them
        in uasyncio's waits."""
        ready = real_select(self, timeout)
        copy = _current()
        if copy is not None and copy.scheduled:
            copy.run_scheduled()
        return ready
    selector.select = select
    for name, timeout_at in (("recv", 0), ("irecv", 0), ("recvinto", 1)):
        setattr(cls, name, _then_scheduled(_waiting_for_callbacks(getattr(cls, name), timeout_at, real_any)))
    cls.send = _then_scheduled(cls.send)


def _then_scheduled(method):
    """A call that may wait, then the callbacks scheduled meanwhile."""
    def call(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        copy = _current()
        if copy is not None and copy.scheduled:
            copy.run_scheduled()
        return result
    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


def _waiting_for_callbacks(method, timeout_at, real_any):
    """A receive that waits, for a copy whose callbacks can come meanwhile (an irq, a Timer):
    it waits on the device's events, running the callbacks as they are scheduled, as a board's
    receive runs them while it waits; then receives without waiting. `timeout_at`: the
    position of timeout_ms among the method's arguments."""
    def call(self, *args, **kwargs):
        copy = _current()
        given = args[timeout_at] if len(args) > timeout_at else kwargs.get("timeout_ms")
        if copy is None or not copy.has_irq or given == 0:
            return method(self, *args, **kwargs)
        timeout_ms = self.config("timeout_ms") if given is None else given
        end = None if timeout_ms < 0 else copy.clock_ns() + timeout_ms * 1_000_000
        while True:
            copy.run_scheduled()
            mark = copy.device._events_mark()
            if real_any(self) or (end is not None and copy.clock_ns() >= end):
                break
            copy.device._events_wait(mark, None if end is None else (end - copy.clock_ns()) / 1e9)
        if len(args) > timeout_at:
            args = args[:timeout_at] + (0,) + args[timeout_at + 1:]
        else:
            kwargs["timeout_ms"] = 0
        return method(self, *args, **kwargs)
    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


class _Stopped(Exception):
    """SIGTERM during a run, raised as SIGINT's KeyboardInterrupt is."""


def _run_until_signal(sim, seconds, who, then=""):
    """sim.run_for(seconds), ended early by Ctrl-C (SIGINT) or SIGTERM where
    virtual time is: what ran up to there is kept. The signal's number (then
    said on stderr, `who` and `then` around it), or 0."""
    def stop(signum, frame):
        raise _Stopped(signum)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        sim.run_for(seconds)
        return 0
    except (KeyboardInterrupt, _Stopped) as e:
        signum = e.args[0] if isinstance(e, _Stopped) else signal.SIGINT
        sys.stderr.write("%s: interrupted at %.1f of %.1f simulated s%s\n" % (who, sim.now(), seconds, then))
        return int(signum)
    finally:
        signal.signal(signal.SIGTERM, previous)


class _ScriptModules:
    """The modules of the script's folder, one instance of each per copy (a
    board has its own comms.py): a copy's `import` finds them here, with
    the copy's builtins; anything else is the process's, shared."""

    def __init__(self, folder, builtins_, flash):
        self._folder = folder
        self._modules = {}
        self._os = _copy_flash.BoardOS(flash)  # its board's files, not the host's
        self.builtins = dict(builtins_, __import__=self.import_, open=functools.partial(flash.open, _REAL_OPEN))

    def _is_local(self, top):
        return top not in _SHARED_AT_START and importlib.machinery.PathFinder.find_spec(top, [self._folder]) is not None

    def import_(self, name, globals=None, locals=None, fromlist=(), level=0):
        absolute = importlib.util.resolve_name("." * level + name, (globals or {}).get("__package__")) if level else name
        top = absolute.partition(".")[0]
        if top in ("os", "uos"):
            return self._os
        if top not in self._modules and not self._is_local(top):
            return _REAL_IMPORT(name, globals, locals, fromlist, level)
        module = self._load(absolute)
        if not fromlist:
            return self._modules[top]
        for item in fromlist:
            if item != "*" and hasattr(module, "__path__") and not hasattr(module, item):
                try:
                    self._load(absolute + "." + item)
                except ModuleNotFoundError:
                    pass  # a name the package lacks: `from` says so
        return module

    def _load(self, name):
        if name in self._modules:
            return self._modules[name]
        parent, _, child = name.rpartition(".")
        path = self._load(parent).__path__ if parent else [self._folder]
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            raise ModuleNotFoundError("No module named %r" % name, name=name)
        module = importlib.util.module_from_spec(spec)
        module.__builtins__ = self.builtins  # its own imports are the copy's too
        self._modules[name] = module  # before it runs: a circular import sees it, as in Python
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del self._modules[name]
            raise
        if parent:
            setattr(self._modules[parent], child, module)
        return module


_REAL_IMPORT = __import__
_REAL_OPEN = open
_SHARED_AT_START = frozenset(sys.modules) | frozenset(sys.builtin_module_names)


def _board_flash(root, mac, script):
    """A board's own flash in `root`, named for its MAC, with the script's folder uploaded."""
    return _copy_flash.Flash(os.path.join(root, _mac_text(mac).replace(":", "-")),
                             os.path.dirname(os.path.abspath(script)))


class _Deadline:
    """A copy's pending interrupt (machine.Timer, machine.WDT); cancel() and it does not run."""

    cancelled = False

    def cancel(self):
        self.cancelled = True


class _Power:
    """A copy's device across its power cycles: its number in the simulation
    and what its next boot knows (set by machine.reset() and deepsleep();
    a power cycle from outside boots it as from power-on)."""

    def __init__(self, index, fs):
        self.index = index
        self.next_boot = None
        self.rtc_origin_ns = None  # the device's clock at power-on
        self.pads = machine._Pads()  # its wiring stays; the set-up is each boot's
        self.copy = None  # the script's run on it now, once it has booted
        self.keep_radio = False  # the next boot is a soft reset's: the chip, its radio included, was not reset
        self.driver_state = {}  # then what its Wi-Fi driver kept (network._driver_state)
        self.flash = {}  # its NVS namespaces (esp32.NVS), erased at the run's start
        self.sleep_wakes = None  # in a deep sleep, the pads that wake it: (ext0, ext1)
        self.fs = fs  # its flash filesystem (_copy_flash.Flash)
        self.died_of = None  # the exception that last ended its script, by name (espnow sim says so)


class _Millivolts(int):
    """--gpio's LEVEL as a voltage (1650mV): what the pin's ADC reads."""


def _pin_wake(power):
    """Whether the pads the sleeping board's RTC watches (esp32.wake_on_ext0/ext1) are at
    their waking levels: EXT0_WAKE or EXT1_WAKE, else 0."""
    ext0, ext1 = power.sleep_wakes or (None, None)
    if ext0 and power.pads.level(ext0[0]) == ext0[1]:
        return machine.EXT0_WAKE
    if ext1:
        pins, any_high = ext1
        levels = [power.pads.level(p) for p in pins]
        if any(levels) if any_high else not any(levels):
            return machine.EXT1_WAKE
    return 0


def _drive(power, pin, level, sim_ref=lambda: None):
    """--gpio: pad `pin` of the device driven to `level` (None: let go of
    both the level and a voltage; _Millivolts: a voltage for its ADC). An
    edge its irq listens for runs the handler at that instant, as the copy's
    code, while its script waits (a board's handler runs between the
    script's steps)."""
    copy = power.copy
    if isinstance(level, _Millivolts):
        power.pads.millivolts[pin] = int(level)
        return

    def wire():
        if level is None:
            power.pads.driven.pop(pin, None)
            power.pads.millivolts.pop(pin, None)
        else:
            power.pads.driven[pin] = level

    def run_now(handler, p):
        copy.as_current(handler, p)
        copy.device._events_signal()  # its sleep runs what the handler scheduled

    def run(handler, p, hard):
        if hard:
            power.pads.hard_edge(handler, p, run_now)  # held while the copy masks its interrupts
        else:
            run_now(handler, p)
    power.pads.change(pin, wire, run if copy is not None else lambda *_: None)
    reason = _pin_wake(power) if power.copy is None else 0
    sim = sim_ref()
    if reason and sim is not None:  # a deep sleep's end: the board boots now
        power.next_boot.wake, power.sleep_wakes = reason, None
        sim.power_cycle(power.index, sim.now(), 0)


def _radio_as_at_power_on(device, mac, ap_mac):
    """A board's radio as a reset or a deep sleep leaves it: what the script set of it
    (its interfaces up, its channel, its MACs, its power, long range) lived in RAM."""
    for interface_id, address in ((network.STA_IF, mac), (network.AP_IF, ap_mac)):
        device.set_interface_active(interface_id, False)
        device.set_mac(interface_id, address)
    device.set_channel(1)
    device.set_tx_power(20.0)
    device.set_long_range(False)


def _program(source, path, mac, power, boot_delay=0.0):
    """A script as the program of the device `power` stands for (its number,
    boots and pads): its own globals and modules of its folder, its device,
    its MAC before every line it prints.
    It first starts `boot_delay` virtual seconds into the run (a power
    cycle's reboot does not wait again)."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)  # as `python3 script.py` has it
    booted = []

    def run(device):
        copy = _local.copy = _Copy(device, mac)
        copy.power = power
        power.pads.boot()  # a reset sets every pad back; what drives them stays
        power.copy = copy
        if power.next_boot is None:  # a power-on (or a power cycle from outside): the RTC starts again
            power.rtc_origin_ns = None
        copy.boot_state, power.next_boot = power.next_boot or machine._BootState(), None
        if boot_delay and not booted:
            time.sleep(boot_delay)  # virtual: the board is not on yet
        if booted and not power.keep_radio:
            _radio_as_at_power_on(device, mac, _device_ap_mac(power.index))
        elif power.keep_radio:
            network._resume(device, power.driver_state)
        power.keep_radio = False
        power.sleep_wakes = None
        booted.append(True)
        copy.boot()  # its ticks and monotonic() start again, as after a reset; time() only at power-on
        if copy.boot_state.wdt_ms is not None:
            _machine_timers.feed_watchdog()  # a soft reset's: the chip's watchdog counts on from here
        modules = _ScriptModules(folder, builtins.__dict__, power.fs)
        globals_ = {"__name__": "__main__", "__file__": path, "__builtins__": modules.builtins, "gc": gc}
        try:
            exec(compile(source, path, "exec"), globals_)
        except espnow_sim.SimulationExit:
            raise
        except SystemExit as e:
            if isinstance(e.code, str):
                print(e.code)  # as CPython says it on stderr; here with the copy's MAC
        except BaseException as e:  # noqa: B902 - a copy's error ends that copy only, as on its own board
            power.died_of = type(e).__name__
            for line in "".join(traceback.format_exception(type(e), e, e.__traceback__.tb_next)).splitlines():
                print(line)  # from the script's own frames down, as a board shows it
        finally:
            power.copy = None  # off, or ended: no handler of it runs
            if power.keep_radio:  # MicroPython's soft reset stops ESP-NOW, not the Wi-Fi
                power.driver_state = network._driver_state(device)
            else:
                network._power_off(device)  # nor a step of its Wi-Fi's connection attempt
            if copy.pending:
                print("")
    return run


def _gpio_level(text):
    """--gpio's LEVEL: 0, 1, None (z: let go) or _Millivolts (NNNmV, 0..5000)."""
    if text in ("0", "1"):
        return int(text)
    if text == "z":
        return None
    if text.endswith("mV") and text[:-2].isdigit() and int(text[:-2]) <= 5000:
        return _Millivolts(int(text[:-2]))
    raise ValueError


def _gpio_drive(text):
    """--gpio DEVICE:PIN=LEVEL@SECONDS as (device, pin, level, seconds)."""
    try:
        device, rest = text.split(":", 1)
        pin, rest = rest.split("=", 1)
        level, at = rest.split("@", 1)
        device, pin, at, level = int(device), int(pin), float(at), _gpio_level(level)
        if device < 1 or not 0 <= at <= 1e9:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError("takes DEVICE:PIN=LEVEL@SECONDS (LEVEL 0, 1, z, or millivolts as 1650mV "
                                         "up to 5000mV), got %r" % text)
    if not 0 <= pin <= 39 or pin in machine._NO_SUCH_PAD:
        raise argparse.ArgumentTypeError("an ESP32 has no pin %d (0..39 but 20, 24 and 28..31), in %r" % (pin, text))
    return device, pin, level, at


def _dht(text):
    """--dht DEVICE:PIN=[dht11:]CELSIUS,HUMIDITY@SECONDS as (device, pin, answer, seconds)."""
    try:
        device, rest = text.split(":", 1)
        rest, at = rest.rsplit("@", 1)
        device, at = int(device), float(at)
        if device < 1 or not 0 <= at <= 1e9:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError("takes DEVICE:PIN=[dht11:|dht22:]CELSIUS,HUMIDITY@SECONDS, got %r"
                                         % text) from None
    pin, answer = _dht_sensor.parse(rest)
    return device, pin, answer, at


def _router(text):
    """--router SSID[:KEY]@CHANNEL[,X,Y] as (ssid, key, channel, (x, y))."""
    try:
        return network._parse_router(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="espnow-python --sim", description=__doc__.split("\n\n")[0])
    parser.add_argument("devices", type=int, help="how many copies of the script (1..250)")
    parser.add_argument("--sim-seconds", type=float, default=60.0, help="virtual seconds to run (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loss", type=float, default=0.0, help="frame loss probability on the air")
    parser.add_argument("--drift", type=float, default=0.0,
                        help="each device's clock runs fast or slow by up to this many ppm, drawn from the seed")
    parser.add_argument("--boot-spread", type=float, default=100.0,
                        help="each copy's script starts up to this many ms into the run, drawn from the seed "
                             "(default 100; 0: all at the same instant, in lockstep)")
    parser.add_argument("--gpio", action="append", default=[], type=_gpio_drive, metavar="DEVICE:PIN=LEVEL@S",
                        help="at S virtual seconds, drive device DEVICE's (1..N) pin PIN to LEVEL (0 or 1; z lets "
                             "it go), as a button would, or put a voltage on it for its ADC (1650mV); repeat it. "
                             "A button to ground on pin 0 of device 1, pressed at 5 s for 200 ms: "
                             "--gpio 1:0=0@5 --gpio 1:0=z@5.2")
    parser.add_argument("--dht", action="append", default=[], type=_dht, metavar="DEVICE:PIN=[dht11:]C,RH@S",
                        help="from S virtual seconds, a DHT22 (or a DHT11) on device DEVICE's pin PIN reads "
                             "C degrees Celsius and RH %% humidity (the dht module's measure()); repeat it to "
                             "change the readings over time: --dht 1:4=21.5,45@0 --dht 1:4=23,50@60")
    parser.add_argument("--router", action="append", default=[], type=_router, metavar="SSID[:KEY]@CH[,X,Y]",
                        help="a router on channel CH at X,Y metres (default 0,0, device 1's place) that the "
                             "devices' WLAN.scan() finds and WLAN.connect() joins (WPA2 with a KEY of 8..63 "
                             "characters, else open); repeat it")
    parser.add_argument("--pcap", metavar="FILE",
                        help="every frame on the air (ESP-NOW, ACKs, the routers' beacons) to a pcap file "
                             "Wireshark opens: radiotap with channel, rate and signal, virtual time stamps")
    parser.add_argument("--fs", metavar="DIR",
                        help="keep each board's flash filesystem (what its copy wrote) in DIR/<its MAC>, there "
                             "after the run; by default a temporary one, gone at the end. Every board starts "
                             "with the script's folder, as if uploaded to each")
    parser.add_argument("script")
    # Optional: argparse takes REMAINDER for required, and named it missing with `script`.
    parser.add_argument("args", nargs=argparse.REMAINDER).required = False
    a = parser.parse_args(argv)
    if not 1 <= a.devices <= 250:
        parser.error("devices must be 1..250, got %d" % a.devices)
    if not a.sim_seconds > 0:  # nan too
        parser.error("--sim-seconds must be > 0")
    if not 0.0 <= a.loss <= 1.0:
        parser.error("--loss must be 0..1")
    if not 0.0 <= a.drift <= 1e5:
        parser.error("--drift must be 0..100000 ppm")
    if not 0.0 <= a.boot_spread <= 1e6:
        parser.error("--boot-spread must be 0..1000000 ms")
    for option, drives in (("--gpio", a.gpio), ("--dht", a.dht)):
        for device, *_ in drives:
            if device > a.devices:
                parser.error("%s: there is no device %d of %d" % (option, device, a.devices))
    try:
        with open(a.script) as f:
            source = f.read()
    except OSError as e:
        parser.error("cannot read %s: %s" % (a.script, e.strerror))
    sys.argv = [a.script] + a.args
    random.seed(a.seed)  # the copies draw in the simulation's fixed order: the run repeats
    sim = espnow_sim.Simulation(seed=a.seed, loss=a.loss)
    if a.pcap:
        try:
            sim.capture(a.pcap)
        except OSError as e:
            parser.error("--pcap: %s" % e)
    network._simulation = sim
    for router in a.router:
        network._add_router(*router)
    _install_virtual_time(sim)
    sys.stdout = _PrefixedOutput(sys.stdout)
    drifts = random.Random(a.seed ^ 0xD21F7)  # apart from the scripts' own draws
    # Boards powered together still start their scripts milliseconds apart;
    # copies started in the same nanosecond would send in lockstep for ever,
    # and two radios sending at once never hear each other.
    boots = random.Random(a.seed ^ 0xB0075)
    flash_root = a.fs or tempfile.mkdtemp(prefix="espnow-sim-flash-")
    powers = [_Power(i, _board_flash(flash_root, _device_mac(i), a.script)) for i in range(a.devices)]
    for i in range(a.devices):
        delay = boots.uniform(0.0, a.boot_spread / 1000.0)
        sim.add_device(_program(source, a.script, _device_mac(i), powers[i], delay), mac=_device_mac(i),
                       ap_mac=_device_ap_mac(i), position=(i % 16, i // 16), sta_active=False)
        if a.drift:
            sim.set_clock_drift(i, drifts.uniform(-a.drift, a.drift))
    sim_ref = weakref.ref(sim)  # what the run's actions hold of it
    for device, pin, level, at in a.gpio:
        sim.at(at, lambda power=powers[device - 1], pin=pin, level=level: _drive(power, pin, level, sim_ref))
    for device, pin, answer, at in a.dht:
        sim.at(at, lambda power=powers[device - 1], pin=pin, answer=answer: power.pads.sensors.__setitem__(pin, answer))
    try:
        try:
            stopped = _run_until_signal(sim, a.sim_seconds, "espnow-python --sim")
        finally:
            network._simulation = None  # the other reference: the copies end below, not at exit
        del sim  # ends the copies still running
    finally:
        if not a.fs:
            shutil.rmtree(flash_root, ignore_errors=True)
    return 128 + stopped if stopped else 0


if __name__ == "__main__":
    sys.exit(main())
