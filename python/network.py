"""The part of MicroPython's network module that ESP-NOW scripts use.

WLAN(WLAN.IF_STA) / WLAN(WLAN.IF_AP) (or network.STA_IF / AP_IF) control the
interfaces of the process's device on the simulated air: active(), and
config() of mac, channel, protocol (PROTOCOL_LR for Espressif's long-range
rates), pm and txpower, as the ESP32 port takes them.

A station joins the routers of its simulation (espnow-python --sim's
--router): connect(), isconnected(), status(), ifconfig(), disconnect() and
scan() as the ESP32 port has them; in a process on the UDP air there are no
routers, so an attempt ends in STAT_NO_AP_FOUND and a scan finds nothing.
"""
import time

import _espnow

STA_IF = 0
AP_IF = 1
MODE_11B = 1
MODE_11G = 2
MODE_11N = 4
MODE_LR = 8
PROTOCOL_DEFAULT = MODE_11B | MODE_11G | MODE_11N
PROTOCOL_LR = MODE_LR
# status(), as the ESP32 port numbers them (ESP-IDF's disconnection reasons).
STAT_IDLE = 1000
STAT_CONNECTING = 1001
STAT_GOT_IP = 1010
STAT_BEACON_TIMEOUT = 200
STAT_NO_AP_FOUND = 201
STAT_WRONG_PASSWORD = 202
STAT_ASSOC_FAIL = 203
STAT_HANDSHAKE_TIMEOUT = 204
# scan()'s security, ESP-IDF's wifi_auth_mode_t.
AUTH_OPEN = 0
AUTH_WEP = 1
AUTH_WPA_PSK = 2
AUTH_WPA2_PSK = 3
AUTH_WPA_WPA2_PSK = 4

# A station's connection takes the scan of ESP-IDF's default world-safe
# channels 1..11 at its default 120 ms each, as on an ESP32.
_ATTEMPT_S = 11 * 0.120
_NO_IP = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")

# The routers on the air: set by espnow-python --sim (--router), with the
# simulation that says what a device hears of them.
_routers = []
_simulation = None


def _add_router(ssid, key, channel, position):
    bssid = bytes([0x02, 0xA9, 0, 0, 0, len(_routers) + 1])  # as the C++ emulation numbers its routers
    _routers.append({"ssid": ssid, "key": key, "channel": channel, "position": position, "bssid": bssid})


def _heard(device):
    """The routers the device hears, strongest first, each with its RSSI."""
    if _simulation is None:
        return []
    at = device.position()
    heard = []
    for r in _routers:
        rssi = _simulation.heard_rssi(r["position"], at)
        if rssi is not None:
            heard.append((rssi, r))
    heard.sort(key=lambda h: -h[0])  # stable: equal ones in the order added
    return heard


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

    # --- a station and its router

    def _require_sta(self):
        if self._if != STA_IF:
            raise OSError("STA required")
        if not self.active():
            raise OSError("Wifi Not Started")

    def _wifi(self):
        """The device's station state (one per device, whichever WLAN object asks)."""
        state = getattr(self._device, "_wifi", None)
        if state is None:
            state = self._device._wifi = {"status": STAT_IDLE, "router": None, "attempt": None}
        return state

    def _settle(self):
        """An attempt whose scan is over ends: joined, its radio on the router's channel, or failed."""
        state = self._wifi()
        attempt = state["attempt"]
        if attempt is None or self._device._clock_seconds() < attempt["ends"]:
            return state
        state["attempt"] = None
        found = [(rssi, r) for rssi, r in _heard(self._device)
                 if r["ssid"] == attempt["ssid"] and attempt["bssid"] in (None, r["bssid"])]
        if not found:
            state["status"] = STAT_NO_AP_FOUND
        elif found[0][1]["key"] and found[0][1]["key"] != attempt["key"]:
            state["status"] = STAT_WRONG_PASSWORD
        else:
            state["status"], state["router"] = STAT_GOT_IP, found[0]
            self._device.set_channel(found[0][1]["channel"])  # the one radio follows its router
        return state

    def connect(self, ssid=None, key=None, *, bssid=None):
        self._require_sta()
        state = self._wifi()
        state["router"] = None
        state["status"] = STAT_CONNECTING
        # With no SSID a board uses the one it saved; a simulated device has none.
        state["attempt"] = {"ssid": "" if ssid is None else str(ssid), "key": "" if key is None else str(key),
                            "bssid": None if bssid is None else bytes(bssid),
                            "ends": self._device._clock_seconds() + _ATTEMPT_S}

    def disconnect(self):
        if self._if == STA_IF:
            state = self._wifi()
            state.update(status=STAT_IDLE, router=None, attempt=None)

    def isconnected(self):
        return self._if == STA_IF and self._settle()["status"] == STAT_GOT_IP

    def status(self, param=None):
        if param is None:
            return self._settle()["status"] if self._if == STA_IF else STAT_IDLE
        if param == "rssi" and self._if == STA_IF:
            state = self._settle()
            if state["router"] is None:
                raise OSError("Wifi Not Connected")
            return state["router"][0]
        raise ValueError("unknown status param")

    def ifconfig(self, *args):
        if args:
            raise NotImplementedError("the simulated station's addresses come from its router")
        state = self._settle() if self._if == STA_IF else None
        if not state or state["router"] is None:
            return _NO_IP
        last = self._device.mac(STA_IF)[5]
        return ("192.168.1.%d" % (2 + last % 250), "255.255.255.0", "192.168.1.1", "192.168.1.1")

    def scan(self):
        """The routers the device hears: (ssid, bssid, channel, RSSI, security, hidden), strongest first,
        after the scan's time (11 channels at 120 ms)."""
        self._require_sta()
        time.sleep(_ATTEMPT_S)
        return [(r["ssid"].encode(), r["bssid"], r["channel"], rssi, AUTH_WPA2_PSK if r["key"] else AUTH_OPEN, False)
                for rssi, r in _heard(self._device)]
