"""The part of MicroPython's network module that ESP-NOW scripts use.

WLAN(WLAN.IF_STA) / WLAN(WLAN.IF_AP) (or network.STA_IF / AP_IF) control the
interfaces of the process's device on the simulated air: active(), and
config() of mac, channel, protocol (PROTOCOL_LR for Espressif's long-range
rates), pm and txpower, as the ESP32 port takes them.

A station joins the routers of its simulation (espnow-python --sim's
--router): connect(), isconnected(), status(), ifconfig(), disconnect(),
scan() and config(reconnects=) as the ESP32 port has them (MicroPython 1.22
and later): an attempt sweeps the channels by itself in a simulation, a
failed one is tried again, forever by default, and while an attempt runs or
the station is connected the radio is the Wi-Fi's, so config(channel=)
raises as on a board. A process on the UDP air has the routers its launcher
is given (espnow-python --router, ESPNOW_ROUTERS), none by default: then an
attempt finds none (STAT_NO_AP_FOUND) and a scan finds nothing. The
soft-AP's settings (ssid, key, security, hidden, max_clients) are kept and
read back; no station joins it.
"""

import os
import sys
import weakref

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
_REASON_ASSOC_LEAVE = 8  # ESP-IDF's reason after esp_wifi_disconnect()
# scan()'s security, ESP-IDF's wifi_auth_mode_t.
AUTH_OPEN = 0
AUTH_WEP = 1
AUTH_WPA_PSK = 2
AUTH_WPA2_PSK = 3
AUTH_WPA_WPA2_PSK = 4

# A station's connection takes the scan of ESP-IDF's default world-safe
# channels 1..11 at its default 120 ms each, as on an ESP32.
_ATTEMPT_S = 11 * 0.120
# A connected station's scan goes back to its router's channel between two
# channels for ESP-IDF's default home_chan_dwell_time.
_HOME_DWELL_S = 0.030
# ESP-IDF refuses a channel while the station scans, connects or is connected
# (ESP_FAIL); the port's esp_exceptions() has no name for it.
_CHANNEL_HELD = "Wifi Unknown Error 0xffffffff"
_NO_IP = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")

# The routers on the air: set by espnow-python --sim (--router), with the
# simulation that says what a device hears of them.
_routers = []
_simulation = None


def _parse_router(text):
    """SSID[:KEY]@CHANNEL[,X,Y] (a router, for --router) as (ssid, key, channel, (x, y));
    ValueError saying what is wrong."""
    form = "takes SSID[:KEY]@CHANNEL[,X,Y], got %r" % text
    name, at, where = text.rpartition("@")
    if not at:
        raise ValueError(form)
    ssid, _, key = name.partition(":")
    try:
        parts = where.split(",")
        if len(parts) not in (1, 3):
            raise ValueError
        channel, position = int(parts[0]), tuple(float(p) for p in parts[1:]) or (0.0, 0.0)
    except ValueError:
        raise ValueError(form) from None
    if not 1 <= len(ssid.encode()) <= 32:
        raise ValueError("a router's SSID has 1 to 32 bytes, in %r" % text)
    if key and not 8 <= len(key) <= 63:
        raise ValueError("a router's WPA2 key has 8 to 63 characters (none: an open network), in %r" % text)
    if not 1 <= channel <= 14:
        raise ValueError("a router's channel is 1 to 14, in %r" % text)
    return ssid, key, channel, position


def _add_router(ssid, key, channel, position):
    """A router on the simulation's air: what scans and connections find, and a radio
    broadcasting its beacons every 102.4 ms, as the C++ emulation's routers."""
    bssid = bytes([0x02, 0xA9, 0, 0, 0, len(_routers) + 1])  # as the C++ emulation numbers its routers
    if _simulation is not None:
        _simulation._add_beacon_source(bssid, ssid, channel, bool(key), position)
    _routers.append({"ssid": ssid, "key": key, "channel": channel, "position": position, "bssid": bssid})


def _heard(device):
    """The routers the device hears, strongest first, each with its RSSI: the simulation's
    path loss, or in a process the UDP air's default one."""
    at = device.position()
    heard_rssi = _simulation.heard_rssi if _simulation is not None else _espnow.heard_rssi
    heard = []
    for r in _routers:
        rssi = heard_rssi(r["position"], at)
        if rssi is not None:
            heard.append((rssi, r))
    heard.sort(key=lambda h: -h[0])  # stable: equal ones in the order added
    return heard


def _routers_of_the_process():
    """A process's routers: the launcher's --router options, one per line of ESPNOW_ROUTERS.
    They exist for this process only (there are no routers on the UDP air, and each process
    that should find one is given it), and send no beacons."""
    for line in os.environ.get("ESPNOW_ROUTERS", "").splitlines():
        if not line:
            continue
        try:
            router = _parse_router(line)
        except ValueError as e:
            sys.stderr.write("espnow-python: --router %s\n" % e)
            raise SystemExit(2)
        _add_router(*router)


_hinted = False


def _hint_without_routers():
    """Says once, on stderr, why a station's connect() will never end when the air has no
    router: a board's script waiting for isconnected() would wait for ever, unexplained."""
    global _hinted
    if _routers or _hinted:
        return
    _hinted = True
    sys.stderr.write("espnow-python: no router on this air: WLAN.connect() finds none and tries again for ever, "
                     "as a board would; give espnow-python --router SSID[:KEY]@CHANNEL[,X,Y]\n")


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


# --- a station's connection attempts, one state per device (WLAN._wifi)


def _now(device):
    """Seconds on the clock attempts run by: the simulation's, when there is one."""
    return _simulation.now() if _simulation is not None else device._clock_seconds()


def _start_attempt(device, state, attempt):
    """The attempt runs. In a simulation it runs by itself, as on a board: its radio visits
    channels 1..11 for 120 ms each, then the attempt ends (_settle), whether or not the script
    asks. Elsewhere (a process on the UDP air, no router anywhere) it ends when the script next
    asks, its radio where it was. The actions hold the device weakly: a pending one keeps
    neither it nor its simulation."""
    state["attempt"] = attempt
    if _simulation is None:
        return
    device_ref, now = weakref.ref(device), _simulation.now()

    def while_current(action):
        def run():
            d = device_ref()
            if d is not None and state["attempt"] is attempt:
                action(d)
        return run

    start = attempt["ends"] - _ATTEMPT_S
    for i in range(11):
        if start + i * _ATTEMPT_S / 11 >= now:
            _simulation.at(start + i * _ATTEMPT_S / 11, while_current(lambda d, ch=i + 1: d.set_channel(ch)))
    _simulation.at(max(attempt["ends"], now), while_current(lambda d: _settle(d, state)))


def _settle(device, state):
    """The attempts whose scans are over end, in turn: joined (the radio on the router's
    channel), or failed and, while the port still asks and has reconnects left, tried again
    at once, as the port's event handler does; else the radio goes home."""
    now = _now(device) + 1e-6  # an attempt's last action runs at its end, to the nanosecond
    while state["attempt"] is not None and now >= state["attempt"]["ends"]:
        attempt, state["attempt"] = state["attempt"], None
        found = [(rssi, r) for rssi, r in _heard(device)
                 if r["ssid"] == attempt["ssid"] and attempt["bssid"] in (None, r["bssid"])]
        if found and (not found[0][1]["key"] or found[0][1]["key"] == attempt["key"]):
            state["router"], state["reason"] = found[0], 0
            device.set_channel(found[0][1]["channel"])  # the one radio follows its router
            break
        state["reason"] = STAT_WRONG_PASSWORD if found else STAT_NO_AP_FOUND
        if state["requested"] and _may_retry(state, count=True):
            _start_attempt(device, state, dict(attempt, ends=attempt["ends"] + _ATTEMPT_S))
        else:
            device.set_channel(attempt["home"])
    return state


# What the port and ESP-IDF's Wi-Fi driver keep of a device, in RAM only (the port sets
# WIFI_STORAGE_RAM): a reset or a power cycle loses it, a soft reset keeps it.
_DRIVER_STATE = ("_wifi", "_soft_ap", "_static_ip", "_pm", "_hostname", "_country")


def _power_off(device):
    """The device lost power (espnow-python --sim: a reset, a deep sleep, a power cycle, or its
    script's end): its attempt and its connection end with it, the attempt's pending steps do
    nothing, and the next boot finds the driver's defaults (no reconnect count, the soft-AP's
    settings, DHCP, power management)."""
    state = getattr(device, "_wifi", None)
    if state is not None:
        state.update(attempt=None, router=None, requested=False)
    for name in _DRIVER_STATE:
        if hasattr(device, name):
            delattr(device, name)


def _driver_state(device):
    """What the port and the driver keep of the device in RAM, for its script's next run after a
    soft reset (MicroPython stops ESP-NOW then, not the Wi-Fi)."""
    return {name: getattr(device, name) for name in _DRIVER_STATE if hasattr(device, name)}


def _resume(device, kept):
    """A soft reset's next run: `device` (the new run's object for the same chip) has what the
    driver kept (_driver_state), and an attempt under way goes on on it."""
    for name, value in kept.items():
        setattr(device, name, value)
    state = kept.get("_wifi")
    if state is not None and state["attempt"] is not None:
        _start_attempt(device, state, dict(state["attempt"]))  # the old run's pending steps are stale now


def _soft_reset_state(device):
    """A process's soft reset (the launcher executed again): its radio and Wi-Fi as the port
    leaves them, as a Python literal for the next image (ESPNOW_MP_WIFI). An attempt under way
    keeps the time it has left."""
    radio = {"active": [device.interface_active(i) for i in (STA_IF, AP_IF)],
             "mac": [device.mac(i) for i in (STA_IF, AP_IF)], "channel": device.channel()}
    try:
        radio.update(txpower=device.tx_power(), long_range=device.long_range())
    except OSError:
        pass  # a real radio's are the system's
    driver = _driver_state(device)
    state = driver.get("_wifi")
    if state is not None:
        _settle(device, state)
        if state["attempt"] is not None:
            state = driver["_wifi"] = dict(state, attempt=dict(state["attempt"]))
            state["attempt"]["ends"] -= _now(device)  # what is left of it
    return repr({"radio": radio, "driver": driver})


def _resume_soft_reset(text):
    """The next image of a process that soft-reset: its radio and Wi-Fi as they were (_soft_reset_state)."""
    import ast
    carried = ast.literal_eval(text)
    device, radio = _espnow.process_device(), carried["radio"]
    for i in (STA_IF, AP_IF):
        if device.mac(i) != radio["mac"][i]:
            device.set_mac(i, radio["mac"][i])
    device.set_channel(radio["channel"])
    if "txpower" in radio:
        device.set_tx_power(radio["txpower"])
        device.set_long_range(radio["long_range"])
    for i in (STA_IF, AP_IF):
        device.set_interface_active(i, radio["active"][i])
    state = carried["driver"].get("_wifi")
    if state is not None and state["attempt"] is not None:
        state["attempt"]["ends"] += _now(device)
    for name, value in carried["driver"].items():
        setattr(device, name, value)


def _may_retry(state, count=False):
    """Whether the port tries again: forever (reconnects 0), or while attempts are left."""
    if state["reconnects"] == 0:
        return True
    if count:
        state["tries"] += 1
    return state["tries"] < state["reconnects"]


# network.hostname() and network.country() (MicroPython 1.20 and later): the port's statics,
# kept through a soft reset like the driver's settings, back to these at a reset.
_HOSTNAME_DEFAULT = "mpy-esp32"  # the ESP32 port's MICROPY_PY_NETWORK_HOSTNAME_DEFAULT
_HOSTNAME_MAX_LEN = 32
_COUNTRY_DEFAULT = "XX"


def _str_data(value):
    """A str or bytes argument as the port reads one (mp_obj_str_get_data)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "surrogateescape")
    raise TypeError("can't convert '%s' object to str implicitly" % type(value).__name__)


def hostname(*name):
    """The name the device gives DHCP ("mpy-esp32"); set it with one str of at most 32
    characters (ValueError past that)."""
    return _hostname(_espnow.process_device(), name)


def _hostname(device, name):
    if not name:
        return getattr(device, "_hostname", _HOSTNAME_DEFAULT)
    if len(name) > 1:
        raise TypeError("function expected at most 1 arguments, got %d" % len(name))
    text = _str_data(name[0])
    if len(text.encode("utf-8", "surrogateescape")) > _HOSTNAME_MAX_LEN:
        raise ValueError()
    device._hostname = text


def country(*code):
    """The two-letter country code ("XX" until set); ValueError for any other length."""
    device = _espnow.process_device()
    if not code:
        return getattr(device, "_country", _COUNTRY_DEFAULT)
    if len(code) > 1:
        raise TypeError("function expected at most 1 arguments, got %d" % len(code))
    text = _str_data(code[0])
    if len(text) != 2:
        raise ValueError()
    device._country = text


class WLAN:
    """One WLAN interface of a device: one object per interface, as the port's
    `network.WLAN(network.STA_IF) is network.WLAN(network.STA_IF)`."""

    IF_STA = STA_IF
    IF_AP = AP_IF
    PROTOCOL_DEFAULT = PROTOCOL_DEFAULT
    PROTOCOL_LR = PROTOCOL_LR
    # Power management (esp_wifi_set_ps); ESP-IDF starts in PM_PERFORMANCE.
    PM_NONE = 0
    PM_PERFORMANCE = 1
    PM_POWERSAVE = 2
    # security=, as the ESP32 port names ESP-IDF's wifi_auth_mode_t.
    SEC_OPEN = AUTH_OPEN
    SEC_WEP = AUTH_WEP
    SEC_WPA = AUTH_WPA_PSK
    SEC_WPA2 = AUTH_WPA2_PSK
    SEC_WPA_WPA2 = AUTH_WPA_WPA2_PSK

    def __new__(cls, interface_id=STA_IF, *, device=None):
        if interface_id not in (STA_IF, AP_IF):
            raise ValueError("WLAN interface must be WLAN.IF_STA (0) or WLAN.IF_AP (1)")
        device = device if device is not None else _espnow.process_device()
        objects = device.__dict__.setdefault("_wlans", {})
        wlan = objects.get((cls, interface_id))
        if wlan is None:
            wlan = objects[(cls, interface_id)] = super().__new__(cls)
            wlan._if = interface_id
            wlan._device = device
        return wlan

    def active(self, is_active=None):
        if is_active is None:
            return self._device.interface_active(self._if)
        if self._if == STA_IF and not is_active:
            self._stop_station()
        self._device.set_interface_active(self._if, bool(is_active))
        return self._device.interface_active(self._if)  # as the ESP32 port does

    def config(self, *args, **kwargs):
        if args:
            if len(args) != 1 or kwargs:
                raise TypeError("config() queries one parameter, or sets keyword parameters")
            return self._get(args[0])
        # The soft-AP's settings are checked together at the end, as the port's
        # one esp_wifi_set_config() does: security= and key= in either order.
        self._ap_pending = dict(self._soft_ap())
        for name, value in kwargs.items():
            self._set(name, value)
        ap = self._ap_pending
        if ap["security"] != AUTH_OPEN and len(ap["key"]) < 8:
            raise OSError("Wifi Invalid Password")  # ESP_ERR_WIFI_PASSWORD
        self._device._soft_ap = ap
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
        if name == "reconnects":
            self._require_if(STA_IF)
            return self._wifi()["reconnects"] - 1
        if name in ("hostname", "dhcp_hostname"):  # the port forwards these to network.hostname()
            return _hostname(self._device, ())
        if name in ("ssid", "essid"):
            return self._wifi()["ssid"] if self._if == STA_IF else self._soft_ap()["ssid"]
        if name in _AP_SETTINGS and name not in ("key", "password"):  # the port does not give the key back
            self._require_if(AP_IF)
            return self._soft_ap()[_AP_SETTINGS[name]]
        raise ValueError("unknown config param: %r" % (name,))

    def _set(self, name, value):
        if name == "mac":
            self._device.set_mac(self._if, value)
        elif name == "channel":
            channel = _int(value, name)
            state = self._settle()
            if state["attempt"] is not None or state["router"] is not None:
                raise RuntimeError(_CHANNEL_HELD)
            self._device.set_channel(channel)
        elif name == "protocol":
            self._device.set_long_range(bool(_int(value, name) & MODE_LR))
        elif name == "pm":
            if _int(value, name) not in (WLAN.PM_NONE, WLAN.PM_PERFORMANCE, WLAN.PM_POWERSAVE):
                raise ValueError("pm must be WLAN.PM_NONE, PM_PERFORMANCE or PM_POWERSAVE")
            self._device._pm = value  # power management: no effect on the simulated air
        elif name == "txpower":
            self._device.set_tx_power(_dbm(value))
        elif name == "reconnects":
            # The port keeps the number of attempts in a byte, 0 for "forever" (-1).
            reconnects = _int(value, name)
            self._require_if(STA_IF)
            self._wifi()["reconnects"] = 0 if reconnects == -1 else (reconnects + 1) & 0xFF
        elif name in ("hostname", "dhcp_hostname"):
            _hostname(self._device, (value,))
        elif name in ("ssid", "essid", "key", "password") or name in _AP_SETTINGS:
            self._require_if(AP_IF)
            self._set_soft_ap(name, value)
        else:
            raise ValueError("unknown config param: %r" % (name,))

    def _require_if(self, interface_id):
        if self._if != interface_id:
            raise OSError("STA required" if interface_id == STA_IF else "AP required")

    # --- the soft-AP's settings

    def _soft_ap(self):
        """The device's soft-AP settings, ESP-IDF's defaults at first."""
        ap = getattr(self._device, "_soft_ap", None)
        if ap is None:
            mac = self._device.mac(AP_IF)
            ap = self._device._soft_ap = {"ssid": "ESP_%02X%02X%02X" % (mac[3], mac[4], mac[5]), "key": "",
                                          "security": AUTH_OPEN, "hidden": False, "max_clients": 4}
        return ap

    def _set_soft_ap(self, name, value):
        ap = self._ap_pending
        if name in ("ssid", "essid", "key", "password"):
            if not isinstance(value, (str, bytes)):
                raise TypeError("%s: can't convert %s to str" % (name, type(value).__name__))
            text = value.decode() if isinstance(value, bytes) else value
            if name in ("ssid", "essid"):
                ap["ssid"] = text.encode()[:32].decode(errors="ignore")  # ESP-IDF's 32 bytes
            else:
                ap["key"] = text[:63]
        elif name == "hidden":
            ap["hidden"] = bool(value)
        else:
            ap[_AP_SETTINGS[name]] = _int(value, name)

    # --- a station and its router

    def _require_sta(self):
        self._require_if(STA_IF)
        if not self.active():
            raise OSError("Wifi Not Started")

    def _wifi(self):
        """The device's station state (one per device, whichever WLAN object asks): what
        connect() asked for, whether the port still asks for it (requested), the attempt
        under way, the router joined, the last attempt's reason, and the reconnect count."""
        state = getattr(self._device, "_wifi", None)
        if state is None:
            state = self._device._wifi = {"requested": False, "attempt": None, "router": None, "reason": 0,
                                          "ssid": "", "reconnects": 0, "tries": 0}
        return state

    def _stop_station(self):
        """The station stops (active(False)): its connection or attempt ends, and is not tried again."""
        self._end_station(requested=False)

    def _end_station(self, requested):
        """No attempt, no connection; ESP-IDF's ASSOC_LEAVE when a connection ends (an attempt
        ends with no event, so its last reason stays, and its sweep's radio goes home)."""
        state = self._settle()
        if state["router"] is not None:
            state["reason"] = _REASON_ASSOC_LEAVE
        if state["attempt"] is not None:
            self._device.set_channel(state["attempt"]["home"])
        state.update(requested=requested, router=None, attempt=None)

    def _settle(self):
        return _settle(self._device, self._wifi())

    def connect(self, ssid=None, key=None, *, bssid=None):
        self._require_sta()
        _hint_without_routers()
        state = self._settle()
        if ssid is not None:
            state["ssid"] = str(ssid)  # with no SSID a board uses the one it saved
        running = state["attempt"]
        home = running["home"] if running is not None else self._device.channel()
        state.update(router=None, requested=True, tries=0)
        _start_attempt(self._device, state, {"ssid": state["ssid"], "key": "" if key is None else str(key),
                                             "bssid": None if bssid is None else bytes(bssid), "home": home,
                                             "ends": _now(self._device) + _ATTEMPT_S})

    def disconnect(self):
        if self._if == STA_IF:
            self._end_station(requested=False)

    def isconnected(self):
        return self._if == STA_IF and self._settle()["router"] is not None

    def status(self, param=None):
        if param is None:  # the port says nothing of the soft-AP's
            return self._station_status() if self._if == STA_IF else None
        if param == "rssi":
            self._require_if(STA_IF)
            state = self._settle()
            if state["router"] is None:
                raise OSError("Wifi Not Connected")
            return state["router"][0]
        if param == "stations":  # the soft-AP's, as (mac,) tuples: no station joins it here
            self._require_if(AP_IF)
            return []
        raise ValueError("unknown status param")

    def _station_status(self):
        """status() as the ESP32 port works it out: the failures it names even while it
        tries again, then whether it still tries."""
        state = self._settle()
        if state["router"] is not None:
            return STAT_GOT_IP
        if state["reason"] in (STAT_NO_AP_FOUND, STAT_WRONG_PASSWORD):
            return state["reason"]
        if state["reason"] == _REASON_ASSOC_LEAVE:
            return STAT_IDLE
        if state["requested"] and _may_retry(state):
            return STAT_CONNECTING
        return state["reason"] or STAT_IDLE

    def ifconfig(self, *args):
        """(ip, netmask, gateway, dns). A station's come from its router's DHCP while it is
        connected, unless set: ifconfig((ip, mask, gw, dns)) sets them (DHCP off; the mask may be
        a prefix length), ifconfig("dhcp") takes DHCP back. The soft-AP has ESP-IDF's
        192.168.4.1/24 unless set."""
        if len(args) > 1:
            raise TypeError("ifconfig() takes at most 1 argument")
        static = getattr(self._device, "_static_ip", {})
        if args:
            static = dict(static)
            static[self._if] = _ip_config(args[0], self._if)
            self._device._static_ip = static
            return None
        if static.get(self._if):
            return static[self._if]
        if self._if == AP_IF:
            return ("192.168.4.1", "255.255.255.0", "192.168.4.1", "0.0.0.0")
        if self._settle()["router"] is None:
            return _NO_IP
        last = self._device.mac(STA_IF)[5]
        return ("192.168.1.%d" % (2 + last % 250), "255.255.255.0", "192.168.1.1", "192.168.1.1")

    def ipconfig(self, *param, **settings):
        """MicroPython 1.23's view of ifconfig()'s addresses: ipconfig("addr4")
        ((ip, netmask)), "gw4", "dhcp4" (a station's DHCP client on),
        "has_dhcp4" (an address from it), "addr6" ([]), "autoconf6",
        "has_autoconf6" (no IPv6 here); or set addr4= ("ip/prefix" or
        (ip, netmask)), gw4=, dhcp4=True (DHCP again; False keeps the
        addresses as static ones). ValueError("unexpected key") for others."""
        if (param and settings) or len(param) > 1:
            raise TypeError("either one key or keyword arguments")
        if param:
            return self._ip_param(param[0])
        self._set_ip_params(settings)
        return None

    def _ip_param(self, key):
        ip, mask, gw, _ = self.ifconfig()
        dhcp = self._if == STA_IF and not getattr(self._device, "_static_ip", {}).get(self._if)
        answers = {"addr4": (ip, mask), "gw4": gw, "dhcp4": dhcp, "has_dhcp4": dhcp and ip != _NO_IP[0],
                   "addr6": [], "autoconf6": False, "has_autoconf6": False}
        if key not in answers:
            raise ValueError("unexpected key")
        return answers[key]

    def _set_ip_params(self, settings):
        """All of them or none: one ifconfig() call, which checks before it sets."""
        ip, mask, gw, dns = self.ifconfig()
        dhcp = False
        for key, value in settings.items():
            if key == "dhcp4":
                dhcp = bool(value)
            elif key == "addr4":
                ip, mask = _addr4(value)
            elif key == "gw4":
                gw = value
            else:
                raise ValueError("unexpected key")
        self.ifconfig("dhcp" if dhcp else (ip, mask, gw, dns))

    def scan(self):
        """The routers the device hears: (ssid, bssid, channel, RSSI, security, hidden), strongest first.
        The radio visits channels 1..11 for 120 ms each, then goes home (a connected station
        between two channels too, for 30 ms); while an attempt runs, ESP-IDF refuses the scan
        and the port returns an empty list at once."""
        self._require_sta()
        state = self._settle()
        if state["attempt"] is not None:
            return []
        home = self._device.channel()
        for channel in range(1, 12):
            if channel > 1 and state["router"] is not None:
                self._device.set_channel(home)
                self._device._sleep(_HOME_DWELL_S)
            self._device.set_channel(channel)
            self._device._sleep(_ATTEMPT_S / 11)
        self._device.set_channel(home)
        return [(r["ssid"].encode(), r["bssid"], r["channel"], rssi, AUTH_WPA2_PSK if r["key"] else AUTH_OPEN, False)
                for rssi, r in _heard(self._device)]


def _ip_config(value, interface_id):
    """ifconfig()'s argument as the port reads it: four addresses (the netmask may be a prefix
    length), or "dhcp" for a station (None: DHCP again). ValueError otherwise."""
    if isinstance(value, str):
        if value != "dhcp" or interface_id != STA_IF:
            raise ValueError("invalid arguments")
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 4:
        raise ValueError("requested length 4 but object has length %d" % len(value)
                         if isinstance(value, (tuple, list)) else "invalid arguments")
    ip, mask, gw, dns = value
    if isinstance(mask, int) and not isinstance(mask, bool):
        if not 0 <= mask <= 32:
            raise ValueError("invalid arguments")
        bits = (0xFFFFFFFF << (32 - mask)) & 0xFFFFFFFF
        mask = ".".join(str(bits >> shift & 0xFF) for shift in (24, 16, 8, 0))
    return tuple(_ipv4(a) for a in (ip, mask, gw, dns))


def _addr4(value):
    """ipconfig(addr4=)'s value: "ip/prefix" (or a bare ip: /32) or (ip, netmask)."""
    if isinstance(value, str):
        ip, _, prefix = value.partition("/")
        if prefix and not (prefix.isdigit() and int(prefix) <= 32):
            raise ValueError("invalid arguments")
        return ip, int(prefix) if prefix else 32
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(value)
    raise ValueError("invalid arguments")


def ipconfig(*param, **settings):
    """MicroPython 1.23's global settings: ipconfig("dns") (the station's DNS
    server unless set), ipconfig("prefer") (4); set dns= or prefer=."""
    device = _espnow.process_device()
    if (param and settings) or len(param) > 1:
        raise TypeError("either one key or keyword arguments")
    if param:
        if param[0] == "dns":
            return getattr(device, "_dns", None) or WLAN(STA_IF).ifconfig()[3]
        if param[0] == "prefer":
            return getattr(device, "_prefer", 4)
        raise ValueError("unexpected key")
    if any(key not in ("dns", "prefer") for key in settings) or settings.get("prefer", 4) not in (4, 6):
        raise ValueError("unexpected key")
    dns = _ipv4(settings["dns"]) if "dns" in settings else getattr(device, "_dns", None)  # checked before any is set
    device._dns, device._prefer = dns, settings.get("prefer", getattr(device, "_prefer", 4))
    return None


def _ipv4(text):
    parts = text.split(".") if isinstance(text, str) else []
    if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
        raise ValueError("invalid arguments")
    return ".".join(str(int(p)) for p in parts)


# config() names of the soft-AP's settings, and their keys in its state.
_AP_SETTINGS = {"key": "key", "password": "key", "security": "security", "authmode": "security",
                "hidden": "hidden", "max_clients": "max_clients"}


_routers_of_the_process()
