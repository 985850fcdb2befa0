"""The part of MicroPython's machine module that ESP-NOW scripts touch, on
CPython: the board's identity and clock, sleeps, and pins that only keep
their state (there is no hardware behind them).

unique_id() is the device's STA MAC as first read (a board's efuse base MAC,
which config(mac=) does not change); freq() is the ESP32's CPU clock, kept
but changing nothing; idle() yields (under --sim it lets virtual time pass as
an empty ESPNow.any() does); lightsleep(ms) sleeps (virtual under --sim).

reset(), soft_reset() and deepsleep(ms) restart the script from its first
line, as a board runs main.py again: reset_cause() and wake_reason() then say
why (SOFT_RESET; DEEPSLEEP_RESET and TIMER_WAKE), RTC().memory() keeps what
was written to it, and the device keeps its MAC. A process is restarted by
executing the launcher again (its PID and output stay; a deep sleep first
takes the radio off the air for the time, in real time); a copy under --sim
by a power cycle of its device, in virtual time (espnow_simulate installs its
own _board). deepsleep() without a time sleeps until the power is cut.
"""
import os
import signal
import sys
import time

import _espnow

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

# machine.wake_reason(): esp_sleep_get_wakeup_cause()'s values, as the ESP32 port gives them.
PIN_WAKE = EXT0_WAKE = 2
EXT1_WAKE = 3
TIMER_WAKE = 4
TOUCHPAD_WAKE = 5
ULP_WAKE = 6
# The wake abilities (Pin.irq's wake=).
SLEEP = 2
DEEPSLEEP = 4

# MICROPY_HW_RTC_USER_MEM_MAX: the bytes RTC().memory() holds on an ESP32.
RTC_USER_MEMORY_MAX = 2048

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


class _BootState:
    """What a board knows of its last reset: why, what woke it, and its RTC
    user memory (kept by every reset but power-on)."""

    def __init__(self, cause=PWRON_RESET, wake=0, rtc_memory=b""):
        self.cause = cause
        self.wake = wake
        self.rtc_memory = rtc_memory


class _ProcessBoard:
    """The process is the board: it restarts by executing the launcher
    again, handing its boot state to the new image in the environment."""

    _VARIABLES = ("ESPNOW_MP_RESET_CAUSE", "ESPNOW_MP_WAKE_REASON", "ESPNOW_MP_RTC_MEMORY")

    def __init__(self):
        cause, wake, memory = (os.environ.pop(name, None) for name in self._VARIABLES)
        self._state = _BootState(int(cause), int(wake), bytes.fromhex(memory)) if cause else _BootState()

    def state(self):
        return self._state

    def restart(self, what, cause, wake, off_ms):
        if sys.argv[0] in ("", "-"):
            raise SystemExit("machine.%s(): the script came from standard input, which cannot be read again; "
                             "it ends here" % what)
        mac = ":".join("%02x" % b for b in unique_id())
        _radio_off()
        sys.stdout.flush()
        sys.stderr.flush()
        if off_ms is None:
            _sleep_until_the_power_is_cut(what)
        time.sleep(off_ms / 1000)
        env = dict(os.environ, ESPNOW_MAC=mac, ESPNOW_MP_RESET_CAUSE=str(cause), ESPNOW_MP_WAKE_REASON=str(wake),
                   ESPNOW_MP_RTC_MEMORY=self._state.rtc_memory.hex())
        os.execve(sys.executable, [sys.executable] + sys.orig_argv[1:], env)


def _radio_off():
    """Both interfaces down: the device leaves the air (a UDP air hears so at once)."""
    import network
    for interface in (network.STA_IF, network.AP_IF):
        network.WLAN(interface).active(False)


def _sleep_until_the_power_is_cut(what):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # before saying so: a harness may cut it at once
    print("machine.%s(): no wake-up time: the board sleeps until its power is cut (Ctrl-C)" % what, file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sys.exit(0)


_board = _ProcessBoard()


def reset():
    """A hard reset (esp_restart): the script runs again, reset_cause() SOFT_RESET."""
    _board.restart("reset", SOFT_RESET, 0, 0)


def soft_reset():
    """The interpreter restarts; the chip does not, so reset_cause() and wake_reason() stay."""
    state = _board.state()
    _board.restart("soft_reset", state.cause, state.wake, 0)


def deepsleep(time_ms=0):
    """Off the air for time_ms, then the script runs again: reset_cause()
    DEEPSLEEP_RESET, wake_reason() TIMER_WAKE. Without a time (or 0, or a
    negative one, which ESP-IDF refuses as a wake-up time) nothing wakes it."""
    _board.restart("deepsleep", DEEPSLEEP_RESET, TIMER_WAKE, time_ms if time_ms and time_ms > 0 else None)


def reset_cause():
    return _board.state().cause


def wake_reason():
    return _board.state().wake


class RTC:
    """The board's RTC: its user memory, kept over resets and deep sleeps
    (not over a power cycle), and the date it keeps."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def memory(self, data=None):
        state = _board.state()
        if data is None:
            return state.rtc_memory
        data = bytes(memoryview(data))  # any buffer, as a board takes
        if len(data) > RTC_USER_MEMORY_MAX:
            raise ValueError("buffer too long")
        state.rtc_memory = data
        return None

    def datetime(self, datetimetuple=None):
        """(year, month, day, weekday, hours, minutes, seconds, subseconds) now;
        setting it is not emulated (the host's clock, or the copy's virtual one, is the time)."""
        if datetimetuple is not None:
            raise NotImplementedError("RTC.datetime(tuple): setting the board's clock is not emulated; "
                                      "time.time() follows the host's clock (virtual under --sim)")
        now = time.time()
        t = time.gmtime(now)
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_wday, t.tm_hour, t.tm_min, t.tm_sec,
                int(now % 1 * 1_000_000))


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
