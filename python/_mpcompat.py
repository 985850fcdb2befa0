"""What a MicroPython script finds beyond the espnow modules, installed into
CPython by the espnow-python launcher: time.ticks_*, sleep_ms/us, gc.mem_*,
uasyncio and the other u-module names, asyncio.sleep_ms, wait_for_ms and
ThreadSafeFlag, sys.implementation._machine, const() as a builtin, the
board's boot globals (gc in __main__), and one traceback for a Ctrl-C that
ends asyncio.run(), as a board prints.

ticks_ms() counts from the process's start, the clock the UDP air's device
stamps peers_table's time_ms with, and wraps at 2**30 as MicroPython's does.
"""
import asyncio
import gc
import os
import sys
import threading
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


def _int_arg(value):
    """An int as MicroPython's mp_obj_get_int takes it: a float is TypeError."""
    if isinstance(value, int):
        return value
    raise TypeError("can't convert %s to int" % type(value).__name__)


def sleep_ms(ms):
    """As a board: ints only, and a negative length returns at once (a
    period's remainder that work overran)."""
    ms = _int_arg(ms)
    if ms > 0:
        time.sleep(ms / 1000)


def sleep_us(us):
    us = _int_arg(us)
    if us > 0:
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


async def _wait_for_ms(aw, timeout):
    return await asyncio.wait_for(aw, timeout / 1000)


class ThreadSafeFlag:
    """MicroPython's asyncio.ThreadSafeFlag: set() from any thread (an irq
    callback) wakes the one task in wait(), which clears the flag."""

    def __init__(self):
        self._lock = threading.Lock()
        self._flag = False
        self._waiter = None

    def set(self):
        with self._lock:
            self._flag = True
            waiter = self._waiter
        if waiter is not None:
            waiter.get_loop().call_soon_threadsafe(_wake, waiter)

    def clear(self):
        with self._lock:
            self._flag = False

    async def wait(self):
        while True:
            with self._lock:
                if self._flag:
                    self._flag = False
                    return
                self._waiter = waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                with self._lock:
                    self._waiter = None


def _wake(waiter):
    if not waiter.done():
        waiter.set_result(None)


_ALIASES = {"uasyncio": "asyncio", "utime": "time", "usys": "sys", "uos": "os", "ustruct": "struct",
            "ujson": "json", "ubinascii": "binascii", "uselect": "select", "ucollections": "collections",
            "uerrno": "errno", "uhashlib": "hashlib", "urandom": "random", "uio": "io", "ure": "re",
            "uarray": "array", "usocket": "socket", "ucryptolib": "cryptolib"}


def _ilistdir(path="."):
    """MicroPython's os.ilistdir: (name, type, inode, size), type 0x4000 for a folder, 0x8000 a file."""
    for entry in os.scandir(path):
        is_dir = entry.is_dir()
        yield entry.name, 0x4000 if is_dir else 0x8000, entry.inode(), 0 if is_dir else entry.stat().st_size


class _RequestsAsURequests:
    """`import requests`, micropython-lib's name for urequests, when the host has no requests
    of its own (last on sys.meta_path: an installed one wins)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "requests":
            return None
        import importlib.util
        return importlib.util.find_spec("urequests")


def install():
    for name in ("ticks_ms", "ticks_us", "ticks_cpu", "ticks_add", "ticks_diff", "sleep_ms", "sleep_us"):
        setattr(time, name, globals()[name])
    os.ilistdir = _ilistdir
    sys.meta_path.append(_RequestsAsURequests)
    gc.mem_alloc = mem_alloc
    gc.mem_free = mem_free
    asyncio.sleep_ms = _sleep_ms
    asyncio.wait_for_ms = _wait_for_ms
    asyncio.ThreadSafeFlag = ThreadSafeFlag
    for alias, real in _ALIASES.items():
        if alias not in sys.modules:
            sys.modules[alias] = __import__(real)
    sys.implementation._machine = "ESP-NOW for C++ simulated device with ESP32 (CPython %d.%d)" % sys.version_info[:2]
    sys.excepthook = _one_traceback_for_ctrl_c(sys.excepthook)
    sys.print_exception = print_exception
    _builtins()
    _boot_globals()


def print_exception(exc, file=None):
    """MicroPython's sys.print_exception: the exception and its traceback,
    to sys.stdout unless a file is given (MicroPython has no chained
    exceptions, so none is shown)."""
    import traceback
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stdout if file is None else file,
                              chain=False)


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


def _builtins():
    """MicroPython's compiler folds const() wherever it appears, with no
    import: on CPython it is a builtin that returns its argument."""
    import builtins
    from micropython import const
    builtins.const = const


def _boot_globals():
    """What a board's _boot.py leaves in __main__ before any script runs: it
    imports gc (and mounts the flash filesystem, which a PC has no need of), so
    scripts call gc.collect() without importing gc. CPython runs -c, a file,
    stdin and -m all in this same __main__."""
    import __main__
    __main__.gc = gc
