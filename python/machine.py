"""The part of MicroPython's machine module that ESP-NOW scripts touch, on
CPython: the board's identity and clock, sleeps, and pins (an input reads its
pull, or what --sim's --gpio drives onto it; an output reads back its level;
irq() handlers run on their edges); ADC reads the voltage on a pin (what
--sim's --gpio puts on it, as 1650mV, else its level at 3.3 V).

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

Timer and WDT (_machine_timers) run on the board's clock: a Timer's callback
is a soft interrupt's, run between the script's steps and in its waits; the
watchdog resets the board (WDT_RESET) unless fed.
"""
import ast
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


def bitstream(pin, encoding, timing, buf):
    """Bits sent on a pin at the given timings (encoding 0: high-low pairs, as WS2812 LEDs
    take them); nothing is wired to take them here."""
    if encoding != 0:
        raise ValueError("encoding must be 0")
    if len(timing) != 4:
        raise ValueError("timing must have 4 values")
    bytes(memoryview(buf))  # any buffer, as the port takes


def lightsleep(time_ms=None):
    if time_ms is None:
        raise ValueError("lightsleep() without a time would sleep for ever: nothing here wakes it")
    time.sleep_ms(time_ms)


class _BootState:
    """What a board knows of its last reset: why, what woke it, and its RTC
    user memory (kept by every reset but power-on)."""

    def __init__(self, cause=PWRON_RESET, wake=0, rtc_memory=b"", wdt_ms=None):
        self.cause = cause
        self.wake = wake
        self.rtc_memory = rtc_memory
        self.wdt_ms = wdt_ms  # the task watchdog's timeout while it runs (a soft reset keeps it)
        self.wdt_deadline = None  # when it resets the board unless fed
        self.log_level = 1  # ESP-IDF's log level (esp.osdebug): errors, as MicroPython builds have it
        self.wake_ext0 = self.wake_ext1 = None  # esp32.wake_on_ext0/ext1's pads and levels
        self.wake_touch = self.wake_ulp = False


class _ProcessBoard:
    """The process is the board: it restarts by executing the launcher
    again, handing its boot state to the new image in the environment."""

    _VARIABLES = ("ESPNOW_MP_RESET_CAUSE", "ESPNOW_MP_WAKE_REASON", "ESPNOW_MP_RTC_MEMORY", "ESPNOW_MP_WDT_MS",
                  "ESPNOW_MP_FLASH")

    def __init__(self):
        cause, wake, memory, wdt_ms, flash = (os.environ.pop(name, None) for name in self._VARIABLES)
        self._state = (_BootState(int(cause), int(wake), bytes.fromhex(memory), int(wdt_ms) if wdt_ms else None)
                       if cause else _BootState())
        self._pads = None  # made on first use (the class comes below)
        self._timers = {}
        self._flash = ast.literal_eval(flash) if flash else {}

    def flash(self):
        """The flash's NVS namespaces (esp32.NVS): they last through the run's resets."""
        return self._flash

    def timers(self):
        """The hardware timers made in this run, by id."""
        return self._timers

    def now_ns(self):
        return time.monotonic_ns()

    def at(self, due_ns, action, urgent=False):
        """action() at time.monotonic_ns() due_ns, as an interrupt: on the script's main
        thread between its steps, or (urgent) at once on the interrupts' thread."""
        from _process_interrupts import interrupts
        return interrupts.at(due_ns, action, urgent)

    def soft_call(self, fn, arg):
        """A soft interrupt's callback: an action of at() already runs between the script's steps."""
        import micropython
        micropython._run_protected(fn, arg)

    def watchdog_reset(self):
        """The task watchdog resets the board (on the interrupts' thread)."""
        try:
            self.restart("WDT", WDT_RESET, 0, 0)
        except SystemExit as e:  # a script from standard input cannot run again
            print(e.code, file=sys.stderr)
            sys.stderr.flush()
            os._exit(1)

    def state(self):
        return self._state

    def pads(self):
        if self._pads is None:
            import _dht_sensor
            self._pads = _Pads()
            for line in os.environ.get("ESPNOW_DHT", "").splitlines():  # the launcher's --dht, checked at start
                pin, answer = _dht_sensor.parse(line)
                self._pads.sensors[pin] = answer
        return self._pads

    def irq_set(self):
        """A pin's handler was set: nothing to prepare in a process."""

    def restart(self, what, cause, wake, off_ms):
        if sys.argv[0] in ("", "-"):
            raise SystemExit("machine.%s(): the script came from standard input, which cannot be read again; "
                             "it ends here" % what)
        mac = ":".join("%02x" % b for b in unique_id())
        wifi = _wifi_kept() if what == "soft_reset" else None  # MicroPython's soft reset stops ESP-NOW, not the Wi-Fi
        _radio_off()
        sys.stdout.flush()
        sys.stderr.flush()
        if off_ms is None:
            _sleep_until_the_power_is_cut(what)
        time.sleep(off_ms / 1000)
        env = dict(os.environ, ESPNOW_MAC=mac, ESPNOW_MP_RESET_CAUSE=str(cause), ESPNOW_MP_WAKE_REASON=str(wake),
                   ESPNOW_MP_RTC_MEMORY=self._state.rtc_memory.hex())
        if what == "soft_reset" and self._state.wdt_ms is not None:  # the chip's watchdog runs on
            env["ESPNOW_MP_WDT_MS"] = str(self._state.wdt_ms)
        if wifi is not None:
            env["ESPNOW_MP_WIFI"] = wifi
        if self._flash:
            env["ESPNOW_MP_FLASH"] = repr(self._flash)
        os.execve(sys.executable, [sys.executable] + sys.orig_argv[1:], env)


def _wifi_kept():
    """The radio and the Wi-Fi as a soft reset leaves them, for the next image (network)."""
    import network
    return network._soft_reset_state(_espnow.process_device())


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


def disable_irq():
    """Masks the board's interrupts and returns the state to give back to
    enable_irq(). A hard pin handler's edge then waits until they are unmasked
    (a GPIO's interrupt stays latched), as on a board; scheduled callbacks
    (soft pin handlers, Timers, ESP-NOW's irq) still run, as MicroPython's
    scheduler is not masked."""
    pads = _board.pads()
    was_masked = pads.irq_masked
    pads.irq_masked = True
    return int(was_masked)


def enable_irq(state):
    """Puts back the mask disable_irq() returned: nested pairs unmask at the
    outer one, which runs the hard handlers of the edges held meanwhile."""
    _board.pads().unmask(bool(state))


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


class _Pad:
    """A pad as the script set it up (mode, pull, output latch, irq), for one boot."""

    def __init__(self):
        self.mode = None  # None: as reset, neither input nor output set up
        self.pull = None
        self.latch = 0
        self.handler = None
        self.trigger = 0
        self.hard = False
        self.pin = None  # the Pin its handler is given


class _Pads:
    """A board's GPIO pads: each one's set-up (fresh at every boot) and the
    levels driven onto them from outside (the wiring: a button, a sensor's
    line), which stay. A change of a pad's level that its irq's trigger
    matches calls its handler."""

    def __init__(self):
        self.pads = {}
        self.driven = {}
        self.millivolts = {}  # voltages put on pads (an ADC's input), apart from the levels
        self.sensors = {}  # DHT sensors wired to pads: what each answers (espnow-python's --dht)
        self.irq_masked = False  # disable_irq(): hard handlers' edges wait in `held`
        self.held = []

    def voltage_mv(self, id):
        """What an ADC sees on the pad: the voltage put on it, else its level at 3.3 V."""
        if id in self.millivolts:
            return self.millivolts[id]
        return 3300 * self.level(id)

    def boot(self):
        self.pads = {}
        self.irq_masked, self.held = False, []

    def hard_edge(self, handler, pin, run):
        """A hard handler's edge: run(handler, pin) now, or, while the
        board's interrupts are masked, at enable_irq()."""
        if self.irq_masked:
            self.held.append((handler, pin))
        else:
            run(handler, pin)

    def unmask(self, masked):
        """enable_irq(): the mask as it was; unmasked, the held edges' handlers run, in order."""
        self.irq_masked = masked
        while not self.irq_masked and self.held:
            handler, pin = self.held.pop(0)
            handler(pin)

    def pad(self, id):
        return self.pads.setdefault(id, _Pad())

    def level(self, id):
        """What the pad's input reads: the output it drives (an open drain only
        pulls low), else what drives it from outside, else its pull."""
        pad = self.pads.get(id)
        mode = pad.mode if pad else None
        if mode == Pin.OUT or (mode == Pin.OPEN_DRAIN and pad.latch == 0):
            return pad.latch
        if id in self.driven:
            return self.driven[id]
        return 1 if pad is not None and pad.pull == Pin.PULL_UP else 0

    def change(self, id, fn, run_handler):
        """fn() changes pad `id`; an edge its irq listens for then runs its
        handler through run_handler(handler, pin, hard)."""
        before = self.level(id)
        fn()
        after = self.level(id)
        pad = self.pads.get(id)
        if pad is None or pad.handler is None or before == after:
            return
        if pad.trigger & (Pin.IRQ_RISING if after else Pin.IRQ_FALLING):
            run_handler(pad.handler, pad.pin, pad.hard)


def _run_own_handler(handler, pin, hard):
    """An edge the script made itself: a hard handler at once, a soft one
    scheduled (micropython.schedule), as a board runs them."""
    if hard:
        _board.pads().hard_edge(handler, pin, lambda h, p: h(p))
    else:
        import micropython
        micropython.schedule(handler, pin)


# An ESP32's GPIO pads: 0..39 but these.
_NO_SUCH_PAD = frozenset((20, 24, 28, 29, 30, 31))


class _PinIRQ:
    """What Pin.irq() returns."""

    def __init__(self, pin):
        self._pin = pin

    def trigger(self, new=None):
        pad = self._pin._pad()
        if new is None:
            return pad.trigger
        pad.trigger = new
        return None


class _Levels:
    """What Pin and Signal share around their value(): p() reads it, p(x)
    sets it, on() and off()."""

    def __call__(self, x=None):
        return self.value(x)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)


class Pin(_Levels):
    """A GPIO pad of the board: an input reads what drives it from outside
    (espnow-python --sim's --gpio), else its pull (PULL_UP: 1); an output
    reads back the level it drives. irq() calls a handler on its edges."""

    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2
    WAKE_LOW = 4
    WAKE_HIGH = 5
    DRIVE_0, DRIVE_1, DRIVE_2, DRIVE_3 = 0, 1, 2, 3

    _UNSET = object()

    def __init__(self, id, mode=-1, pull=-1, *, value=None, drive=None):
        if not isinstance(id, int) or isinstance(id, bool) or not 0 <= id <= 39 or id in _NO_SUCH_PAD:
            raise ValueError("invalid pin")
        self._id = id
        self.init(mode, pull, value=value, drive=drive)

    def _pad(self):
        return _board.pads().pad(self._id)

    def _change(self, fn):
        _board.pads().change(self._id, fn, _run_own_handler)

    def init(self, mode=-1, pull=-1, *, value=None, drive=None):
        if mode not in (-1, None, Pin.IN, Pin.OUT, Pin.OPEN_DRAIN):
            raise ValueError("invalid pin mode")
        if pull not in (-1, None, Pin.PULL_UP, Pin.PULL_DOWN):
            raise ValueError("invalid pull")
        pad = self._pad()

        def set_up():
            if value is not None:
                pad.latch = 1 if value else 0
            if pull != -1:
                pad.pull = pull
            if mode != -1:
                pad.mode = mode
        self._change(set_up)

    def value(self, x=None):
        if x is None:
            return _board.pads().level(self._id)
        pad = self._pad()

        def write():
            pad.latch = 1 if x else 0
        self._change(write)
        return None

    def irq(self, handler=_UNSET, trigger=IRQ_FALLING | IRQ_RISING, *, priority=1, wake=None, hard=False):
        """handler(pin) on each edge the trigger names (IRQ_RISING,
        IRQ_FALLING or both); handler=None turns it off. Without arguments:
        the irq as it is. A hard handler runs at the edge; a soft one is
        scheduled (micropython.schedule). trigger=WAKE_LOW or WAKE_HIGH with
        wake=DEEPSLEEP makes the pad the RTC's ext0 wake-up, as the ESP32
        port does (esp32.wake_on_ext0); wake=SLEEP alone changes nothing here
        (a light sleep is a sleep)."""
        pad = self._pad()
        if trigger in (Pin.WAKE_LOW, Pin.WAKE_HIGH) and wake is not None:
            self._wake_on_level(trigger, wake)
        elif handler is not Pin._UNSET and _board.state().wake_ext0 and _board.state().wake_ext0[0] == self._id:
            _board.state().wake_ext0 = None  # another irq on the pad ends its wake-up, as in the port
        if handler is not Pin._UNSET:
            if handler is not None and not callable(handler):
                raise TypeError("handler must be callable or None")
            pad.handler = handler if trigger else None
            pad.trigger = trigger if handler is not None else 0
            pad.hard = bool(hard)
            pad.pin = self
            if pad.handler is not None:
                _board.irq_set()
        return _PinIRQ(self)

    def _wake_on_level(self, trigger, wake):
        """The port's ext0 set-up from irq(): checked as it checks it."""
        if isinstance(wake, bool) or not isinstance(wake, int) or not 2 <= wake <= 7:
            raise ValueError("bad wake value")
        state = _board.state()
        if state.wake_touch:
            raise ValueError("no resources")
        import esp32
        pin_id = esp32._pin_id(self)
        if state.wake_ext0 is not None and state.wake_ext0[0] != pin_id:
            raise ValueError("no resources")
        state.wake_ext0 = (pin_id, trigger == Pin.WAKE_HIGH) if wake & DEEPSLEEP else None

    def __repr__(self):
        return "Pin(%s)" % (self._id,)


# An ESP32's ADC pins: ADC1's channels, then ADC2's (the Wi-Fi's while it runs).
_ADC1_PINS = (36, 37, 38, 39, 32, 33, 34, 35)
_ADC2_PINS = (4, 0, 2, 15, 13, 12, 14, 27, 25, 26)
_ETIMEDOUT = 110


class ADC:
    """An ADC channel on a pin, as the ESP32 port has it: ADC(Pin(34),
    atten=ADC.ATTN_11DB). A reading converts the pin's voltage ideally:
    raw = mV * (2**bits - 1) / full scale, clamped, with ESP-IDF's full
    scales for an ESP32 (1100, 1500, 2200 and 3900 mV at 0, 2.5, 6 and
    11 dB); read_uv() gives that voltage back, calibrated, in microvolts.
    An ADC2 pin (0, 2, 4, 12..15, 25..27) read while the WLAN is active
    raises OSError(ETIMEDOUT, 'ESP_ERR_TIMEOUT'), as on a board: the Wi-Fi
    holds ADC2, so an ESP-NOW node must wire its sensors to ADC1 (32..39).
    No noise, non-linearity or per-chip calibration error."""

    ATTN_0DB = 0
    ATTN_2_5DB = 1
    ATTN_6DB = 2
    ATTN_11DB = 3
    WIDTH_9BIT = 9
    WIDTH_10BIT = 10
    WIDTH_11BIT = 11
    WIDTH_12BIT = 12

    _FULL_SCALE_MV = (1100, 1500, 2200, 3900)

    def __init__(self, pin, *, atten=None):
        id = pin._id if isinstance(pin, Pin) else pin
        if not isinstance(id, int) or isinstance(id, bool) or id not in _ADC1_PINS + _ADC2_PINS:
            raise ValueError("invalid Pin for ADC")
        self._id = id
        self._atten = ADC.ATTN_0DB
        self._bits = 12
        self.init(atten=atten)

    def init(self, *, atten=None):
        if atten is not None:
            self.atten(atten)

    def atten(self, atten):
        if atten not in (ADC.ATTN_0DB, ADC.ATTN_2_5DB, ADC.ATTN_6DB, ADC.ATTN_11DB):
            raise ValueError("invalid attenuation")
        self._atten = atten

    def width(self, bits):
        """The legacy reading's width (read()); 9..12 bits."""
        if bits not in (9, 10, 11, 12):
            raise ValueError("invalid bit-width")
        self._bits = bits

    def _raw(self):
        if self._id in _ADC2_PINS:
            import network
            device = _espnow.process_device()
            if any(device.interface_active(i) for i in (network.STA_IF, network.AP_IF)):
                raise OSError(_ETIMEDOUT, "ESP_ERR_TIMEOUT")
        full = ADC._FULL_SCALE_MV[self._atten]
        top = (1 << self._bits) - 1
        mv = min(max(_board.pads().voltage_mv(self._id), 0), full)
        return round(mv * top / full)

    def read(self):
        """The raw reading, 0 .. 2**width - 1."""
        return self._raw()

    def read_u16(self):
        """The reading scaled to 0..65535, as the port scales it."""
        raw, bits = self._raw(), self._bits
        return raw << (16 - bits) | raw >> (2 * bits - 16)

    def read_uv(self):
        """The calibrated voltage, in microvolts (to the millivolt)."""
        top = (1 << self._bits) - 1
        return round(self._raw() * ADC._FULL_SCALE_MV[self._atten] / top) * 1000

    def __repr__(self):
        return "ADC(Pin(%d), atten=%d)" % (self._id, self._atten)


class Signal(_Levels):
    """A pin with its active level: Signal(pin, invert=False), or
    Signal(id, mode, pull, invert=False) with Pin's arguments. An inverted
    signal is on when its pin is low (an LED wired to 3.3 V)."""

    def __init__(self, pin, *args, invert=False, **kwargs):
        self._pin = pin if isinstance(pin, Pin) and not args and not kwargs else Pin(pin, *args, **kwargs)
        self._invert = bool(invert)

    def value(self, x=None):
        if x is None:
            return self._pin.value() ^ self._invert
        self._pin.value(bool(x) ^ self._invert)
        return None


from _machine_timers import Timer, WDT  # noqa: E402  (they use _board, above)
from _machine_pwm import PWM  # noqa: E402  (it makes Pins)
