"""MicroPython's micropython module, the parts scripts use, on CPython."""
import _espnow


def const(expr):
    """micropython.const(): the value itself (an optimisation hint on boards)."""
    return expr


def schedule(fn, arg):
    """Runs fn(arg) soon on the main thread, between bytecodes; RuntimeError when the queue is full."""
    _espnow.schedule(fn, arg)


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
