"""The ESP32 port's esp32 module, the parts ESP-NOW scripts use.

raw_temperature() is the die's sensor as an ESP32 reads it, uncalibrated, in
degrees Fahrenheit; here a steady 128 (about 53 C). wake_on_ext0/ext1/touch/ulp
are checked as the port checks them and kept, but wake nothing (no pin wakes a
sleeping board here). NVS(namespace) is the flash's key-value store: its
values last through every reset and deep sleep of the run, as flash does;
each run starts from an erased flash.
"""
import _espnow
import machine

WAKEUP_ALL_LOW = False
WAKEUP_ANY_HIGH = True
HEAP_DATA = 4  # MALLOC_CAP_8BIT
HEAP_EXEC = 1  # MALLOC_CAP_EXEC

# The pads an ESP32's RTC can watch while it sleeps (RTC_GPIO0..17).
_RTC_PINS = frozenset((0, 2, 4, 12, 13, 14, 15, 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39))

# ESP-IDF's NVS errors (ESP_ERR_NVS_BASE 0x1100 + n), as the port raises them: OSError(-code, name).
_NVS_NOT_FOUND = (0x1102, "ESP_ERR_NVS_NOT_FOUND")
_NVS_KEY_TOO_LONG = (0x1109, "ESP_ERR_NVS_KEY_TOO_LONG")
_NVS_INVALID_LENGTH = (0x110C, "ESP_ERR_NVS_INVALID_LENGTH")
_NVS_NAME_MAX = 15  # NVS_KEY_NAME_MAX_SIZE less its NUL


def raw_temperature():
    return 128


def _pin_id(pin):
    pin_id = pin._id if isinstance(pin, machine.Pin) else pin
    if isinstance(pin_id, bool) or not isinstance(pin_id, int):
        raise TypeError("expecting a pin")
    if pin_id not in _RTC_PINS:
        raise ValueError("invalid pin for wake")
    return pin_id


def wake_on_ext0(pin, level):
    """The pad whose level wakes the board from a deep sleep (None: none)."""
    machine._board.state().wake_ext0 = None if pin is None else (_pin_id(pin), bool(level))


def wake_on_ext1(pins, level):
    """The pads that wake the board together (WAKEUP_ALL_LOW) or any of them (WAKEUP_ANY_HIGH)."""
    ids = tuple(_pin_id(p) for p in (pins or ()))
    machine._board.state().wake_ext1 = (ids, bool(level)) if ids else None


def wake_on_touch(wake):
    machine._board.state().wake_touch = bool(wake)


def wake_on_ulp(wake):
    machine._board.state().wake_ulp = bool(wake)


def _nvs_error(error):
    return _espnow.BoardOSError(-error[0], error[1])  # printed as the board prints it


def _name(value, what):
    if not isinstance(value, str):
        raise TypeError("%s: can't convert %s to str" % (what, type(value).__name__))
    if len(value.encode()) > _NVS_NAME_MAX:
        raise _nvs_error(_NVS_KEY_TOO_LONG)
    return value


class NVS:
    """NVS(namespace): set_i32/get_i32, set_blob/get_blob(key, buffer) (the length read),
    erase_key, commit. A key holds one value of one type; another type's get is
    ESP_ERR_NVS_NOT_FOUND, as in ESP-IDF."""

    def __init__(self, namespace):
        self._namespace = _name(namespace, "namespace")

    def _entries(self):
        return machine._board.flash().setdefault(self._namespace, {})

    def set_i32(self, key, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("can't convert %s to int" % type(value).__name__)
        if not -(1 << 31) <= value < 1 << 31:
            raise OverflowError("overflow converting long int to machine word")
        self._entries()[_name(key, "key")] = ("i32", value)

    def get_i32(self, key):
        return self._get(key, "i32")

    def set_blob(self, key, value):
        self._entries()[_name(key, "key")] = ("blob", bytes(memoryview(value)))

    def get_blob(self, key, buffer):
        """Reads the blob into `buffer` (which must hold it) and returns its length."""
        data = self._get(key, "blob")
        view = memoryview(buffer).cast("B")
        if len(data) > len(view):
            raise _nvs_error(_NVS_INVALID_LENGTH)
        view[:len(data)] = data
        return len(data)

    def erase_key(self, key):
        if self._entries().pop(_name(key, "key"), None) is None:
            raise _nvs_error(_NVS_NOT_FOUND)

    def commit(self):
        """ESP-IDF writes each value at once; commit() is kept for the API."""

    def _get(self, key, kind):
        entry = self._entries().get(_name(key, "key"))
        if entry is None or entry[0] != kind:
            raise _nvs_error(_NVS_NOT_FOUND)
        return entry[1]

