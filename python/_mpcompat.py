"""What a MicroPython script finds beyond the espnow modules, installed into
CPython by the espnow-python launcher: time.ticks_*, sleep_ms/us, gc.mem_*,
uasyncio and the other u-module names, asyncio.sleep_ms,
sys.implementation._machine, the board's boot globals (gc in __main__), and
one traceback for a Ctrl-C that ends asyncio.run(), as a board prints.

ticks_ms() counts from the process's start, the clock the UDP air's device
stamps peers_table's time_ms with, and wraps at 2**30 as MicroPython's does.
"""
import asyncio
import gc
import sys
import time

import _espnow

TICKS_PERIOD = 1 << 30
_HALF = TICKS_PERIOD // 2


def ticks_ms():
    return _espnow.ticks_ms() & (TICKS_PERIOD - 1)


def ticks_us():
    return _espnow.ticks_us() & (TICKS_PERIOD - 1)


def ticks_cpu():
    return ticks_us()


def ticks_add(ticks, delta):
    return (ticks + delta) & (TICKS_PERIOD - 1)


def ticks_diff(ticks1, ticks2):
    """The signed difference ticks1 - ticks2, correct across one wrap."""
    return ((ticks1 - ticks2 + _HALF) & (TICKS_PERIOD - 1)) - _HALF


def sleep_ms(ms):
    time.sleep(ms / 1000)


def sleep_us(us):
    time.sleep(us / 1_000_000)


def _statm_bytes(field):
    import os
    with open("/proc/self/statm") as f:
        return int(f.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")


def mem_alloc():
    """Bytes the process holds (resident), the closest CPython has to the heap in use."""
    return _statm_bytes(1)


def mem_free():
    """Bytes the host could still give (MemAvailable)."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


async def _sleep_ms(ms):
    await asyncio.sleep(ms / 1000)


_ALIASES = {"uasyncio": "asyncio", "utime": "time", "usys": "sys", "uos": "os", "ustruct": "struct",
            "ujson": "json", "ubinascii": "binascii", "uselect": "select", "ucollections": "collections",
            "uerrno": "errno", "uhashlib": "hashlib", "urandom": "random", "uio": "io", "ure": "re"}


def install():
    for name in ("ticks_ms", "ticks_us", "ticks_cpu", "ticks_add", "ticks_diff", "sleep_ms", "sleep_us"):
        setattr(time, name, globals()[name])
    gc.mem_alloc = mem_alloc
    gc.mem_free = mem_free
    asyncio.sleep_ms = _sleep_ms
    for alias, real in _ALIASES.items():
        if alias not in sys.modules:
            sys.modules[alias] = __import__(real)
    sys.implementation._machine = "ESP-NOW for C++ simulated device with ESP32 (CPython %d.%d)" % sys.version_info[:2]
    sys.excepthook = _one_traceback_for_ctrl_c(sys.excepthook)
    _boot_globals()


def _one_traceback_for_ctrl_c(excepthook):
    """asyncio.run() raises the KeyboardInterrupt of a Ctrl-C while handling
    its main task's CancelledError, so CPython prints both, chained ("During
    handling of the above exception..."); the CancelledError is only how
    asyncio stopped the task. The KeyboardInterrupt is shown alone."""
    def hook(kind, value, tb):
        if isinstance(value, KeyboardInterrupt) and isinstance(value.__context__, asyncio.CancelledError):
            value.__suppress_context__ = True
        excepthook(kind, value, tb)
    return hook


def _boot_globals():
    """What a board's _boot.py leaves in __main__ before any script runs: it
    imports gc (and mounts the flash filesystem, which a PC has no need of), so
    scripts call gc.collect() without importing gc. CPython runs -c, a file,
    stdin and -m all in this same __main__."""
    import __main__
    __main__.gc = gc
