"""The part of MicroPython's network module that ESP-NOW scripts use.

WLAN(WLAN.IF_STA) / WLAN(WLAN.IF_AP) (or network.STA_IF / AP_IF) control the
interfaces of the process's device on the simulated air: active(), and
config() of mac, channel, protocol (PROTOCOL_LR for Espressif's long-range
rates), pm and txpower, as the ESP32 port takes them. There is no access
point to join: isconnected() is always False.
"""
import _espnow

STA_IF = 0
AP_IF = 1
MODE_11B = 1
MODE_11G = 2
MODE_11N = 4
MODE_LR = 8
PROTOCOL_DEFAULT = MODE_11B | MODE_11G | MODE_11N
PROTOCOL_LR = MODE_LR


def _int(value, name):
    """An int as the ESP32 port's config() takes it (mp_obj_get_int): TypeError otherwise."""
    if isinstance(value, int):
        return value
    raise TypeError("%s: can't convert %s to int" % (name, type(value).__name__))


def _dbm(value):
    """txpower as ESP-IDF keeps it (esp_wifi_set_max_tx_power): quarter dBm, 2..20 dBm."""
    if not isinstance(value, (int, float)):
        raise TypeError("txpower: can't convert %s to float" % type(value).__name__)
    quarters = int(value * 4)
    if not 8 <= quarters <= 84:
        raise ValueError("txpower must be 2..21 dBm, got %r" % (value,))
    return min(quarters, 80) / 4  # ESP-IDF's highest level is 20 dBm


class WLAN:
    """One WLAN interface of a device."""

    IF_STA = STA_IF
    IF_AP = AP_IF
    PROTOCOL_DEFAULT = PROTOCOL_DEFAULT
    PROTOCOL_LR = PROTOCOL_LR
    # Power management (esp_wifi_set_ps); ESP-IDF starts in PM_PERFORMANCE.
    PM_NONE = 0
    PM_PERFORMANCE = 1
    PM_POWERSAVE = 2

    def __init__(self, interface_id=STA_IF, *, device=None):
        if interface_id not in (STA_IF, AP_IF):
            raise ValueError("WLAN interface must be WLAN.IF_STA (0) or WLAN.IF_AP (1)")
        self._if = interface_id
        self._device = device if device is not None else _espnow.process_device()

    def active(self, is_active=None):
        if is_active is None:
            return self._device.interface_active(self._if)
        self._device.set_interface_active(self._if, bool(is_active))
        return self._device.interface_active(self._if)  # as the ESP32 port does

    def config(self, *args, **kwargs):
        if args:
            if len(args) != 1 or kwargs:
                raise TypeError("config() queries one parameter, or sets keyword parameters")
            return self._get(args[0])
        for name, value in kwargs.items():
            self._set(name, value)
        return None

    def _get(self, name):
        if name == "mac":
            return self._device.mac(self._if)
        if name == "channel":
            return self._device.channel()
        if name == "protocol":
            return PROTOCOL_LR if self._device.long_range() else PROTOCOL_DEFAULT
        if name == "pm":
            return getattr(self._device, "_pm", WLAN.PM_PERFORMANCE)
        if name == "txpower":
            return self._device.tx_power()
        raise ValueError("unknown config param: %r" % (name,))

    def _set(self, name, value):
        if name == "mac":
            self._device.set_mac(self._if, value)
        elif name == "channel":
            self._device.set_channel(_int(value, name))
        elif name == "protocol":
            self._device.set_long_range(bool(_int(value, name) & MODE_LR))
        elif name == "pm":
            if _int(value, name) not in (WLAN.PM_NONE, WLAN.PM_PERFORMANCE, WLAN.PM_POWERSAVE):
                raise ValueError("pm must be WLAN.PM_NONE, PM_PERFORMANCE or PM_POWERSAVE")
            self._device._pm = value  # power management: no effect on the simulated air
        elif name == "txpower":
            self._device.set_tx_power(_dbm(value))
        else:
            raise ValueError("unknown config param: %r" % (name,))

    def disconnect(self):
        return None

    def isconnected(self):
        return False

    def status(self, *args):
        return 1000  # STAT_IDLE: not connected to an access point


STAT_IDLE = 1000
