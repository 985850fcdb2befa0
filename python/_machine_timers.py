"""machine.Timer and machine.WDT, as the ESP32 port of MicroPython has them.

Their deadlines are the board's (machine._board): a process keeps them on a
thread that interrupts the script's main thread (_process_interrupts); a copy
under espnow-python --sim on the simulation's virtual clock. A Timer's
callback is a soft interrupt's: it runs between the script's steps and in
its waits (a sleep, a blocking recv), never within another callback; the
watchdog resets the board whatever the script is doing.
"""
import time

# The ESP32's hardware timers: two groups of two.
_HARDWARE_TIMERS = 4
# MicroPython's ESP32 builds run FreeRTOS at 100 Hz (CONFIG_FREERTOS_HZ): a
# virtual timer's period is a whole number of 10 ms ticks.
_OS_TICK_MS = 10
# init()'s keywords and their defaults; period's is the port's 0xffffffff ms.
_INIT_DEFAULTS = {"mode": 1, "callback": None, "period": 0xFFFFFFFF, "tick_hz": 1000, "freq": None, "hard": False}


def _board():
    """machine's board (imported here: machine imports this module)."""
    import machine
    return machine._board


def _int(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s: can't convert %s to int" % (name, type(value).__name__))
    return value


class Timer:
    """Timer(id, **init): a hardware timer 0..3 (the same object for the same id, for the
    script's run) or a virtual one (-1, a FreeRTOS timer in 10 ms ticks)."""

    ONE_SHOT = 0
    PERIODIC = 1

    def __new__(cls, id, *args, **kwargs):
        id = _int(id, "id")
        if id == -1:
            self = cls._made(id)
        elif 0 <= id < _HARDWARE_TIMERS:
            timers = _board().timers()
            self = timers.get(id)
            if self is None:
                self = timers[id] = cls._made(id)
        else:
            raise ValueError("invalid Timer number, max %d" % _HARDWARE_TIMERS)
        if args or kwargs:
            self.init(*args, **kwargs)
        return self

    def __init__(self, id, *args, **kwargs):
        """Made by __new__ (a hardware timer's object is reused, its set-up kept)."""

    @classmethod
    def _made(cls, id):
        self = object.__new__(cls)
        self._id = id
        self._repeat = True
        self._period_ns = 0
        self._callback = None
        self._deadline = None
        self._started_ns = None  # when its count last started; None: not set
        self._inited = False
        return self

    def init(self, *args, **kwargs):
        """mode=PERIODIC, callback=None, period=ms (in 1/tick_hz s), tick_hz=1000, freq=Hz,
        hard=False: callback(timer) after each period (ONE_SHOT: once)."""
        if args:
            raise TypeError("extra positional arguments given")
        for name in kwargs:
            if name not in _INIT_DEFAULTS:
                raise TypeError("unexpected keyword argument '%s'" % name)
        options = dict(_INIT_DEFAULTS, **kwargs)
        self._stop()
        if options["hard"]:
            raise ValueError("hard Timers are not implemented")
        period_ns = self._period_from(options)
        if self._id == -1:
            ticks = int(period_ns // 1_000_000) // _OS_TICK_MS  # pdMS_TO_TICKS rounds down
            if ticks == 0:
                raise ValueError("period too small for soft timer, less than OS tick period of %d ms.  "
                                 "Try a hardware timer." % _OS_TICK_MS)
            period_ns = ticks * _OS_TICK_MS * 1_000_000
        self._repeat = bool(_int(options["mode"], "mode"))
        self._callback = options["callback"]
        self._period_ns = period_ns
        self._inited = True
        self._started_ns = _board().now_ns()
        self._arm(self._started_ns + period_ns)

    @staticmethod
    def _period_from(options):
        if options["freq"] is not None:
            freq = options["freq"]
            if not isinstance(freq, (int, float)) or isinstance(freq, bool):
                raise TypeError("can't convert %s to float" % type(freq).__name__)
            if not freq > 0:
                raise ValueError("freq must be more than 0")
            return round(1e9 / freq)
        period, tick_hz = _int(options["period"], "period"), _int(options["tick_hz"], "tick_hz")
        if period <= 0 or tick_hz <= 0:
            raise ValueError("period and tick_hz must be more than 0")  # a board's timer would fire without end
        return period * 1_000_000_000 // tick_hz

    def _arm(self, due_ns):
        self._deadline = _board().at(due_ns, lambda: self._fire(due_ns))

    def _fire(self, due_ns):
        if self._repeat:
            self._started_ns = due_ns  # the counter reloads at 0
            self._arm(due_ns + self._period_ns)
        else:
            self._deadline = None
            if self._id == -1:
                self._started_ns = None  # the port's virtual timer is "not set" once it has fired
        if self._callback is not None:
            _board().soft_call(self._callback, self)

    def _stop(self):
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def deinit(self):
        if self._id == -1 and not self._inited:
            raise ValueError("timer not set")
        self._stop()
        if self._id != -1:
            self._started_ns = None

    def value(self):
        """A hardware timer's count, in ms since it last started (reloaded); a virtual
        timer's ticks left until it fires."""
        if self._started_ns is None:
            raise ValueError("timer not set")
        elapsed_ms = (_board().now_ns() - self._started_ns) // 1_000_000
        if self._id == -1:
            return (self._period_ns // 1_000_000 - elapsed_ms) // _OS_TICK_MS
        return elapsed_ms

    def __repr__(self):
        mode = "PERIODIC" if self._repeat else "ONE_SHOT"
        period = self._period_ns // 1_000_000 // (_OS_TICK_MS if self._id == -1 else 1)
        return "Timer(%d, mode=%s, period=%d)" % (self._id, mode, period)


class WDT:
    """WDT(id=0, timeout=5000): the task watchdog, started for the script; feed() starts its
    count again. A count that reaches `timeout` ms resets the board (reset_cause()
    WDT_RESET), whatever the script is doing. It cannot be stopped; a soft reset keeps it."""

    def __new__(cls, id=0, timeout=5000):
        if _int(id, "id") != 0:
            raise ValueError()
        if _int(timeout, "timeout") <= 0:
            raise ValueError("WDT timeout too short")
        _board().state().wdt_ms = timeout  # esp_task_wdt_reconfigure: a new timeout, counted from now
        feed_watchdog()
        return _THE_WDT

    def feed(self):
        feed_watchdog()


_THE_WDT = object.__new__(WDT)


def feed_watchdog():
    """The count starts again (esp_task_wdt_reset); nothing when no watchdog runs."""
    state = _board().state()
    if state.wdt_ms is None:
        return
    if state.wdt_deadline is not None:
        state.wdt_deadline.cancel()
    state.wdt_deadline = _board().at(_board().now_ns() + state.wdt_ms * 1_000_000,
                                           _watchdog_expired, urgent=True)


def _watchdog_expired():
    ms = time.ticks_ms() if hasattr(time, "ticks_ms") else 0
    if _board().state().log_level >= 1:  # esp.osdebug(None, esp.LOG_NONE) silences ESP-IDF's errors too
        _print_task_wdt(ms)
    _board().watchdog_reset()


def _print_task_wdt(ms):
    print("E (%d) task_wdt: Task watchdog got triggered. The following tasks/users did not reset the "
          "watchdog in time:" % ms)
    print("E (%d) task_wdt:  - mp_task (CPU 0)" % ms)
