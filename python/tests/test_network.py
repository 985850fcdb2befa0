"""network.WLAN: the interface subset ESP-NOW scripts use, and its effect on
the air; a station joining the routers of espnow-python --sim."""
import os
import subprocess
from pathlib import Path

import pytest

import espnow
import espnow_sim
import network
from conftest import A, B, sim_lines


def test_interface_constants_old_and_new_names():
    assert network.WLAN.IF_STA == network.STA_IF == 0
    assert network.WLAN.IF_AP == network.AP_IF == 1
    assert network.WLAN.PROTOCOL_LR == network.PROTOCOL_LR == network.MODE_LR
    assert network.PROTOCOL_DEFAULT == network.MODE_11B | network.MODE_11G | network.MODE_11N
    with pytest.raises(ValueError):
        network.WLAN(2)


def test_active_and_mac(air):
    d = air.add_device(mac=A, sta_active=False)
    sta, ap = espnow_sim.wlan(d, network.STA_IF), espnow_sim.wlan(d, network.AP_IF)
    assert sta.active() is False and ap.active() is False
    assert sta.active(True) is True and sta.active() is True
    assert sta.config("mac") == A and type(sta.config("mac")) is bytes
    assert ap.config("mac") == A[:5] + bytes([A[5] + 1])  # the ESP32's AP MAC
    sta.config(mac=B)
    assert sta.config("mac") == B
    with pytest.raises(OSError):
        sta.config(mac=b"\x01" * 6)  # a group address
    with pytest.raises(ValueError):
        sta.config(mac=b"\x02" * 5)


def test_channel_protocol_pm_and_unknown(air):
    w = espnow_sim.wlan(air.add_device(mac=A))
    w.config(channel=11)
    assert w.config("channel") == 11
    with pytest.raises(ValueError):
        w.config(channel=15)
    assert w.config("protocol") == network.PROTOCOL_DEFAULT
    w.config(protocol=network.PROTOCOL_LR)
    assert w.config("protocol") == network.PROTOCOL_LR
    w.config(pm=0)
    assert w.config("pm") == 0
    with pytest.raises(ValueError):
        w.config("essid-of-nothing")
    assert w.disconnect() is None and w.isconnected() is False


def test_an_inactive_interface_hears_and_acks_nothing(air):
    a, b = air.add_device(mac=A), air.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    espnow_sim.wlan(b).active(False)
    assert ea.send(B, b"x") is False
    espnow_sim.wlan(b).active(True)
    assert ea.send(B, b"x") is True


def test_long_range_rates_need_protocol_lr_at_both_ends(air):
    a, b = air.add_device(mac=A), air.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    espnow_sim.wlan(a).config(protocol=network.PROTOCOL_LR)
    ea.config(rate=espnow.RATE_LORA_250K)
    assert ea.send(B, b"far") is False
    espnow_sim.wlan(b).config(protocol=network.PROTOCOL_LR)
    assert ea.send(B, b"far") is True
    assert eb.recv(0) == [A, b"far"]


def test_wlan_is_one_object_per_interface_and_hostname_and_country_are_the_ports(tmp_path):
    out = sim_lines(tmp_path, """\
        import network
        sta = network.WLAN(network.STA_IF)
        print(network.WLAN(network.WLAN.IF_STA) is sta, network.WLAN(network.AP_IF) is network.WLAN(network.AP_IF),
              network.WLAN(network.AP_IF) is sta)
        print(network.hostname(), network.country(), sta.config("hostname"))
        network.hostname("espnow-gw")
        network.country(b"DE")
        print(network.hostname(), network.country(), sta.config("dhcp_hostname"))
        sta.config(hostname="x" * 32)
        print(len(network.hostname()))
        for call in (lambda: network.hostname("x" * 33), lambda: network.country("DEU"), lambda: network.hostname(5),
                     lambda: sta.config(hostname="y" * 33)):
            try:
                call()
            except (TypeError, ValueError) as e:
                print(type(e).__name__, e)
        print(network.hostname() == "x" * 32)
        """, 1)
    assert out == ["True True False", "mpy-esp32 XX mpy-esp32", "espnow-gw DE espnow-gw", "32", "ValueError ",
                   "ValueError ", "TypeError can't convert 'int' object to str implicitly", "ValueError ", "True"], out


def test_active_returns_the_state_as_the_esp32_port_does(air):
    w = espnow_sim.wlan(air.add_device(mac=A, sta_active=False))
    assert w.active(True) is True
    assert w.active(False) is False


def test_pm_constants_and_txpower_as_the_esp32_port_has_them(air):
    w = espnow_sim.wlan(air.add_device(mac=A))
    assert w.config("pm") == network.WLAN.PM_PERFORMANCE  # ESP-IDF's default
    w.config(pm=w.PM_NONE)
    assert w.config("pm") == network.WLAN.PM_NONE == 0
    assert (network.WLAN.PM_PERFORMANCE, network.WLAN.PM_POWERSAVE) == (1, 2)
    assert w.config("txpower") == 20.0
    w.config(txpower=8.5)
    assert w.config("txpower") == 8.5
    w.config(txpower=8.6)  # kept in quarter dBm
    assert w.config("txpower") == 8.5
    with pytest.raises(ValueError):
        w.config(txpower=1)


def test_a_value_of_the_wrong_type_is_a_clean_TypeError(air):
    w = espnow_sim.wlan(air.add_device(mac=A))
    for kw in ({"channel": "6"}, {"protocol": "lr"}, {"pm": 1.0}, {"txpower": "8"}):
        with pytest.raises(TypeError) as e:
            w.config(**kw)
        assert "_espnow" not in str(e.value) and "can't convert" in str(e.value)
    assert w.config("channel") == 1


# --- a station and the routers of espnow-python --sim (--router) ---------

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))

GATEWAY = """\
import espnow, network, time
sta = network.WLAN(network.WLAN.IF_STA)
sta.active(True)
print("scan", sta.scan())
sta.connect("home", "correcthorse")
print("status", sta.status())
while not sta.isconnected():
    time.sleep(0.1)
print("channel", sta.config("channel"), sta.ifconfig(), "rssi", sta.status("rssi"))
e = espnow.ESPNow()
e.active(True)
e.add_peer(b"\\xff" * 6)
time.sleep(1)
e.send(b"\\xff" * 6, b"hello on %d" % sta.config("channel"))
print("got", e.recv(500)[1])
sta.disconnect()
print("after", sta.status(), sta.isconnected(), sta.ifconfig()[0])
"""


def sim(tmp_path, script, *args):
    path = tmp_path / "script.py"
    path.write_text(script)
    return subprocess.run([LAUNCHER, "--sim", *map(str, args), path], capture_output=True, text=True, timeout=120)


def test_a_station_scans_joins_its_router_and_meets_its_peers_on_the_routers_channel(tmp_path):
    r = sim(tmp_path, GATEWAY, 2, "--sim-seconds", 5, "--router", "home:correcthorse@6", "--router", "cafe@11,30,0")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    # Both routers in reach, the nearer first: (ssid, bssid, channel, RSSI, security, hidden).
    assert ("02:00:00:00:00:01 scan [(b'home', b'\\x02\\xa9\\x00\\x00\\x00\\x01', 6, -20, 3, False), "
            "(b'cafe', b'\\x02\\xa9\\x00\\x00\\x00\\x02', 11, -64, 0, False)]") in out
    assert "02:00:00:00:00:01 status 1001" in out  # STAT_CONNECTING
    assert ("02:00:00:00:00:02 channel 6 ('192.168.1.4', '255.255.255.0', '192.168.1.1', '192.168.1.1') "
            "rssi -20") in out
    assert "02:00:00:00:00:01 got b'hello on 6'" in out and "02:00:00:00:00:02 got b'hello on 6'" in out
    assert "02:00:00:00:00:01 after 1000 False 0.0.0.0" in out  # STAT_IDLE after disconnect()


ATTEMPT = """\
import network, time
sta = network.WLAN(network.WLAN.IF_STA)
for call in (lambda: network.WLAN(network.WLAN.IF_AP).connect("home"), lambda: sta.connect("home"), sta.scan):
    try:
        call()
    except OSError as e:
        print("refused", e)
sta.active(True)
sta.connect("home", "not-the-key")
while sta.status() == network.STAT_CONNECTING:
    time.sleep(0.1)
print("status", sta.status(), sta.isconnected())
"""


def test_a_wrong_key_or_no_router_ends_the_attempt_with_the_ports_status(tmp_path):
    for args, status in ((["--router", "home:correcthorse@6"], 202), (["--router", "elsewhere@6"], 201), ([], 201),
                         (["--router", "home@6,5000,0"], 201)):  # out of reach
        r = sim(tmp_path, ATTEMPT, 1, "--sim-seconds", 3, *args)
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines() == ["02:00:00:00:00:01 refused STA required",
                                         "02:00:00:00:00:01 refused Wifi Not Started",
                                         "02:00:00:00:00:01 refused Wifi Not Started",
                                         "02:00:00:00:00:01 status %d False" % status], (args, r.stdout)


def test_sim_router_refuses_what_no_router_could_be(tmp_path):
    for arg, message in (("home", "takes SSID[:KEY]@CHANNEL[,X,Y], got 'home'"),
                         ("home@6,1", "got 'home@6,1'"), ("home@x", "got 'home@x'"),
                         ("@6", "a router's SSID has 1 to 32 bytes"),
                         ("home:short@6", "a router's WPA2 key has 8 to 63 characters"),
                         ("home@15", "a router's channel is 1 to 14")):
        r = sim(tmp_path, "pass\n", 1, "--router", arg)
        assert r.returncode == 2, (arg, r.stderr)
        assert message in r.stderr, (arg, r.stderr)


def test_the_router_gateway_example_joins_and_its_sensors_find_the_channel():
    example = Path(__file__).resolve().parents[2] / "examples" / "python" / "mp_router_gateway.py"
    r = subprocess.run([LAUNCHER, "--sim", "3", "--sim-seconds", "6", "--router", "home:correcthorse@6", example],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "02:00:00:00:00:02 sensor: router found on channel 6" in out
    assert "02:00:00:00:00:01 gateway: joined home on channel 6 as 192.168.1.3" in out
    for reading in (0, 1):
        for sensor in (2, 3):
            assert "02:00:00:00:00:01 gateway: reading %d from %02x" % (reading, sensor) in out, out


# --- the ESP32 port's reconnects, held channel and soft-AP settings -------


def station_run(monkeypatch, program, *, at=(5000, 0), seconds=20):
    """Runs program(device, sta, sim) on a device at `at` in a Simulation with one router,
    "home" (key "correcthorse", channel 6) at the origin; returns what it recorded."""
    sim = espnow_sim.Simulation(seed=1)
    monkeypatch.setattr(network, "_routers", [])
    monkeypatch.setattr(network, "_simulation", sim)
    network._add_router("home", "correcthorse", 6, (0, 0))
    seen = {}

    def body(dev):
        seen.update(program(dev, espnow_sim.wlan(dev), sim) or {})

    sim.add_device(body, mac=A, position=at)
    sim.run_for(seconds)
    return seen


def test_a_station_tries_again_until_its_router_is_in_reach_then_holds_its_channel(monkeypatch):
    def program(dev, sta, sim):
        seen = {"default": sta.config("reconnects")}
        sta.connect("home", "correcthorse")
        sim.sleep(4)  # three attempts (1.32 s each), none reaching a router 5 km away
        seen["far"] = (sta.status(), sta.isconnected(), sta.scan())  # a scan while it tries: refused, []
        try:
            sta.config(channel=3)
        except RuntimeError as e:
            seen["held"] = str(e)
        dev.set_position(10, 0)
        sim.sleep(1.5)  # the attempt under way now finds it
        seen["near"] = (sta.status(), sta.isconnected(), sta.config("channel"))
        try:
            sta.config(channel=3)
        except RuntimeError as e:
            seen["held when connected"] = str(e)
        t0 = dev._clock_seconds()
        seen["scan"] = [r[0] for r in sta.scan()]
        seen["scan_s"] = round(dev._clock_seconds() - t0, 3)
        seen["home after scan"] = sta.config("channel")
        sta.disconnect()
        sta.config(channel=3)
        seen["after"] = (sta.status(), sta.config("channel"))
        return seen

    seen = station_run(monkeypatch, program)
    assert seen["default"] == -1  # forever
    assert seen["far"] == (network.STAT_NO_AP_FOUND, False, [])
    assert seen["held"] == seen["held when connected"] == "Wifi Unknown Error 0xffffffff"
    assert seen["near"] == (network.STAT_GOT_IP, True, 6)
    assert seen["scan"] == [b"home"]
    assert seen["scan_s"] == 1.62  # 11 channels x 120 ms, and 10 x 30 ms back home between them
    assert seen["home after scan"] == 6
    assert seen["after"] == (network.STAT_IDLE, 3)


def test_reconnects_bounds_the_attempts_and_then_the_channel_is_free(monkeypatch):
    def program(dev, sta, sim):
        sta.config(reconnects=2)  # three attempts in all
        seen = {"reconnects": sta.config("reconnects")}
        sta.connect("home", "not-the-key")
        statuses = []
        for _ in range(5):
            sim.sleep(1.32)
            statuses.append(sta.status())
            try:
                sta.config(channel=3)
                statuses.append("free")
            except RuntimeError:
                statuses.append("held")
        seen["statuses"] = statuses
        dev.set_position(5000, 0)
        sta.connect("home", "correcthorse")  # the count starts again; the last reason stays until it ends
        seen["reconnected"] = sta.status()
        return seen

    seen = station_run(monkeypatch, program, at=(10, 0))
    assert seen["reconnects"] == 2
    assert seen["statuses"] == [202, "held", 202, "held", 202, "free", 202, "free", 202, "free"]
    assert seen["reconnected"] == network.STAT_WRONG_PASSWORD


def test_reconnects_and_the_soft_ap_settings_belong_to_their_interface(air):
    d = air.add_device(mac=A, ap_active=True)
    sta, ap = espnow_sim.wlan(d, network.STA_IF), espnow_sim.wlan(d, network.AP_IF)
    for call in (lambda: ap.config(reconnects=1), lambda: ap.config("reconnects"), lambda: sta.config(ssid="x"),
                 lambda: sta.config(hidden=True), lambda: sta.config("security")):
        with pytest.raises(OSError):
            call()
    # ESP-IDF's soft-AP defaults: "ESP_" and the AP MAC's last three bytes, open, shown, 4 stations.
    assert ap.config("ssid") == ap.config("essid") == "ESP_AAAAAB"
    assert (ap.config("security"), ap.config("hidden"), ap.config("max_clients")) == (network.AUTH_OPEN, False, 4)
    ap.config(essid="node-7", security=network.WLAN.SEC_WPA2, key="correcthorse", hidden=1, max_clients=2)
    assert (ap.config("ssid"), ap.config("authmode"), ap.config("hidden"), ap.config("max_clients")) == \
        ("node-7", 3, True, 2)
    with pytest.raises(ValueError):
        ap.config("key")  # the port does not give it back
    with pytest.raises(OSError) as e:
        ap.config(key="short")  # under 8 characters for WPA2: esp_wifi_set_config refuses, nothing changes
    assert str(e.value) == "Wifi Invalid Password"
    ap.config(security=network.AUTH_OPEN, key="")
    assert ap.config("security") == network.AUTH_OPEN
    with pytest.raises(TypeError):
        ap.config(ssid=7)
    assert sta.config("ssid") == ""  # the station's: none until connect() names one
    # status() as the port gives it per interface.
    assert ap.status() is None and ap.status("stations") == []
    for call, message in ((lambda: ap.status("rssi"), "STA required"), (lambda: sta.status("stations"), "AP required"),
                          (lambda: sta.status("rssi"), "Wifi Not Connected")):
        with pytest.raises(OSError) as e:
            call()
        assert str(e.value) == message
    with pytest.raises(ValueError):
        sta.status("noise")


def test_a_router_beacons_on_its_channel_and_the_espnow_stacks_ignore_its_beacons(monkeypatch, tmp_path):
    pcap = tmp_path / "air.pcap"

    def program(dev, sta, sim):
        sim.capture(str(pcap))
        e = espnow_sim.espnow(dev)
        e.active(True)
        sta.config(channel=6)
        sim.sleep(1.0)
        return {"link": e.link_stats(), "stats": e.stats()}

    seen = station_run(monkeypatch, program, at=(10, 0), seconds=2)
    rows = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "wlan.fc.type_subtype", "-e", "wlan.ssid",
                           "-e", "wlan.ds.current_channel", "-e", "wlan.fixed.capabilities.privacy", "-e", "wlan.sa"],
                          capture_output=True, text=True, check=True, timeout=60).stdout.split()
    beacons = [rows[i:i + 5] for i in range(0, len(rows), 5)]
    assert 9 <= len(beacons) <= 11  # one every 102.4 ms, the run's first second and a bit
    for subtype, ssid, channel, privacy, sa in beacons:
        assert int(subtype, 0) == 8 and bytes.fromhex(ssid) == b"home" and channel == "6"
        assert privacy == "1" and sa == "02:a9:00:00:00:01"  # WPA2: "correcthorse"
    assert seen["link"]["rx_malformed"] == 0 and seen["stats"][3:] == (0, 0)  # nothing received, nothing dropped


def test_in_a_simulation_an_attempt_sweeps_the_channels_and_joins_by_itself(monkeypatch):
    def program(dev, sta, sim):
        sta.connect("home", "correcthorse")
        sim.sleep(0.06)
        channels = [dev.channel()]  # the device's own radio: asking the WLAN object would settle it
        for _ in range(11):
            sim.sleep(0.12)
            channels.append(dev.channel())
        return {"channels": channels}

    assert station_run(monkeypatch, program, at=(10, 0), seconds=5)["channels"] == [*range(1, 12), 6]


GATEWAY_THAT_ONLY_RECEIVES = """\
import espnow, network, time
sta = network.WLAN(network.WLAN.IF_STA)
sta.active(True)
e = espnow.ESPNow()
e.active(True)
e.add_peer(b"\\xff" * 6)
if sta.config("mac")[-1] == 1:
    sta.connect("home", "correcthorse")  # and never asks how it went
    while True:
        host, msg = e.recv(5000)
        print("gateway got", msg)
else:
    sta.config(channel=6)  # where the router is
    time.sleep(2)
    e.send(b"\\xff" * 6, b"reading")
"""


def test_a_gateway_that_never_asks_still_joins_and_hears_the_routers_channel(tmp_path):
    r = sim(tmp_path, GATEWAY_THAT_ONLY_RECEIVES, 2, "--sim-seconds", 4, "--router", "home:correcthorse@6")
    assert r.returncode == 0, r.stderr
    assert "02:00:00:00:00:01 gateway got b'reading'" in r.stdout.splitlines(), r.stdout


def test_sim_pcap_holds_the_copies_frames_and_the_routers_beacons(tmp_path):
    pcap = tmp_path / "air.pcap"
    r = sim(tmp_path, GATEWAY_THAT_ONLY_RECEIVES, 2, "--sim-seconds", 3, "--router", "home:correcthorse@6",
            "--pcap", pcap)
    assert r.returncode == 0, r.stderr
    rows = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "wlan.fc.type_subtype",
                           "-e", "wlan_radio.channel"], capture_output=True, text=True, check=True,
                          timeout=60).stdout.splitlines()
    beacons = [row for row in rows if row.split("\t") == ["0x0008", "6"]]
    espnow_frames = [row for row in rows if row.split("\t")[0] == "0x000d"]
    assert 28 <= len(beacons) <= 30 and len(espnow_frames) == 1  # 3 s of beacons; the sensor's one reading
    bad = sim(tmp_path, "pass\n", 1, "--pcap", tmp_path / "no" / "such" / "dir.pcap")
    assert bad.returncode == 2 and "--pcap: cannot write" in bad.stderr, bad.stderr


def test_ifconfig_sets_static_addresses_and_takes_dhcp_back(air):
    d = air.add_device(mac=A, ap_active=True)
    sta, ap = espnow_sim.wlan(d, network.STA_IF), espnow_sim.wlan(d, network.AP_IF)
    assert sta.ifconfig() == ("0.0.0.0",) * 4  # not connected, DHCP
    assert ap.ifconfig() == ("192.168.4.1", "255.255.255.0", "192.168.4.1", "0.0.0.0")  # ESP-IDF's soft-AP
    sta.ifconfig(("192.168.1.50", 24, "192.168.1.1", "8.8.8.8"))  # a prefix length for the mask, as the port takes
    assert sta.ifconfig() == ("192.168.1.50", "255.255.255.0", "192.168.1.1", "8.8.8.8")
    ap.ifconfig(["10.0.0.1", "255.255.0.0", "10.0.0.1", "10.0.0.1"])
    assert ap.ifconfig() == ("10.0.0.1", "255.255.0.0", "10.0.0.1", "10.0.0.1")
    sta.ifconfig("dhcp")
    assert sta.ifconfig() == ("0.0.0.0",) * 4
    for bad in (("1.2.3",), ("1.2.3.4", "255.0.0.0", "1.2.3.256", "0.0.0.0"), "static", ("a.b.c.d", 8, "1.1.1.1", "1.1.1.1")):
        with pytest.raises(ValueError):
            sta.ifconfig(bad)
    with pytest.raises(ValueError):
        ap.ifconfig("dhcp")  # a station's only
    assert ap.ifconfig()[0] == "10.0.0.1"  # nothing changed by the refusals


def test_ipconfig_is_micropython_1_23s_view_of_the_same_addresses(air):
    # MicroPython 1.23 deprecated ifconfig() for ipconfig(): a gateway written
    # for it prints sta.ipconfig("addr4") once it has joined its router.
    d = air.add_device(mac=A, ap_active=True)
    sta, ap = espnow_sim.wlan(d, network.STA_IF), espnow_sim.wlan(d, network.AP_IF)
    assert sta.ipconfig("addr4") == ("0.0.0.0", "0.0.0.0") and sta.ipconfig("gw4") == "0.0.0.0"
    assert sta.ipconfig("dhcp4") is True and sta.ipconfig("has_dhcp4") is False  # DHCP, no lease yet
    assert sta.ipconfig("addr6") == [] and sta.ipconfig("autoconf6") is False and sta.ipconfig("has_autoconf6") is False
    assert ap.ipconfig("addr4") == ("192.168.4.1", "255.255.255.0") and ap.ipconfig("dhcp4") is False
    sta.ipconfig(addr4="192.168.1.50/24", gw4="192.168.1.1")
    assert sta.ifconfig()[:3] == ("192.168.1.50", "255.255.255.0", "192.168.1.1")
    assert sta.ipconfig("dhcp4") is False
    sta.ipconfig(addr4=("10.0.0.7", "255.0.0.0"))
    assert sta.ipconfig("addr4") == ("10.0.0.7", "255.0.0.0") and sta.ipconfig("gw4") == "192.168.1.1"
    sta.ipconfig(dhcp4=True)
    assert sta.ifconfig() == ("0.0.0.0",) * 4
    assert network.ipconfig("prefer") == 4
    network.ipconfig(dns="9.9.9.9")
    assert network.ipconfig("dns") == "9.9.9.9"
    for bad in (lambda: sta.ipconfig("mtu"), lambda: sta.ipconfig(mtu=1500), lambda: network.ipconfig("x"),
                lambda: sta.ipconfig(addr4="1.2.3.4/33"), lambda: sta.ipconfig(addr4="1.2.3")):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(TypeError):
        sta.ipconfig("addr4", dhcp4=True)  # a question or settings, not both
    sta.ipconfig(addr4="10.0.0.7/8", gw4="10.0.0.1")
    for bad in ({"addr4": "10.0.0.9/8", "gw4": "10.0.0.300"}, {"gw4": "10.0.0.2", "mtu": 1500}):
        with pytest.raises(ValueError):
            sta.ipconfig(**bad)
        assert sta.ifconfig()[:3] == ("10.0.0.7", "255.0.0.0", "10.0.0.1")  # all or nothing
    with pytest.raises(ValueError):
        network.ipconfig(dns="1.1.1.1", prefer=5)
    assert network.ipconfig("dns") == "9.9.9.9" and network.ipconfig("prefer") == 4
    with pytest.raises(ValueError):
        ap.ipconfig(dhcp4=True)  # no DHCP client on the soft-AP, as ifconfig("dhcp") there


RESET_DURING_AN_ATTEMPT = """\
import gc, machine, network, time
gc.disable()  # the run's globals (a function's, a cycle) outlive the reset: its WLAN and device too
sta = network.WLAN(network.WLAN.IF_STA)


def status():
    return sta.status()


if machine.reset_cause() == machine.SOFT_RESET:
    print("at boot", sta.active(), sta.config("channel"), sta.config("txpower"))  # before the script raises it
    sta.active(True)
    seen = []
    for _ in range(12):
        time.sleep(0.1)
        seen.append(sta.config("channel"))
    print("after the reset", seen, status(), sta.isconnected())
else:
    sta.active(True)
    sta.config(txpower=8)
    sta.connect("home", "correcthorse")
    time.sleep(0.5)  # the attempt's sweep is at channel 5
    machine.reset()
"""


def test_a_reset_ends_the_attempt_and_its_sweep_and_the_radio_boots_as_at_power_on(tmp_path):
    r = sim(tmp_path, RESET_DURING_AN_ATTEMPT, 1, "--sim-seconds", 4, "--router", "home:correcthorse@6")
    assert r.returncode == 0, r.stderr
    assert "02:00:00:00:00:01 at boot False 1 20.0" in r.stdout.splitlines(), r.stdout  # down, channel 1, full power
    assert "02:00:00:00:00:01 after the reset [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] 1000 False" in r.stdout.splitlines(), \
        r.stdout


RESETS_SOFT_AND_HARD = """\
import machine, network, time
rtc = machine.RTC()
sta, ap = network.WLAN(network.WLAN.IF_STA), network.WLAN(network.WLAN.IF_AP)


def show(boot):
    print(boot, sta.active(), sta.isconnected(), sta.status(), sta.config("channel"), sta.config("reconnects"),
          ap.config("essid"), sta.ifconfig()[0], network.hostname(), network.country())


if rtc.memory() == b"":
    sta.active(True)
    ap.active(True)
    sta.config(reconnects=3)
    ap.config(essid="mine")
    sta.ifconfig(("10.0.0.5", 24, "10.0.0.1", "10.0.0.1"))
    network.hostname("gw")
    network.country("DE")
    sta.connect("home", "correcthorse")
    while not sta.isconnected():
        time.sleep(0.1)
    rtc.memory(b"soft")
    machine.soft_reset()
elif rtc.memory() == b"soft":
    show("soft")
    sta.disconnect()
    sta.connect("home", "correcthorse")
    time.sleep(0.5)  # the attempt's sweep is at channel 5
    rtc.memory(b"attempt")
    machine.soft_reset()
elif rtc.memory() == b"attempt":
    print("sweeping on", sta.config("channel"))
    for _ in range(30):  # the script does not connect again: the attempt goes on
        if sta.isconnected():
            break
        time.sleep(0.1)
    show("joined")
    rtc.memory(b"hard")
    machine.reset()
else:
    show("hard")
"""


def test_a_soft_reset_keeps_the_connection_and_a_reset_forgets_the_drivers_settings(tmp_path):
    # The port stops ESP-NOW at a soft reset, not the Wi-Fi: the station stays joined, on its
    # router's channel, with its settings, and an attempt under way goes on. A reset loses what
    # the driver kept in RAM (the port sets WIFI_STORAGE_RAM).
    r = sim(tmp_path, RESETS_SOFT_AND_HARD, 1, "--sim-seconds", 6, "--router", "home:correcthorse@6")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "02:00:00:00:00:01 soft True True 1010 6 3 mine 10.0.0.5 gw DE" in out, r.stdout
    assert "02:00:00:00:00:01 sweeping on 5" in out, r.stdout
    assert "02:00:00:00:00:01 joined True True 1010 6 3 mine 10.0.0.5 gw DE" in out, r.stdout
    assert "02:00:00:00:00:01 hard False False 1000 1 -1 ESP_010001 0.0.0.0 mpy-esp32 XX" in out, r.stdout


# --- routers for a process on the UDP air (the launcher's --router) --------

PROCESS_GATEWAY = """\
import network, time
sta = network.WLAN(network.WLAN.IF_STA)
sta.active(True)
print("scan", [(ssid, channel, rssi) for ssid, _, channel, rssi, *_ in sta.scan()])
sta.connect("home", "correcthorse")
while not sta.isconnected():
    time.sleep(0.05)
print("joined on", sta.config("channel"), "rssi", sta.status("rssi"))
"""


def process(tmp_path, script, *launcher_args):
    path = tmp_path / "script.py"
    path.write_text(script)
    env = dict(os.environ, ESPNOW_AIR="udp://239.255.77.%d:%d" % (50 + os.getpid() % 50, 30000 + os.getpid() % 20000))
    env.pop("ESPNOW_ROUTERS", None)
    return subprocess.run([LAUNCHER, *map(str, launcher_args), path], capture_output=True, text=True, timeout=120,
                          env=env)


def test_a_process_station_joins_the_routers_its_launcher_is_given(tmp_path):
    r = process(tmp_path, PROCESS_GATEWAY, "--router", "home:correcthorse@6,10,0", "--router", "cafe@11,5000,0")
    assert r.returncode == 0, r.stderr
    # 20 dBm - 40 dB - 30 log10(10 m): the UDP air's path loss; "cafe", 5 km off, is out of reach.
    assert r.stdout.splitlines() == ["scan [(b'home', 6, -50)]", "joined on 6 rssi -50"], r.stdout
    assert "no router" not in r.stderr


def test_a_process_soft_reset_keeps_the_connection_and_a_reset_forgets_the_drivers_settings(tmp_path):
    # As under --sim (above), for a process: the launcher is executed again, and the radio and
    # the Wi-Fi come back as the soft reset left them.
    r = process(tmp_path, RESETS_SOFT_AND_HARD, "--router", "home:correcthorse@6")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "soft True True 1010 6 3 mine 10.0.0.5 gw DE" in out, r.stdout
    assert "joined True True 1010 6 3 mine 10.0.0.5 gw DE" in out, r.stdout
    hard = [line for line in out if line.startswith("hard ")]
    assert len(hard) == 1 and hard[0].startswith("hard False False 1000 1 -1 ESP_"), r.stdout  # the AP MAC's
    assert hard[0].endswith(" 0.0.0.0 mpy-esp32 XX"), r.stdout


def test_a_router_no_router_could_be_stops_the_launcher_and_none_at_all_is_said_once(tmp_path):
    for args, message in ((["--router", "home:short@6"], "--router a router's WPA2 key has 8 to 63 characters"),
                          (["--router", "home@15"], "--router a router's channel is 1 to 14"),
                          (["--router"], "--router takes SSID[:KEY]@CHANNEL[,X,Y]")):
        r = process(tmp_path, "print('ran')\n", *args)
        assert r.returncode == 2 and message in r.stderr and "ran" not in r.stdout, (args, r.stderr)
    alone = process(tmp_path, "import network\nsta = network.WLAN(network.WLAN.IF_STA)\nsta.active(True)\n"
                              "sta.connect('home')\nsta.connect('home')\nprint(sta.status())\n")
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.splitlines() == ["1001"]  # STAT_CONNECTING: it tries for ever
    assert alone.stderr.count("espnow-python: no router on this air") == 1, alone.stderr
