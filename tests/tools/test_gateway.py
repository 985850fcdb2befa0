"""`espnow gateway` against a real broker. Each test starts its own mosquitto
(a free port on 127.0.0.1, its own config and directory), a gateway on a UDP
air of its own, and `espnow` CLI processes as the ESP-NOW devices; it checks
what reaches the broker with mosquitto_sub and commands with mosquitto_pub,
clients independent of our code. Nothing sleeps: every wait is on the thing,
with a deadline."""
import base64
import datetime
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

# The consumer-side helper: pure Python, so the source tree's copy will do.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../python"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../support"))
import espnow_gateway  # noqa: E402
from mosquitto_stop import stop_mosquitto  # noqa: E402

CLI = os.environ["ESPNOW_CLI"]
GW, A, B = "02:00:00:00:00:01", "02:00:00:00:00:0a", "02:00:00:00:00:0b"
GW_ID, A_HEX, B_HEX = "020000000001", "02000000000a", "02000000000b"
DEADLINE = 30.0


def wait_for(predicate, what, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)  # a poll step, not a wait on time: the deadline bounds it
    raise AssertionError(f"timed out waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """A private mosquitto: its own port, config and persistence directory."""

    def __init__(self, directory, users=None, port=None, tls=None):
        self.port = port or free_port()
        self.dir = directory
        self.conf = os.path.join(directory, "mosquitto.conf")
        # max_queued_messages 0: a persistent subscriber that reconnects after the broker's restart gets
        # every message published meanwhile (mosquitto keeps 1000 by default).
        lines = [f"listener {self.port} 127.0.0.1", f"persistence true", f"persistence_location {directory}/",
                 "log_dest none", "max_queued_messages 0"]
        self.tls_port = None
        if tls:  # a second listener: TLS, a client certificate required
            self.tls_port = free_port()
            lines += [f"listener {self.tls_port} 127.0.0.1", f"cafile {tls.ca}", f"certfile {tls.server_cert}",
                      f"keyfile {tls.server_key}", "require_certificate true"]
        if os.geteuid() == 0:  # else mosquitto drops to its own user, who may not read the test's folder
            lines.append("user root")
        if users:
            pwfile = os.path.join(directory, "passwd")
            for i, (user, password) in enumerate(users.items()):
                subprocess.run(["mosquitto_passwd", "-b"] + (["-c"] if i == 0 else []) + [pwfile, user, password],
                               check=True, capture_output=True)
            lines += ["allow_anonymous false", f"password_file {pwfile}"]
        else:
            lines += ["allow_anonymous true"]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(self._accepts, f"mosquitto on port {self.port}")

    def _accepts(self):
        assert self.proc.poll() is None, self.proc.communicate()
        try:
            for port in filter(None, (self.port, self.tls_port)):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc:
            stop_mosquitto(self.proc)  # it saves its sessions to disk as it goes


class Subscriber:
    """mosquitto_sub on `topics`, collecting (retained, topic, payload bytes).
    With `session`, a persistent session (it survives a broker restart)."""

    def __init__(self, broker, *topics, session=None, user=None):
        cmd = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1", "-F", "%r %t %x"]
        if session:
            cmd += ["-c", "-i", session]
        if user:
            cmd += ["-u", user[0], "-P", user[1]]
        # A retained probe of its own: once it arrives, every subscription is in place.
        probe = f"test/probe/{random.getrandbits(64):016x}"
        publish(broker, probe, "ready", user=user, retain=True)
        for t in [*topics, probe]:
            cmd += ["-t", t]
        self.messages = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.wait(probe)

    def _read(self):
        for line in self.proc.stdout:
            retained, topic, *hexes = line.rstrip("\n").split(" ")
            with self.lock:
                self.messages.append((retained == "1", topic, bytes.fromhex(hexes[0] if hexes else "")))

    def on(self, topic):
        with self.lock:
            return [m for m in self.messages if m[1] == topic]

    def on_prefix(self, prefix):
        with self.lock:
            return [m for m in self.messages if m[1].startswith(prefix)]

    def payloads(self, topic):
        return [p for _, _, p in self.on(topic)]

    def wait(self, topic, count=1, timeout=DEADLINE):
        return wait_for(lambda: len(self.on(topic)) >= count and self.payloads(topic), f"{count} on {topic}", timeout)

    def wait_json(self, topic, predicate=lambda j: True, timeout=DEADLINE):
        def found():
            for p in self.payloads(topic):
                j = json.loads(p)
                if predicate(j):
                    return j
            return None
        return wait_for(found, f"a matching JSON message on {topic}", timeout)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def publish(broker, topic, payload, user=None, retain=False):
    cmd = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1", "-t", topic] + (["-r"] if retain else [])
    if user:
        cmd += ["-u", user[0], "-P", user[1]]
    if isinstance(payload, bytes):
        subprocess.run(cmd + ["-s"], input=payload, check=True, timeout=30)
    else:
        subprocess.run(cmd + ["-m", payload], check=True, timeout=30)


class Gateway:
    def __init__(self, air, broker_port, *args, env=None, mac=GW, position=None, url=None):
        where = ["--position", position] if position else []
        cmd = [CLI, "--air", air, "--mac", mac, *where, "gateway", "--mqtt", url or f"mqtt://127.0.0.1:{broker_port}",
               *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, **(env or {})})
        self.before_banner = []  # what the gateway says as it starts (a spool's damage), before its banner
        while True:
            banner = self.proc.stderr.readline()
            if banner.startswith("gateway ") and f": {mac} on " in banner or not banner:
                break
            self.before_banner.append(banner)
        assert banner, self.before_banner

    def next_line(self):
        """Its next stderr line after the banner's, those said before it first."""
        return self.before_banner.pop(0) if self.before_banner else self.proc.stderr.readline()

    def stop(self, sig=signal.SIGINT):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, err


def espnow(air, *args, timeout=60):
    r = subprocess.run([CLI, "--air", air, *args], capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture
def air():
    return f"udp://239.255.{random.randint(1, 254)}.{random.randint(1, 254)}:{random.randint(20000, 60000)}"


@pytest.fixture
def broker(tmp_path):
    b = Broker(str(tmp_path))
    yield b
    b.stop()


@pytest.fixture
def things():
    """Processes to stop at the end of a test, whatever happens."""
    items = []
    yield items
    for item in reversed(items):
        try:
            item.stop()
        except Exception:
            pass


def start_gateway(things, air, broker, *args, sub_topics=(), **kw):
    sub = Subscriber(broker, f"espnow/{GW_ID}/status", *sub_topics)
    things.append(sub)
    gw = Gateway(air, broker.port, *args, **kw)
    things.append(gw)
    sub.wait(f"espnow/{GW_ID}/status")
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1] == b"online", "status online")
    return gw, sub


# ---- the example service (examples/gateway): systemd's unit and its config file

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "gateway")
README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def unit_settings(path, section):
    """A systemd unit's KEY=VALUE lines of one section, in order (keys repeat: ExecStartPre)."""
    settings, current = [], None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1]
            elif line and not line.startswith("#") and current == section:
                key, _, value = line.partition("=")
                settings.append((key, value))
    return settings


def test_the_example_service_runs_the_gateway_on_its_config_and_stops_it_cleanly(air, broker, tmp_path, things):
    service = unit_settings(os.path.join(EXAMPLES, "espnow-gateway.service"), "Service")
    # The card's set-up is the README's, as root and without sudo.
    steps = [value.lstrip("-+") for key, value in service if key == "ExecStartPre"]
    assert steps == ["/usr/sbin/ip link set ${IFACE} down", "/usr/sbin/iw dev ${IFACE} set type monitor",
                     "/usr/sbin/iw dev ${IFACE} set monitor active control", "/usr/sbin/ip link set ${IFACE} up"]
    with open(README) as f:
        readme = f.read()
    for step in steps:
        assert "sudo " + step.replace("/usr/sbin/", "").replace("${IFACE}", "wlan1") in readme, step
    assert ("AmbientCapabilities", "CAP_NET_RAW CAP_NET_ADMIN") in service  # what the README says a Linux radio needs
    assert "CAP_NET_RAW" in readme and "CAP_NET_ADMIN" in readme
    (start,) = [value for key, value in service if key == "ExecStart"]
    args = start.split()
    assert args[:6] == ["/usr/local/bin/espnow", "--radio", "linux:${IFACE}", "--channel", "${CHANNEL}", "gateway"]
    # What follows `gateway` as systemd gives it, on the test's air and broker (the command line
    # wins over the file's mqtt =): the example config must be one the gateway takes.
    rest = [a.replace("/etc/espnow-gateway.conf", os.path.join(EXAMPLES, "espnow-gateway.conf"))
            .replace("%S", str(tmp_path)) for a in args[6:]]
    gw, sub = start_gateway(things, air, broker, *rest, "--channel", "1", sub_topics=["espnow/#"])
    espnow(air, "--mac", A, "send", GW, "from a sensor")
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}") == [b"from a sensor"]
    assert os.path.isdir(tmp_path / "espnow-gateway")  # its spool, in the state directory
    code, err = gw.stop(signal.SIGTERM)  # systemctl stop
    assert code == 0, err
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1] == b"offline", "offline on stop")


def test_status_is_online_then_offline_on_exit_and_offline_as_last_will_when_killed(air, broker, things):
    gw, sub = start_gateway(things, air, broker)
    code, err = gw.stop()
    assert code == 0, err
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1] == b"offline", "offline on exit")
    retained = Subscriber(broker, f"espnow/{GW_ID}/status")
    things.append(retained)
    assert retained.wait(f"espnow/{GW_ID}/status") == [b"offline"]
    assert retained.on(f"espnow/{GW_ID}/status")[0][0], "status is retained"

    gw2 = Gateway(air, broker.port)
    things.append(gw2)
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1] == b"online", "online again")
    gw2.proc.kill()  # no goodbye: the broker gives the last will
    gw2.proc.wait(timeout=10)
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1] == b"offline", "the last will")


def test_received_messages_are_published_raw_and_as_json_with_their_metadata(air, broker, things):
    gw, sub = start_gateway(things, air, broker, sub_topics=["espnow/#"])
    espnow(air, "--mac", A, "send", GW, "hello gateway")
    espnow(air, "--mac", B, "send", "ff:ff:ff:ff:ff:ff", "to all")

    assert sub.wait(f"espnow/rx/{A_HEX}") == [b"hello gateway"]
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}") == [b"hello gateway"]
    j = json.loads(sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}/json")[0])
    assert set(j) >= {"src", "dst", "gw", "rssi", "channel", "rate", "len", "ts", "seq", "data_b64"}
    assert (j["src"], j["dst"], j["gw"], j["len"], j["channel"]) == (A_HEX, GW_ID, GW_ID, 13, 1)
    assert base64.b64decode(j["data_b64"]) == b"hello gateway" and j["text"] == "hello gateway"
    assert isinstance(j["rssi"], int) and j["rssi"] < 0 and isinstance(j["rate"], str)
    assert abs(j["ts"] - time.time()) < 60
    src, sn, nonce = j["seq"].split("-")
    assert src == A_HEX and len(sn) == 3 and len(nonce) == 8

    jb = json.loads(sub.wait(f"espnow/{GW_ID}/rx/{B_HEX}/json")[0])
    assert jb["dst"] == "ffffffffffff" and base64.b64decode(jb["data_b64"]) == b"to all"

    peer = sub.wait_json(f"espnow/{GW_ID}/peers/{A_HEX}")
    assert peer["count"] == 1 and peer["mac"] == A_HEX and peer["gw"] == GW_ID
    assert sub.on(f"espnow/{GW_ID}/peers/{A_HEX}")[0][0] is False  # live; a later subscriber sees it retained
    later = Subscriber(broker, f"espnow/{GW_ID}/peers/+")
    things.append(later)
    assert later.wait(f"espnow/{GW_ID}/peers/{A_HEX}", timeout=10)
    assert later.on(f"espnow/{GW_ID}/peers/{A_HEX}")[0][0] is True


def test_two_messages_alike_have_different_seqs(air, broker, things):
    gw, sub = start_gateway(things, air, broker, sub_topics=[f"espnow/{GW_ID}/rx/+/json"])
    espnow(air, "--mac", A, "send", GW, "same", "--count", "2")
    seqs = [json.loads(p)["seq"] for p in sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}/json", 2)]
    assert len(set(seqs)) == 2


def test_a_command_is_sent_acknowledged_and_reported_on_txresult(air, broker, things):
    listener = subprocess.Popen([CLI, "--air", air, "--mac", B, "--json", "listen"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    assert "as " in listener.stderr.readline()
    try:
        gw, sub = start_gateway(things, air, broker, "--allow-tx", f"{B},02:00:00:00:00:99",
                                sub_topics=[f"espnow/{GW_ID}/txresult/#"])
        publish(broker, f"espnow/{GW_ID}/tx/{B_HEX}/json", json.dumps({"text": "hi B", "id": 7}))
        assert sub.wait_json(f"espnow/{GW_ID}/txresult/{B_HEX}") == {"id": 7, "acked": True, "error": None}
        publish(broker, f"espnow/{GW_ID}/tx/{B_HEX}", b"\x00raw\xff")
        publish(broker, f"espnow/{GW_ID}/tx/{B_HEX}/json",
                json.dumps({"data_b64": base64.b64encode(b"b64!").decode(), "id": "x", "sync": False}))
        publish(broker, f"espnow/{GW_ID}/tx/{B_HEX}/json", json.dumps({"data_hex": "cafe", "id": "h"}))
        sub.wait_json(f"espnow/{GW_ID}/txresult/{B_HEX}", lambda j: j["id"] == "h" and j["acked"] is True)
        assert sub.wait_json(f"espnow/{GW_ID}/txresult/{B_HEX}", lambda j: j["id"] == "x") == \
            {"id": "x", "acked": None, "error": None}  # sync false: reported once handed to the radio
        publish(broker, f"espnow/{GW_ID}/tx/020000000099/json", json.dumps({"text": "nobody", "id": 9}))
        assert sub.wait_json(f"espnow/{GW_ID}/txresult/020000000099") == {"id": 9, "acked": False, "error": None}
    finally:
        listener.send_signal(signal.SIGINT)
        out, _ = listener.communicate(timeout=10)
    got = [json.loads(line) for line in out.splitlines()]
    assert [(m["mac"], m["hex"]) for m in got] == [(GW, b"hi B".hex()), (GW, b"\x00raw\xff".hex()),
                                                    (GW, b"b64!".hex()), (GW, "cafe")]


def stats_where(sub, predicate):
    return sub.wait_json(f"espnow/{GW_ID}/stats", predicate)


# What docs/gateway.md lists, exactly: a field it does not name is a field no one can use.
STATS_KEYS = {"gw", "uptime_s", "rx", "rx_refused", "rx_published", "queue", "queue_max", "dropped_queue_full",
              "dropped_too_old", "tx_commands", "decode_short", "tx_sent", "tx_acked", "tx_failed", "tx_refused",
              "tx_malformed", "tx_errors", "tx_held", "component_malformed", "component_duplicates", "component_acks",
              "broker_connects", "peers", "peers_untracked", "link"}
LINK_KEYS = {"rx_malformed", "rx_duplicates", "rx_encrypted", "rx_mic_failures", "rx_replayed", "rx_too_long"}


def test_allow_lists_refuse_and_count(air, broker, things):
    gw, sub = start_gateway(things, air, broker, "--allow-rx", A_HEX, "--stats-interval", "0.2",
                            sub_topics=[f"espnow/{GW_ID}/#"])
    publish(broker, f"espnow/{GW_ID}/tx/{B_HEX}/json", json.dumps({"text": "no", "id": 1}))
    r = sub.wait_json(f"espnow/{GW_ID}/txresult/{B_HEX}")
    assert (r["id"], r["acked"], r["error"]) == (1, None, "not_allowed") and B in r["detail"]
    espnow(air, "--mac", B, "send", GW, "from B")
    espnow(air, "--mac", A, "send", GW, "from A")
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}") == [b"from A"]
    s = stats_where(sub, lambda j: j["rx"] == 2)
    assert (s["rx_refused"], s["tx_refused"], s["tx_commands"], s["tx_sent"]) == (1, 1, 1, 0)
    assert set(s) == STATS_KEYS and set(s["link"]) == LINK_KEYS, s
    assert (s["gw"], s["peers"], s["peers_untracked"]) == (GW_ID, 1, 0), s
    assert sub.on(f"espnow/{GW_ID}/rx/{B_HEX}") == [] and sub.on(f"espnow/{GW_ID}/peers/{B_HEX}") == []


BAD_COMMANDS = [
    (f"tx/nota-mac/json", '{"text": "x", "id": 1}', "nota-mac", "bad_mac"),
    (f"tx/{B_HEX}/json", "{not json", B_HEX, "bad_json"),
    (f"tx/{B_HEX}/json", "[1, 2]", B_HEX, "bad_json"),
    (f"tx/{B_HEX}/json", '{"id": 2}', B_HEX, "no_data"),
    (f"tx/{B_HEX}/json", '{"data_b64": "***", "id": 3}', B_HEX, "bad_base64"),
    (f"tx/{B_HEX}/json", '{"data_hex": "abc", "id": 4}', B_HEX, "bad_hex"),
    (f"tx/{B_HEX}/json", '{"text": "' + "y" * 251 + '", "id": 5}', B_HEX, "too_long"),
    (f"tx/{B_HEX}/json", '{"text": "", "id": 6}', B_HEX, "empty"),
    (f"tx/{B_HEX}/json", '{"text": 42, "id": 7}', B_HEX, "bad_field"),
    (f"tx/{B_HEX}/json", '{"text": "a", "sync": "yes", "id": 8}', B_HEX, "bad_field"),
    (f"tx/{B_HEX}/json", '{"text": "a", "data_hex": "00", "id": 9}', B_HEX, "bad_field"),
    (f"tx/{B_HEX}", "y" * 251, B_HEX, "too_long"),
]


def test_malformed_commands_get_a_named_error_and_the_gateway_lives_on(air, broker, things):
    gw, sub = start_gateway(things, air, broker, "--allow-tx", "all", "--stats-interval", "0.2",
                            sub_topics=[f"espnow/{GW_ID}/#"])
    for topic, payload, dst, _ in BAD_COMMANDS:
        publish(broker, f"espnow/{GW_ID}/{topic}", payload)
    results = lambda dst: [json.loads(p) for p in sub.payloads(f"espnow/{GW_ID}/txresult/{dst}")]
    wait_for(lambda: len(results(B_HEX)) == len(BAD_COMMANDS) - 1 and results("nota-mac"), "every txresult")
    assert [r["error"] for r in results(B_HEX)] == [e for _, _, d, e in BAD_COMMANDS if d == B_HEX]
    assert results("nota-mac")[0]["error"] == "bad_mac" and results("nota-mac")[0]["id"] == 1
    assert all(r["acked"] is None and r["detail"] for r in results(B_HEX))
    stats_where(sub, lambda j: j["tx_malformed"] == len(BAD_COMMANDS))
    espnow(air, "--mac", A, "send", GW, "still here")
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}") == [b"still here"]
    assert gw.proc.poll() is None


def test_a_broker_restart_mid_stream_loses_nothing_and_keeps_the_order(air, broker, things):
    n = 10000
    sub = Subscriber(broker, f"espnow/{GW_ID}/rx/{A_HEX}", session="test-restart")
    things.append(sub)
    gw = Gateway(air, broker.port, "--stats-interval", "0.2")
    things.append(gw)
    sender = subprocess.Popen([CLI, "--air", air, "--mac", A, "send", GW, "m{n}", "--count", str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    things.append(type("P", (), {"stop": lambda self: sender.kill()})())
    sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}", 1000)
    broker.stop()
    for _ in range(2000):  # the stream goes on while the broker is away
        sender.stdout.readline()
    broker.start()
    out, err = sender.communicate(timeout=120)
    assert sender.returncode == 0 and f"{n} messages sent, {n} acknowledged" in err, err
    wait_for(lambda: len(set(sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}"))) == n, f"all {n} messages", timeout=60)
    got = sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}")
    first_seen = list(dict.fromkeys(got))  # QoS 1 may repeat one; order is of first arrival
    assert first_seen == [f"m{i}".encode() for i in range(n)]
    code, err = gw.stop()
    assert code == 0 and f"{n} received, {n} published" in err, err


def test_the_queue_is_bounded_while_the_broker_is_away_and_drops_are_counted(air, tmp_path, things):
    b = Broker(str(tmp_path))
    things.append(b)
    sub = Subscriber(b, f"espnow/{GW_ID}/#", session="test-queue")  # kept by the broker while it is away
    things.append(sub)
    b.stop()
    gw = Gateway(air, b.port, "--queue", "5", "--stats-interval", "0.2")
    things.append(gw)
    espnow(air, "--mac", A, "send", GW, "q{n}", "--count", "20")
    b.start()
    s = stats_where(sub, lambda j: j["rx"] == 20 and j["queue"] == 0)
    assert s["dropped_queue_full"] == 15
    assert sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}")[-5:] == [f"q{i}".encode() for i in range(15, 20)]


def test_config_file_credentials_and_an_encrypted_peer(air, tmp_path, things):
    user = ("gw", "s3cret")
    broker = Broker(str(tmp_path), users={user[0]: user[1], "watcher": "w"})
    things.append(broker)
    lmk = "00112233445566778899aabbccddeeff"
    config = tmp_path / "gateway.conf"
    config.write_text(f"# the gateway's settings\nallow_tx = {B}\nmqtt-username = {user[0]}\nprefix = home\n"
                      f"lmk = {A} {lmk}\n")
    sub = Subscriber(broker, "home/#", user=("watcher", "w"))
    things.append(sub)
    gw = Gateway(air, broker.port, "--config", str(config), env={"ESPNOW_MQTT_PASSWORD": user[1]})
    things.append(gw)
    wait_for(lambda: sub.payloads(f"home/{GW_ID}/status")[-1:] == [b"online"], "online with credentials")
    espnow(air, "--mac", A, "--lmk", f"{GW}={lmk}", "send", GW, "secret")
    j = json.loads(sub.wait(f"home/{GW_ID}/rx/{A_HEX}/json")[0])
    assert j["text"] == "secret" and len(j["seq"].split("-")[2]) == 12  # a CCMP packet number
    publish(broker, f"home/{GW_ID}/tx/{A_HEX}", "no", user=("watcher", "w"))
    assert sub.wait_json(f"home/{GW_ID}/txresult/{A_HEX}")["error"] == "not_allowed"


def test_a_wrong_password_is_refused_and_retried_and_bad_settings_are_usage_errors(air, tmp_path, things):
    r = subprocess.run([CLI, "--air", air, "gateway", "--mqtt", "http://x"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--mqtt: 'http://x'" in r.stderr
    r = subprocess.run([CLI, "--air", air, "gateway", "--allow-tx", "zz"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--allow-tx: 'zz' is not a MAC" in r.stderr
    bad = tmp_path / "bad.conf"
    bad.write_text("allow-tx = all\nfrobnicate = 1\n")
    r = subprocess.run([CLI, "--air", air, "gateway", "--config", str(bad)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and f"{bad}:2: unknown setting 'frobnicate'" in r.stderr
    broker = Broker(str(tmp_path), users={"gw": "right"})
    things.append(broker)
    gw = Gateway(air, broker.port, "--mqtt-username", "gw", env={"ESPNOW_MQTT_PASSWORD": "wrong"})
    things.append(gw)
    line = gw.proc.stderr.readline()
    assert "refused the connection" in line, line


def test_mqtt_5_carries_messages_and_commands_alike(air, broker, things):
    gw, sub = start_gateway(things, air, broker, "--mqtt-version", "5", "--allow-tx", "all",
                            sub_topics=[f"espnow/{GW_ID}/#"])
    espnow(air, "--mac", A, "send", GW, "over v5")
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}") == [b"over v5"]
    publish(broker, f"espnow/{GW_ID}/tx/ffffffffffff/json", json.dumps({"text": "all", "id": "b"}))
    assert sub.wait_json(f"espnow/{GW_ID}/txresult/ffffffffffff") == {"id": "b", "acked": True, "error": None}


def test_three_gateways_on_one_broker_publish_each_copy_and_the_helper_merges_them_by_seq(air, broker, things):
    gateways = {"020000000001": "0,0", "020000000002": "40,0", "020000000003": "80,0"}
    devices = {A: ("3,0", "020000000001"), "02:00:00:00:00:0c": ("43,0", "020000000002"),
               B: ("77,0", "020000000003")}
    sub = Subscriber(broker, "espnow/+/status", espnow_gateway.rx_json_subscription(), "espnow/+/txresult/#")
    things.append(sub)
    for gw_id, position in gateways.items():
        mac = ":".join(gw_id[i:i + 2] for i in range(0, 12, 2))
        things.append(Gateway(air, broker.port, "--allow-tx", "all", mac=mac, position=position))
    for gw_id in gateways:
        wait_for(lambda: sub.payloads(f"espnow/{gw_id}/status")[-1:] == [b"online"], f"{gw_id} online")
    for mac, (position, _) in devices.items():
        espnow(air, "--mac", mac, "--position", position, "send", "ff:ff:ff:ff:ff:ff", f"from {mac}")

    rx_topics = lambda: [(t, p) for _, t, p in list(sub.messages) if t.endswith("/json") and "/rx/" in t]
    wait_for(lambda: len(rx_topics()) >= 9, "every gateway's copy of every frame")
    merger = espnow_gateway.Merger()
    frames = {}
    for topic, payload in rx_topics():
        frame = merger.add(topic, payload)
        frames[frame.seq] = frame
    assert len(frames) == 3, frames  # three frames, each heard by three gateways under one seq
    for frame in frames.values():
        mac = ":".join(frame.src[i:i + 2] for i in range(0, 12, 2))
        assert set(frame.copies) == set(gateways) and frame.data == f"from {mac}".encode()
        assert len(set(frame.copies.values())) == 3, frame.copies  # each at its own distance, its own RSSI
        assert frame.best_gw == devices[mac][1], frame
        assert merger.best_gateway(frame.src) == devices[mac][1]

    # A reply goes out through the gateway that hears the device best.
    for mac, (position, best) in devices.items():
        listener = subprocess.Popen([CLI, "--air", air, "--mac", mac, "--position", position, "--json", "listen"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert "as " in listener.stderr.readline()
            topic, payload = merger.reply(mac.replace(":", ""), text="reply", id=mac)
            assert topic.startswith(f"espnow/{best}/tx/")
            publish(broker, topic, payload)
            result = sub.wait_json(f"espnow/{best}/txresult/{mac.replace(':', '')}", lambda j: j["id"] == mac)
            assert result["acked"] is True, result
        finally:
            listener.send_signal(signal.SIGINT)
            out, _ = listener.communicate(timeout=10)
        got = [json.loads(line) for line in out.splitlines()]
        assert [(m["mac"].replace(":", ""), m["hex"]) for m in got] == [(best, b"reply".hex())]


class Pki:
    """A CA made for the test, a server certificate for 127.0.0.1 and a client
    certificate it signed; `other_ca` signed nothing of these."""

    def __init__(self, directory):
        d = lambda name: os.path.join(directory, name)
        self.ca, self.other_ca = d("ca.crt"), d("other-ca.crt")
        self.server_cert, self.server_key = d("server.crt"), d("server.key")
        self.client_cert, self.client_key = d("client.crt"), d("client.key")
        ssl = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
        for name in ("ca", "other-ca"):
            ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN=espnow test {name}",
                "-keyout", d(f"{name}.key"), "-out", d(f"{name}.crt"))
        for name, ext in (("server", "subjectAltName=IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")):
            ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", d(f"{name}.key"),
                "-out", d(f"{name}.csr"))
            with open(d(f"{name}.ext"), "w") as f:
                f.write(ext + "\n")
            ssl("x509", "-req", "-in", d(f"{name}.csr"), "-CA", self.ca, "-CAkey", d("ca.key"), "-CAcreateserial",
                "-days", "2", "-extfile", d(f"{name}.ext"), "-out", d(f"{name}.crt"))


def test_tls_with_a_generated_ca_and_a_client_certificate(air, tmp_path, things):
    pki = Pki(str(tmp_path))
    broker = Broker(str(tmp_path), tls=pki)
    things.append(broker)
    sub = Subscriber(broker, f"espnow/{GW_ID}/#")  # the plain listener: an independent view
    things.append(sub)
    url = f"mqtts://127.0.0.1:{broker.tls_port}"
    gw = Gateway(air, None, "--mqtt-cafile", pki.ca, "--mqtt-cert", pki.client_cert, "--mqtt-key", pki.client_key,
                 "--allow-tx", "all", url=url)
    things.append(gw)
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1:] == [b"online"], "online over TLS")
    espnow(air, "--mac", A, "send", GW, "over tls")
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}") == [b"over tls"]
    publish(broker, f"espnow/{GW_ID}/tx/ffffffffffff/json", json.dumps({"text": "all", "id": "t"}))
    assert sub.wait_json(f"espnow/{GW_ID}/txresult/ffffffffffff")["acked"] is True
    code, err = gw.stop()
    assert code == 0, err

    # A broker whose certificate the given CA did not sign, and a client without a certificate: no connection.
    for args, why in (([pki.other_ca, "--mqtt-cert", pki.client_cert, "--mqtt-key", pki.client_key],
                       "certificate verify failed"), ([pki.ca], "certificate required")):
        bad = Gateway(air, None, "--mqtt-cafile", *args, url=url)
        things.append(bad)
        line = bad.next_line()
        # libmosquitto may first report the TLS handshake still in progress
        # (EAGAIN) as a failed connect; the refusal comes on the next attempt.
        for _ in range(5):
            if "Resource temporarily unavailable" not in line:
                break
            line = bad.next_line()
        assert line.startswith("gateway: mqtt: ") and why in line, line
        code, err = bad.stop()
        assert code == 0 and "0 received" in err, err
    assert sub.payloads(f"espnow/{GW_ID}/status")[-1:] == [b"offline"]

    r = subprocess.run([CLI, "--air", air, "gateway", "--mqtt", url], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "mqtts:// needs --mqtt-cafile" in r.stderr
    r = subprocess.run([CLI, "--air", air, "gateway", "--mqtt", url, "--mqtt-cafile", pki.ca, "--mqtt-cert",
                        pki.client_cert], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--mqtt-cert and --mqtt-key go together" in r.stderr
    r = subprocess.run([CLI, "--air", air, "gateway", "--mqtt", url, "--mqtt-cafile", str(tmp_path / "absent.crt")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "TLS files" in r.stderr, r.stderr


# Home Assistant's MQTT discovery, as its documentation gives it: the topic
# <discovery_prefix>/<component>/[<node_id>/]<object_id>/config with ids of
# [a-zA-Z0-9_-], a retained JSON object, a unique_id, a device with
# identifiers, and each sensor device class with its units.
HA_TOPIC = re.compile(r"^homeassistant/(sensor|binary_sensor)/[a-zA-Z0-9_-]+/[a-zA-Z0-9_-]+/config$")
HA_SENSOR_UNITS = {"signal_strength": {"dB", "dBm"}, "timestamp": {None}, "temperature": {"°C", "°F", "K"},
                   "humidity": {"%"}, "battery": {"%"}, None: None}
HA_BINARY_CLASSES = {"door", "window", "motion", "battery", "moisture", "opening", "problem", None}
HA_KEYS = {"name", "unique_id", "state_topic", "value_template", "unit_of_measurement", "device_class",
           "state_class", "entity_category", "icon", "device", "availability_topic", "payload_available",
           "payload_not_available", "origin"}


def check_ha_config(topic, config, states):
    """A discovery config against the documented schema, and its value_template
    against the state its state_topic carries."""
    component = HA_TOPIC.match(topic).group(1)
    assert set(config) <= HA_KEYS, set(config) - HA_KEYS
    assert config["unique_id"] and config["name"] and config["state_topic"] in states
    assert isinstance(config["device"]["identifiers"], list) and config["device"]["name"]
    assert all(kind == "mac" for kind, _ in config["device"]["connections"])
    assert (config["availability_topic"], config["payload_available"], config["payload_not_available"]) == \
        (f"espnow/{GW_ID}/status", "online", "offline")
    if component == "sensor":
        units = HA_SENSOR_UNITS[config.get("device_class")]
        assert units is None or config.get("unit_of_measurement") in units, config
        assert config.get("state_class", "measurement") == "measurement"
        assert config.get("entity_category", "diagnostic") == "diagnostic"
    else:
        assert config.get("device_class") in HA_BINARY_CLASSES
    state = states[config["state_topic"]]
    for field in re.findall(r"value_json\.(\w+)", config["value_template"]):
        assert field in state or "is defined" in config["value_template"], (field, state)
    return component


def test_home_assistant_discovery_and_a_declarative_decoder(air, broker, tmp_path, things):
    config = tmp_path / "gateway.conf"
    config.write_text("ha-discovery = homeassistant\n"
                      "decoder climate = temperature:i16*0.01:°C:temperature, humidity:u16*0.1:%:humidity, skip:1,"
                      " battery:u8:%:battery, door:bool::door\n"
                      f"decode = {A} climate\n")
    gw, sub = start_gateway(things, air, broker, "--config", str(config), "--stats-interval", "0.2",
                            sub_topics=["homeassistant/#", f"espnow/{GW_ID}/#"])
    reading = struct.pack("<hHBB?", 2150, 456, 7, 87, True)  # the sensor's C struct, no zero byte (argv)
    espnow(air, "--mac", A, "send", GW, reading)
    espnow(air, "--mac", A, "send", GW, "x")  # too short for its decoder: counted, not decoded
    espnow(air, "--mac", B, "send", GW, "plain")

    decoded = json.loads(sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}/decoded")[0])
    assert decoded == {"temperature": pytest.approx(21.5), "humidity": pytest.approx(45.6), "battery": 87,
                       "door": True}
    stats_where(sub, lambda j: j["rx"] == 3 and j["decode_short"] == 1)
    assert len(sub.on(f"espnow/{GW_ID}/rx/{A_HEX}/decoded")) == 1 and sub.on(f"espnow/{GW_ID}/rx/{B_HEX}/decoded") == []
    rx = json.loads(sub.wait(f"espnow/{GW_ID}/rx/{B_HEX}/json")[0])
    assert abs(datetime.datetime.fromisoformat(rx["time"]).timestamp() - rx["ts"]) < 0.002

    states = {f"espnow/{GW_ID}/rx/{A_HEX}/json": json.loads(sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}/json")[0]),
              f"espnow/{GW_ID}/rx/{A_HEX}/decoded": decoded, f"espnow/{GW_ID}/rx/{B_HEX}/json": rx}
    later = Subscriber(broker, "homeassistant/#")  # the configs are retained: a later Home Assistant gets them
    things.append(later)
    wait_for(lambda: len(later.on_prefix("homeassistant/")) == 7 + 3, "every discovery config")
    configs = {t: json.loads(p) for _, t, p in later.on_prefix("homeassistant/")}
    assert all(retained for retained, _, _ in later.on_prefix("homeassistant/"))
    components = [check_ha_config(t, c, states) for t, c in configs.items()]
    assert sorted(components) == ["binary_sensor"] + ["sensor"] * 9
    assert len({c["unique_id"] for c in configs.values()}) == len(configs)
    by_device = {}
    for c in configs.values():
        by_device.setdefault(c["device"]["identifiers"][0], []).append(c["name"])
    assert sorted(by_device[f"espnow_{A_HEX}"]) == sorted(["RSSI", "Last seen", "Last message", "temperature",
                                                           "humidity", "battery", "door"])
    assert sorted(by_device[f"espnow_{B_HEX}"]) == ["Last message", "Last seen", "RSSI"]
    temperature = next(c for c in configs.values() if c["name"] == "temperature")
    assert (temperature["device_class"], temperature["unit_of_measurement"]) == ("temperature", "°C")


def test_bad_decoders_are_usage_errors_naming_the_line(air, tmp_path):
    for text, message in (("decoder d = t:i17\n", "'i17' is not u8"), ("decoder d = t:u8*x\n", "'x' is not a scale"),
                          ("decoder d = u8\n", "is not NAME:TYPE"), ("decode = all nothing\n", "no decoder named"),
                          ("decoder d = a:u8\ndecode = 12 d\n", "'12' is not a MAC")):
        config = tmp_path / "bad.conf"
        config.write_text(text)
        r = subprocess.run([CLI, "--air", air, "gateway", "--config", str(config)], capture_output=True, text=True,
                           timeout=30)
        assert r.returncode == 2 and f"{config}:" in r.stderr and message in r.stderr, r.stderr


def test_the_spool_keeps_the_queue_across_a_restart_and_a_crash_of_the_gateway(air, tmp_path, things):
    b = Broker(str(tmp_path))
    things.append(b)
    sub = Subscriber(b, f"espnow/{GW_ID}/rx/{A_HEX}", session="test-spool")  # kept by the broker while it is away
    things.append(sub)
    b.stop()
    spool = tmp_path / "spool"
    journal = spool / "outbox.journal"
    queued = lambda: journal.read_bytes().count(b"\nP ") + journal.read_bytes().startswith(b"P ")

    gw = Gateway(air, b.port, "--spool", str(spool))
    espnow(air, "--mac", A, "send", GW, "s{n}", "--count", "20")
    code, err = gw.stop()  # a clean stop, the broker still away
    assert code == 0 and "20 received, 0 published" in err and "20 undelivered" in err, err

    gw = Gateway(air, b.port, "--spool", str(spool))
    things.append(gw)
    assert "20 messages from the spool" in gw.proc.stderr.readline()
    espnow(air, "--mac", A, "send", GW, "t{n}", "--count", "5")
    wait_for(lambda: queued() == 25, "25 entries in the journal")
    gw.proc.kill()  # a crash: no goodbye
    gw.proc.wait(timeout=10)

    b.start()
    gw = Gateway(air, b.port, "--spool", str(spool))
    things.append(gw)
    want = [f"s{i}".encode() for i in range(20)] + [f"t{i}".encode() for i in range(5)]
    wait_for(lambda: len(set(sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}"))) == 25, "all 25 after the restarts")
    assert list(dict.fromkeys(sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}"))) == want
    wait_for(lambda: journal.stat().st_size == 0, "the journal emptied once all is confirmed")
    r = subprocess.run([CLI, "--air", air, "gateway", "--spool", str(journal)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 1 and "--spool: cannot create" in r.stderr, r.stderr


class StderrLines:
    """A process's stderr lines as they come (a thread reads them), to wait on one."""

    def __init__(self, proc):
        self.lines, self.lock = [], threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.lock:
                self.lines.append(line)

    def wait_for(self, text):
        def seen():
            with self.lock:
                return [line for line in self.lines if text in line]
        return wait_for(seen, f"{text!r} on stderr")


def usage_error(air, *args):
    r = subprocess.run([CLI, "--air", air, "gateway", *args], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r.stderr
    return r.stderr


def test_config_comments_after_values_and_every_mistake_named_by_its_line(air, broker, tmp_path, things):
    config = tmp_path / "gw.conf"
    config.write_text("# settings\nallow-tx = all        # every destination\nstats-interval = 0.2  # fast\n"
                      "ha-discovery = true\n")
    gw, sub = start_gateway(things, air, broker, "--config", str(config), sub_topics=[f"espnow/{GW_ID}/#", "homeassistant/#"])
    publish(broker, f"espnow/{GW_ID}/tx/ffffffffffff/json", json.dumps({"text": "to all", "id": 1}))
    assert sub.wait_json(f"espnow/{GW_ID}/txresult/ffffffffffff") == {"id": 1, "acked": True, "error": None}
    espnow(air, "--mac", A, "send", GW, "seen")
    wait_for(lambda: sub.on_prefix("homeassistant/"), "discovery under the default prefix, 'true' being on")
    for text, message in (("qos = 5\n", ":1: qos: '5' is not a whole number"),
                          ("prefix = a\nprefix = b\n", ":2: 'prefix' is set twice (first on line 1)"),
                          ("mqtt = ftp://x\n", ":1: mqtt: 'ftp://x' is not mqtt://"),
                          ("allow-rx = zz\n", ":1: allow-rx: 'zz' is not a MAC"),
                          ("pmk = xyz\n", ":1: pmk: expected 32 hex digits"),
                          ("lmk = 24:6f:28:aa:bb:cc 0011\n", ":1: lmk: the key is not 32 hex digits"),
                          ("lmk = ff:ff:ff:ff:ff:ff 00112233445566778899aabbccddeeff\n", ":1: lmk: 'ff:ff:ff:ff:ff:ff' is not a unicast"),
                          ("queue-age = soon\n", ":1: queue-age: 'soon' is not a number of seconds")):
        config.write_text(text)
        err = usage_error(air, "--config", str(config))
        assert f"{config}{message}" in err, err


def test_the_bare_ha_discovery_option_takes_no_value_from_the_next_option(air, broker, things):
    gw, sub = start_gateway(things, air, broker, "--ha-discovery", "--allow-tx", "all",
                            sub_topics=[f"espnow/{GW_ID}/txresult/#", "homeassistant/#"])
    espnow(air, "--mac", A, "send", GW, "seen")
    wait_for(lambda: sub.on_prefix("homeassistant/"), "discovery under the default prefix")
    publish(broker, f"espnow/{GW_ID}/tx/ffffffffffff", "to all")
    assert sub.wait_json(f"espnow/{GW_ID}/txresult/ffffffffffff")["acked"] is True  # --allow-tx all was read


def test_broker_urls_ipv6_in_brackets_and_no_credentials_in_them(air, tmp_path, things):
    err = usage_error(air, "--mqtt", "mqtt://user:hunter2@127.0.0.1:1883")
    assert "--mqtt-username and --mqtt-password-file" in err and "hunter2" not in err, err
    assert "has a path" in usage_error(air, "--mqtt", "mqtt://host/path")
    assert "goes in brackets" in usage_error(air, "--mqtt", "mqtt://::1:1883")
    assert "port: '' is not a whole number" in usage_error(air, "--mqtt", "mqtt://host:")
    empty = tmp_path / "empty"
    empty.write_text("")
    assert "is empty" in usage_error(air, "--mqtt-username", "u", "--mqtt-password-file", str(empty))
    b = Broker(str(tmp_path))
    things.append(b)
    with open(b.conf, "a") as f:  # a second listener, on IPv6's loopback
        f.write(f"listener {b.port} ::1\n")
    b.stop()
    b.start()
    sub = Subscriber(b, f"espnow/{GW_ID}/status")
    things.append(sub)
    gw = Gateway(air, None, url=f"mqtt://[::1]:{b.port}")
    things.append(gw)
    wait_for(lambda: sub.payloads(f"espnow/{GW_ID}/status")[-1:] == [b"online"], "online over IPv6")


def test_a_retained_command_is_refused_not_sent_at_every_start(air, broker, things):
    publish(broker, f"espnow/{GW_ID}/tx/{B_HEX}/json", json.dumps({"text": "open the door", "id": "old"}), retain=True)
    listener = subprocess.Popen([CLI, "--air", air, "--mac", B, "--json", "listen"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    assert "as " in listener.stderr.readline()
    try:
        gw, sub = start_gateway(things, air, broker, "--allow-tx", "all", "--stats-interval", "0.2",
                                sub_topics=[f"espnow/{GW_ID}/txresult/#", f"espnow/{GW_ID}/stats"])
        refused = sub.wait_json(f"espnow/{GW_ID}/txresult/{B_HEX}", lambda j: j["id"] == "old")
        assert (refused["acked"], refused["error"]) == (None, "retained") and "retain" in refused["detail"]
        # Refusals are answered on the canonical topic however the command spelled its destination.
        publish(broker, f"espnow/{GW_ID}/tx/02:00:00:00:00:0B/json", json.dumps({"text": "live", "id": "new"}))
        assert sub.wait_json(f"espnow/{GW_ID}/txresult/{B_HEX}", lambda j: j["id"] == "new")["acked"] is True
        stats_where(sub, lambda j: j["tx_refused"] == 1 and j["tx_sent"] == 1)
    finally:
        listener.send_signal(signal.SIGINT)
        out, _ = listener.communicate(timeout=10)
    assert [json.loads(line)["msg"] for line in out.splitlines()] == ["live"]


def test_refusals_are_reported_on_the_destinations_one_topic(air, broker, things):
    gw, sub = start_gateway(things, air, broker, "--allow-tx", A, sub_topics=[f"espnow/{GW_ID}/txresult/#"])
    publish(broker, f"espnow/{GW_ID}/tx/02:00:00:00:00:0C/json", json.dumps({"text": "no", "id": 1}))
    publish(broker, f"espnow/{GW_ID}/tx/02000000000C", "no")
    wait_for(lambda: len(sub.on_prefix(f"espnow/{GW_ID}/txresult/")) == 2, "both refusals")
    assert {t for _, t, _ in sub.on_prefix(f"espnow/{GW_ID}/txresult/")} == {f"espnow/{GW_ID}/txresult/02000000000c"}


def test_a_tls_file_that_does_not_load_ends_the_gateway_naming_it(air, broker, tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    for cafile, message in ((garbage, "Unable to load CA certificates"), (tmp_path / "missing.pem", "cannot read")):
        r = subprocess.run([CLI, "--air", air, "gateway", "--mqtt", f"mqtts://127.0.0.1:{broker.port}",
                            "--mqtt-cafile", str(cafile)], capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and message in r.stderr and str(cafile) in r.stderr, r.stderr


def test_failures_are_said_once_and_a_client_id_clash_is_explained(air, tmp_path, things):
    broker = Broker(str(tmp_path), users={"gw": "right"})
    things.append(broker)
    gw = Gateway(air, broker.port, "--mqtt-username", "gw", env={"ESPNOW_MQTT_PASSWORD": "wrong"})
    things.append(gw)
    err = StderrLines(gw.proc)
    err.wait_for("refused the connection")
    second = Gateway(air, broker.port, "--mqtt-username", "gw", "--id", "clash", env={"ESPNOW_MQTT_PASSWORD": "right"},
                     mac=A)
    things.append(second)
    second_err = StderrLines(second.proc)
    second_err.wait_for("connected to the broker")
    third = Gateway(air, broker.port, "--mqtt-username", "gw", "--id", "clash", env={"ESPNOW_MQTT_PASSWORD": "right"},
                    mac=B)
    things.append(third)
    third_err = StderrLines(third.proc)
    wait_for(lambda: any("client id 'espnow-gw-clash'" in line for line in second_err.lines + third_err.lines),
             "the clash explained")
    code, _ = gw.stop()  # its retries went on all along, the refusal said once
    gw.proc.stderr.close()
    assert code == 0
    err.thread.join(timeout=10)
    assert sum("refused the connection" in line for line in err.lines) == 1, err.lines


def test_a_sender_first_heard_while_the_broker_was_away_gets_its_peers_topic(air, tmp_path, things):
    b = Broker(str(tmp_path))
    things.append(b)
    b.stop()
    gw = Gateway(air, b.port, "--stats-interval", "0", "--queue-age", "0")
    things.append(gw)
    espnow(air, "--mac", A, "send", GW, "while away")
    b.start()
    sub = Subscriber(b, f"espnow/{GW_ID}/#")  # retained: a later subscriber sees it
    things.append(sub)
    peer = sub.wait_json(f"espnow/{GW_ID}/peers/{A_HEX}")
    assert peer["count"] == 1 and peer["mac"] == A_HEX
    espnow(air, "--mac", A, "send", GW, "after")  # --queue-age 0: no age limit, nothing dropped
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}", 2) == [b"while away", b"after"]


def write_journal(path, records):
    """The spool's journal, written from its format (tools/gateway/spool.hpp)."""
    with open(path, "wb") as f:
        for serial, topic, payload in records:
            f.write(f"P {serial} {time.time():.6f} 1 1\n1 0 {len(topic)} {len(payload)}\n".encode())
            f.write(topic.encode() + payload + b"\n")


def test_a_spool_is_one_gateways_and_a_damaged_record_is_skipped_and_kept(air, tmp_path, things):
    b = Broker(str(tmp_path))
    things.append(b)
    spool = tmp_path / "spool"
    spool.mkdir()
    topic = f"espnow/{GW_ID}/rx/{A_HEX}"
    write_journal(spool / "outbox.journal", [(1, topic, b"one"), (2, topic, b"two"), (3, topic, b"three")])
    damaged = (spool / "outbox.journal").read_bytes().replace(b"P 2 ", b"X 2 ")
    (spool / "outbox.journal").write_bytes(damaged)
    sub = Subscriber(b, topic)
    things.append(sub)
    gw = Gateway(air, b.port, "--spool", str(spool))
    things.append(gw)
    first_record = len(damaged.split(b"X 2 ")[0])
    said = f"1 damaged part(s) did not read and are skipped (the first at byte {first_record})"
    assert len(gw.before_banner) == 1 and said in gw.before_banner[0], gw.before_banner
    assert sub.wait(topic, 2) == [b"one", b"three"]
    assert (spool / "outbox.journal.damaged").read_bytes() == damaged
    r = subprocess.run([CLI, "--air", air, "--mac", A, "gateway", "--mqtt", f"mqtt://127.0.0.1:{b.port}",
                        "--spool", str(spool)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "is in use by another gateway" in r.stderr, r.stderr
    assert "Ctrl-C to stop" not in r.stderr  # refused before it says it started


# The espressif/esp-now component's frame (SPEC §7), written here from the
# spec, apart from the gateway's code: 20 bytes then the payload.
def component_frame(kind, magic, dst, src, payload=b"", ack=False, broadcast=False, retransmit=0, ttl=0, rssi=0,
                    channel=0, version=2):
    head = struct.pack("<HBBBb", magic, channel & 0x0F,
                       broadcast << 3 | ack << 5 | (retransmit & 3) << 6, (retransmit >> 2 & 7) | (ttl & 31) << 3, rssi)
    return bytes([kind | version << 4, len(payload) & 0xFF]) + head + bytes.fromhex(dst) + bytes.fromhex(src) + payload


def parse_component_frame(m):
    magic, b2, b3, b4, rssi = struct.unpack("<HBBBb", m[2:8])
    return {"type": m[0] & 15, "version": m[0] >> 4 & 3, "size": m[1], "magic": magic, "channel": b2 & 15,
            "broadcast": bool(b3 & 8), "group": bool(b3 & 16), "ack": bool(b3 & 32),
            "retransmit": b3 >> 6 | (b4 & 7) << 2, "ttl": b4 >> 3, "rssi": rssi, "dst": m[8:14].hex(),
            "src": m[14:20].hex(), "payload": m[20:]}


def test_the_esp_now_components_protocol_decoded_acknowledged_deduplicated_and_spoken(air, broker, things):
    gw, sub = start_gateway(things, air, broker, "--protocol", f"esp-now-component={A}", "--allow-tx", "all",
                            "--stats-interval", "0.2", sub_topics=["espnow/#"])
    # The component device: a second gateway as A, so the test can put any bytes on the air through MQTT.
    device = Gateway(air, broker.port, "--allow-tx", "all", mac=A)
    things.append(device)
    wait_for(lambda: sub.payloads(f"espnow/{A_HEX}/status")[-1:] == [b"online"], "the device online")

    data = component_frame(10, 0xBEEF, GW_ID, A_HEX, b"21.5C", ack=True, retransmit=1, ttl=31, rssi=-80)
    publish(broker, f"espnow/{A_HEX}/tx/{GW_ID}", data)
    assert sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}/esp-now/data") == [b"21.5C"]
    j = json.loads(sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}/json")[0])
    assert j["esp_now"] == {"type": "data", "src": A_HEX, "dst": GW_ID, "magic": 0xBEEF, "channel": 0,
                            "security": False, "broadcast": False, "group": False, "ack": True,
                            "retransmit_count": 1, "forward_ttl": 31, "forward_rssi": -80,
                            "filter_adjacent_channel": False, "filter_weak_signal": False,
                            "data_b64": base64.b64encode(b"21.5C").decode(), "text": "21.5C"}
    # The gateway's ACK, as the device's radio heard it: type ACK, the frame's head, broadcast, sent once.
    ack = parse_component_frame(sub.wait(f"espnow/{A_HEX}/rx/{GW_ID}")[0])
    assert ack == {"type": 0, "version": 2, "size": 0, "magic": 0xBEEF, "channel": 0, "broadcast": True,
                   "group": False, "ack": True, "retransmit": 1, "ttl": 31, "rssi": -80, "dst": A_HEX, "src": GW_ID,
                   "payload": b""}

    # A retransmission (same type and magic) is acknowledged again but not published again.
    publish(broker, f"espnow/{A_HEX}/tx/{GW_ID}", data)
    wait_for(lambda: len(sub.on(f"espnow/{A_HEX}/rx/{GW_ID}")) == 2, "the second ACK")
    # A forwarded broadcast, and frames that are not the component's (published raw, counted).
    forward = component_frame(1, 0x0102, "ffffffffffff", "02000000000c", b"hop", broadcast=True, ttl=3, rssi=-90)
    publish(broker, f"espnow/{A_HEX}/tx/{GW_ID}", forward)
    publish(broker, f"espnow/{A_HEX}/tx/{GW_ID}", component_frame(10, 7, GW_ID, A_HEX, b"v3", version=3))
    publish(broker, f"espnow/{A_HEX}/tx/{GW_ID}", b"\x2a" + b"\x09" + b"\x00" * 18 + b"short")
    s = stats_where(sub, lambda j: j["rx"] == 5)
    assert (s["component_duplicates"], s["component_acks"], s["component_malformed"]) == (1, 2, 2)
    assert sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}/esp-now/data") == [b"21.5C"]
    fj = json.loads(sub.wait(f"espnow/{GW_ID}/rx/{A_HEX}/esp-now/forward") and
                    sub.payloads(f"espnow/{GW_ID}/rx/{A_HEX}/json")[1])["esp_now"]
    assert (fj["type"], fj["src"], fj["dst"], fj["forward_ttl"], fj["broadcast"]) == \
        ("forward", "02000000000c", "ffffffffffff", 3, True)
    assert len(sub.on(f"espnow/{A_HEX}/rx/{GW_ID}")) == 2  # no ACK for a frame that did not ask for one

    # A command to a component device goes out in its framing.
    publish(broker, f"espnow/{GW_ID}/tx/{A_HEX}/json", json.dumps({"text": "on", "id": 5}))
    assert sub.wait_json(f"espnow/{GW_ID}/txresult/{A_HEX}")["acked"] is True
    wait_for(lambda: len(sub.on(f"espnow/{A_HEX}/rx/{GW_ID}")) == 3, "the command at the device")
    cmd = parse_component_frame(sub.payloads(f"espnow/{A_HEX}/rx/{GW_ID}")[2])
    assert (cmd["type"], cmd["version"], cmd["size"], cmd["dst"], cmd["src"], cmd["payload"], cmd["broadcast"]) == \
        (10, 2, 2, A_HEX, GW_ID, b"on", False)
    publish(broker, f"espnow/{GW_ID}/tx/{A_HEX}/json", json.dumps({"text": "x" * 231, "id": 6}))
    assert sub.wait_json(f"espnow/{GW_ID}/txresult/{A_HEX}", lambda j: j["id"] == 6)["error"] == "too_long"
    r = subprocess.run([CLI, "--air", air, "gateway", "--protocol", "zigbee"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--protocol: 'zigbee'" in r.stderr


def test_commands_faster_than_the_air_wait_for_room_in_order_instead_of_failing(air, broker, things):
    n = 1000
    listener = subprocess.Popen([CLI, "--air", air, "--mac", B, "--json", "listen"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    assert "as " in listener.stderr.readline()
    try:
        gw, sub = start_gateway(things, air, broker, "--allow-tx", B, "--stats-interval", "0.2",
                                sub_topics=[f"espnow/{GW_ID}/stats"])
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1", "-t",
                        f"espnow/{GW_ID}/tx/{B_HEX}", "-l"], input="".join(f"c{i}\n" for i in range(n)), text=True,
                       check=True, timeout=60)
        s = stats_where(sub, lambda j: j["tx_acked"] + j["tx_failed"] + j["tx_errors"] == n)
        assert (s["tx_acked"], s["tx_errors"], s["tx_held"]) == (n, 0, 0), s
    finally:
        listener.send_signal(signal.SIGINT)
        out, _ = listener.communicate(timeout=10)
    # Every command reached the device's radio (acknowledged, above); the listening program's own receive
    # buffer may overflow (its drops are its own), and what it printed came in the commands' order.
    events = [json.loads(line) for line in out.splitlines()]
    got = [int(bytes.fromhex(e["hex"])[1:]) for e in events if e.get("event") == "message"]
    assert got[:10] == list(range(10)) and got == sorted(got) and len(set(got)) == len(got)
