"""The part of MicroPython's machine module that ESP-NOW scripts touch, on
CPython: the board's identity and clock, sleeps, and pins that only keep
their state (there is no hardware behind them).

unique_id() is the device's STA MAC as first read (a board's efuse base MAC,
which config(mac=) does not change); freq() is the ESP32's CPU clock, kept
but changing nothing; idle() yields (under --sim it lets virtual time pass as
an empty ESPNow.any() does); lightsleep(ms) sleeps (virtual under --sim);
reset(), soft_reset() and deepsleep() end the script with SystemExit, as
there is no board to restart.
"""
import time

import _espnow

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

_FREQUENCIES = (20_000_000, 40_000_000, 80_000_000, 160_000_000, 240_000_000)
_freq = [160_000_000]  # the ESP32 port's default


def unique_id():
    """6 bytes: the device's MAC as a board's efuse holds it (fixed at the first call)."""
    device = _espnow.process_device()
    if not hasattr(device, "_unique_id"):
        device._unique_id = device.mac(0)
    return device._unique_id


def freq(hz=None):
    if hz is None:
        return _freq[0]
    if hz not in _FREQUENCIES:
        raise ValueError("frequency must be 20MHz, 40MHz, 80Mhz, 160MHz or 240MHz")
    _freq[0] = hz
    return None


def idle():
    """Gives the processor away for a moment, as a board's idle() does."""
    time.sleep(0)


def lightsleep(time_ms=None):
    if time_ms is None:
        raise ValueError("lightsleep() without a time would sleep for ever: nothing here wakes it")
    time.sleep_ms(time_ms)


def _no_restart(what):
    raise SystemExit("machine.%s(): this emulated board cannot restart the script; it ends here" % what)


def reset():
    _no_restart("reset")


def soft_reset():
    _no_restart("soft_reset")


def deepsleep(time_ms=None):
    """A board wakes from deep sleep by resetting, which cannot be done here."""
    _no_restart("deepsleep")


def reset_cause():
    return PWRON_RESET


class Pin:
    """A GPIO that keeps the level written to it (an input reads what was last written, else 0)."""

    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, id, mode=-1, pull=-1, *, value=None):
        self._id = id
        self._value = 0
        self.init(mode, pull, value=value)

    def init(self, mode=-1, pull=-1, *, value=None):
        if value is not None:
            self._value = 1 if value else 0

    def value(self, x=None):
        if x is None:
            return self._value
        self._value = 1 if x else 0
        return None

    __call__ = value

    def on(self):
        self._value = 1

    def off(self):
        self._value = 0

    def __repr__(self):
        return "Pin(%s)" % (self._id,)
