"""MicroPython's micropython module, the parts scripts use, on CPython."""
import sys
import traceback

import _espnow
from _process_interrupts import interrupts as _interrupts

_interrupts.install()  # scheduled callbacks run on the main thread, through its signal


def const(expr):
    """micropython.const(): the value itself (an optimisation hint on boards)."""
    return expr


def schedule(fn, arg):
    """Runs fn(arg) soon on the main thread, between its steps and inside its waits (a sleep, a
    blocking receive), one at a time; RuntimeError when 8 wait already. What it raises is
    printed and the program goes on, as MicroPython runs scheduled callbacks."""
    if not callable(fn):
        raise TypeError("schedule(): fn is not callable")
    if _interrupts.install():
        return _interrupts.soon(lambda: _run_protected(fn, arg))
    # micropython imported first on another thread: CPython's pending calls, which run only
    # between the main thread's bytecodes (not inside its sleeps)
    _espnow.schedule(lambda a: _run_protected(fn, a), arg)


def _run_protected(fn, arg, out=None):
    """fn(arg) as MicroPython runs a scheduled or irq callback (mp_call_function_1_protected):
    an Exception it raises is printed, with the callback's frames only (on `out`, by default
    standard error, where CPython prints a script's own), and the program goes on."""
    try:
        fn(arg)
    except Exception as e:  # noqa: B902 - a KeyboardInterrupt or SystemExit still ends the script
        traceback.print_exception(type(e), e, e.__traceback__.tb_next, file=out or sys.stderr)


def kbd_intr(c):
    """The character that raises KeyboardInterrupt (3, Ctrl-C); -1 turns it
    off, so that a script reading its standard input (a serial-to-ESP-NOW
    bridge) gets 0x03 as data. Here Ctrl-C is the terminal's SIGINT: ignored
    while off, KeyboardInterrupt again for any other value. Under --sim, where
    a copy runs on a thread and Ctrl-C ends the whole run, it changes nothing."""
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN if c == -1 else signal.default_int_handler)


def alloc_emergency_exception_buf(size):
    return None


def opt_level(level=None):
    return 0 if level is None else None


def native(fn):
    return fn


viper = native


def mem_info(verbose=None):
    import gc
    print("mem: total=%d, current=%d" % (gc.mem_alloc() + gc.mem_free(), gc.mem_alloc()))


def heap_lock():
    return 0


def heap_unlock():
    return 0
