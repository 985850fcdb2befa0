"""espnow-python --sim N: N copies of an unmodified MicroPython ESP-NOW script
as N devices on one simulated air, on virtual time (espnow_sim.Simulation).

    espnow-python --sim 20 [--sim-seconds 60] [--seed 1] [--loss 0.0] [--drift 0] script.py [args]

Each copy runs in its own globals (with the board's boot globals: gc) as a
device of its own: espnow.ESPNow(), aioespnow's singleton and network.WLAN
are that device's, time.sleep, sleep_ms/us and ticks_ms/us are virtual, and
every line it prints starts with its device's MAC. Device i has the MAC
02:00:00:00:00:i+1 (i from 0). The same arguments give the same run, line for
line. Library modules are shared by the copies (they keep no device state).
asyncio (uasyncio) is on virtual time too: a copy's asyncio.run() runs an
espnow_sim.VirtualEventLoop on its device.
"""
import argparse
import gc
import random
import signal
import sys
import threading
import time
import traceback

import _espnow
import espnow_sim

_local = threading.local()


def _device_mac(i):
    return bytes([2, 0, 0, 0, (i + 1) >> 8, (i + 1) & 0xFF])


def _mac_text(mac):
    return ":".join("%02x" % b for b in mac)


class _PrefixedOutput:
    """Standard output whose every line starts with the writing device's MAC."""

    def __init__(self, out):
        self._out = out
        self._lock = threading.Lock()

    def write(self, text):
        prefix = getattr(_local, "prefix", None)
        if prefix is None:
            return self._out.write(text)
        pending = getattr(_local, "pending", "") + text
        *lines, _local.pending = pending.split("\n")
        with self._lock:
            for line in lines:
                self._out.write(prefix + line + "\n")
        return len(text)

    def flush(self):
        self._out.flush()

    def __getattr__(self, name):
        return getattr(self._out, name)


def _install_virtual_time(sim):
    """time and the _espnow clock answer a device's thread from its clock in the simulation."""
    real_sleep, real_device = time.sleep, _espnow.process_device
    real_ticks_ms, real_ticks_us = _espnow.ticks_ms, _espnow.ticks_us

    def on_device():
        return getattr(_local, "device", None) is not None

    time.sleep = lambda s: _local.device._sleep(s) if on_device() else real_sleep(s)
    _espnow.process_device = lambda: _local.device if on_device() else real_device()
    _espnow.ticks_ms = lambda: _local.device._clock_ns() // 1_000_000 if on_device() else real_ticks_ms()
    _espnow.ticks_us = lambda: _local.device._clock_ns() // 1_000 if on_device() else real_ticks_us()


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


def _program(source, path, mac):
    """A script as a device's program: its own globals, its device, its MAC before every line it prints."""
    def run(device):
        _local.device = device
        _local.prefix = _mac_text(mac) + " "
        globals_ = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__, "gc": gc}
        try:
            exec(compile(source, path, "exec"), globals_)
        except espnow_sim.SimulationExit:
            raise
        except SystemExit:
            pass
        except BaseException:  # noqa: B902 - a copy's error ends that copy only, as on its own board
            for line in traceback.format_exc().splitlines():
                print(line)
        finally:
            if getattr(_local, "pending", ""):
                print("")
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="espnow-python --sim", description=__doc__.split("\n\n")[0])
    parser.add_argument("devices", type=int, help="how many copies of the script (1..250)")
    parser.add_argument("--sim-seconds", type=float, default=60.0, help="virtual seconds to run (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loss", type=float, default=0.0, help="frame loss probability on the air")
    parser.add_argument("--drift", type=float, default=0.0,
                        help="each device's clock runs fast or slow by up to this many ppm, drawn from the seed")
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    a = parser.parse_args(argv)
    if not 1 <= a.devices <= 250:
        parser.error("devices must be 1..250, got %d" % a.devices)
    if not a.sim_seconds > 0:  # nan too
        parser.error("--sim-seconds must be > 0")
    if not 0.0 <= a.loss <= 1.0:
        parser.error("--loss must be 0..1")
    if not 0.0 <= a.drift <= 1e5:
        parser.error("--drift must be 0..100000 ppm")
    try:
        with open(a.script) as f:
            source = f.read()
    except OSError as e:
        parser.error("cannot read %s: %s" % (a.script, e.strerror))
    sys.argv = [a.script] + a.args
    random.seed(a.seed)  # the copies draw in the simulation's fixed order: the run repeats
    sim = espnow_sim.Simulation(seed=a.seed, loss=a.loss)
    _install_virtual_time(sim)
    sys.stdout = _PrefixedOutput(sys.stdout)
    drifts = random.Random(a.seed ^ 0xD21F7)  # apart from the scripts' own draws
    for i in range(a.devices):
        sim.add_device(_program(source, a.script, _device_mac(i)), mac=_device_mac(i), position=(i % 16, i // 16),
                       sta_active=False)
        if a.drift:
            sim.set_clock_drift(i, drifts.uniform(-a.drift, a.drift))
    stopped = _run_until_signal(sim, a.sim_seconds, "espnow-python --sim")
    del sim  # ends the copies still running
    return 128 + stopped if stopped else 0


if __name__ == "__main__":
    sys.exit(main())
