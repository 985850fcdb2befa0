"""The ESP32 port's esp module, the parts scripts use: osdebug() (boot.py's
`esp.osdebug(None)`), the ESP-IDF log levels, and the flash's size and where
its filesystem starts on a 4 MB board. The level set is the board's: the
emulation's ESP-IDF log lines (the task watchdog's) follow it."""
import machine

LOG_NONE = 0
LOG_ERROR = 1
LOG_WARNING = 2
LOG_INFO = 3
LOG_DEBUG = 4
LOG_VERBOSE = 5

_FLASH_SIZE = 4 * 1024 * 1024  # an ESP32-WROOM-32's
_FLASH_USER_START = 0x200000  # MicroPython's filesystem partition on a 4 MB board


def osdebug(uart, level=LOG_ERROR):
    """ESP-IDF's log output: None keeps it off the REPL's UART and at `level`
    (errors only by default, as MicroPython builds have it); a UART number leaves it on."""
    if uart is not None and (isinstance(uart, bool) or not isinstance(uart, int)):
        raise TypeError("can't convert %s to int" % type(uart).__name__)
    if isinstance(level, bool) or not isinstance(level, int):
        raise TypeError("can't convert %s to int" % type(level).__name__)
    machine._board.state().log_level = min(max(level, LOG_NONE), LOG_VERBOSE) if uart is None else LOG_ERROR


def dht_readinto(pin, buf):
    """A DHT sensor's 5 bytes from the pad it is wired to (espnow-python's --dht); with
    none there the read times out, as on a board: OSError 110 (ETIMEDOUT)."""
    pin_id = pin._id if isinstance(pin, machine.Pin) else pin
    answer = machine._board.pads().sensors.get(pin_id)
    if answer is None:
        raise OSError(110, "ETIMEDOUT")
    memoryview(buf).cast("B")[:5] = answer


def flash_size():
    return _FLASH_SIZE


def flash_user_start():
    return _FLASH_USER_START
