"""The espnow CLI across processes on the UDP air. Each test uses its own air
(a group and port of its own), starts its own processes and stops them."""
import json
import os
import random
import re
import signal
import socket
import subprocess
import threading
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wire"))
import reference_frames as ref  # noqa: E402  (scapy and cryptography: frames built without our code)

CLI = os.environ["ESPNOW_CLI"]
TMP = os.environ.get("ESPNOW_TMP", "/tmp")
A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


@pytest.fixture
def air():
    """A fresh air for one test: its own group and port."""
    return f"udp://239.255.{random.randint(1, 254)}.{random.randint(1, 254)}:{random.randint(20000, 60000)}"


def run(air, *args, timeout=60, **kw):
    return subprocess.run([CLI, "--air", air, *args], capture_output=True, text=True, timeout=timeout, **kw)


class Device:
    """A long-running `espnow ... listen|echo` process, ready once its banner is out."""

    def __init__(self, air, *args, netns=None):
        cmd = [CLI, "--air", air, *args]
        if netns:
            cmd = ["ip", "netns", "exec", netns, *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        banner = self.proc.stderr.readline()
        assert "as " in banner, banner

    def stop(self, sig=signal.SIGINT):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, out, err


def test_ping_an_echo_server_loses_nothing_and_reports_sane_rtts(air):
    echo = Device(air, "--mac", B, "echo")
    try:
        r = run(air, "--mac", A, "ping", B, "-c", "20", "-i", "20")
    finally:
        echo.stop()
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(f"bytes from {B}: seq=") == 20
    assert "20 packets transmitted, 20 received, 0.0% packet loss" in r.stderr  # summaries: stderr
    rtt = [line for line in r.stderr.splitlines() if line.startswith("rtt min/avg/max/mdev")][0]
    mn, avg, mx, mdev = map(float, rtt.split("=")[1].split()[0].split("/"))
    assert 0 < mn <= avg <= mx < 1000 and mdev >= 0


def test_ping_says_whether_a_silent_peer_acknowledged(air):
    """A first try pings a `listen`: its radio acknowledges every probe but
    nothing echoes them. Each timeout says which it was, and the end says
    what the peer must run; a MAC nobody owns is "no ACK" and gets no hint."""
    listener = Device(air, "--mac", B, "listen")
    try:
        r = run(air, "--mac", A, "ping", B, "-c", "2", "-i", "10", "-W", "100")
        absent = run(air, "--mac", A, "ping", "02:00:00:00:00:0c", "-c", "1", "-W", "100")
    finally:
        listener.stop()
    assert r.returncode == 1, r.stderr
    assert r.stdout.splitlines() == [f"Request timeout for seq={n} (acknowledged, no echo)" for n in range(2)]
    assert f"--- {B} acknowledged every probe and echoed none: is it running `espnow echo`?" in r.stderr
    assert absent.returncode == 1 and absent.stdout.strip() == "Request timeout for seq=0 (no ACK)"
    assert "espnow echo" not in absent.stderr


def test_send_count_100_arrive_in_order_with_their_lengths(air):
    listener = WatchedDevice(air, "--mac", B, "--json", "listen")
    try:
        r = run(air, "--mac", A, "send", B, "message {n}", "--count", "100")
        assert r.returncode == 0, r.stderr
        assert r.stdout.count(": True") == 100
        listener.wait_for("out", '"message 99"')  # ACKed is not yet printed: Ctrl-C ends it at once
    finally:
        code, out, err = listener.stop()
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["msg"] for row in rows] == [f"message {n}" for n in range(100)]
    assert all(row["len"] == len(row["msg"]) and row["mac"] == A for row in rows)
    assert "100 messages received" in err


def test_sending_to_a_mac_nobody_owns_fails_after_retries(air):
    r = run(air, "--mac", A, "send", "02:00:00:00:00:99", "x", "--count", "3")
    assert r.returncode == 1, r.stderr  # undelivered: a script's `send ... || ...` must see it
    assert r.stdout.count(": False") == 3
    assert "3 messages sent, 0 acknowledged, 3 failed" in r.stderr


def test_no_sync_sends_count_their_late_results_in_the_summary_and_exit_status(air):
    lost = run(air, "--mac", A, "send", "02:00:00:00:00:99", "x", "--count", "3", "--no-sync")
    assert lost.returncode == 1, lost.stderr
    assert "3 messages sent, 0 acknowledged, 3 failed" in lost.stderr
    listener = Device(air, "--mac", B, "listen")
    try:
        heard = run(air, "--mac", A, "send", B, "y", "--count", "3", "--no-sync")
    finally:
        listener.stop()
    assert heard.returncode == 0, heard.stderr
    assert "3 messages sent, 3 acknowledged, 0 failed" in heard.stderr


def test_a_broadcast_nobody_hears_is_no_failure(air):
    r = run(air, "--mac", A, "send", "ff:ff:ff:ff:ff:ff", "anyone?")
    assert r.returncode == 0, r.stderr
    assert "1 message sent (broadcast: nothing acknowledges them)" in r.stderr


def test_killing_the_receiver_turns_results_false_and_the_sender_keeps_going(air):
    listener = Device(air, "--mac", B, "listen")
    sender = subprocess.Popen([CLI, "--air", air, "--mac", A, "send", B, "tick {n}", "--count", "40", "--interval", "25"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while len(lines) < 10:
        lines.append(sender.stdout.readline())
    listener.proc.send_signal(signal.SIGKILL)
    listener.proc.wait(timeout=10)
    out, err = sender.communicate(timeout=60)
    results = [line.rsplit(": ", 1)[1].strip() for line in (lines + out.splitlines()) if line.startswith("send ")]
    assert sender.returncode == 1, err  # some were not delivered
    assert len(results) == 40
    assert results[:10] == ["True"] * 10
    assert results[-5:] == ["False"] * 5


def test_a_device_on_channel_3_never_hears_channel_8(air):
    listener = WatchedDevice(air, "--mac", B, "--channel", "3", "--json", "listen")
    try:
        r8 = run(air, "--mac", A, "--channel", "8", "send", B, "on eight", "--count", "2")
        rb = run(air, "--mac", A, "--channel", "8", "send", "ff:ff:ff:ff:ff:ff", "broadcast on eight")
        r3 = run(air, "--mac", A, "--channel", "3", "send", B, "on three")
        listener.wait_for("out", '"on three"')  # after the others: what channel 8 sent would be in by now
    finally:
        _, out, _ = listener.stop()
    assert r8.stdout.count(": False") == 2 and r8.returncode == 1  # no ACK across channels
    assert ": True" in rb.stdout             # broadcast is never a failure
    assert r3.stdout.count(": True") == 1
    assert [json.loads(line)["msg"] for line in out.splitlines()] == ["on three"]


def test_garbage_on_the_air_is_counted_and_survived(air):
    group, port = air[len("udp://"):].rsplit(":", 1)
    listener = WatchedDevice(air, "--mac", B, "--json", "listen")
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)
        rng = random.Random(5)
        warm = run(air, "--mac", A, "send", B, "before")
        assert ": True" in warm.stdout
        for i in range(300):
            n = rng.randint(0, 400)
            junk = bytes(rng.getrandbits(8) for _ in range(n))
            if i % 3 == 0:
                junk = b"ESPN" + bytes([1]) + junk[5:]  # right magic, broken rest
            if i % 7 == 0:
                junk = b"ESPN" + bytes([9]) + bytes(40)  # another air version
            s.sendto(junk, (group, int(port)))
        r = run(air, "--mac", A, "send", B, "still alive")  # read after the junk: one socket, in order
        listener.wait_for("out", '"still alive"')
    finally:
        code, out, err = listener.stop()
    assert code == 0
    assert ": True" in r.stdout
    assert [json.loads(line)["msg"] for line in out.splitlines()][-1] == "still alive"
    stats = [line for line in err.splitlines() if line.startswith("--- air:")][0]
    malformed = int(stats.split(",")[1].split()[0])
    other_version = int(stats.split(",")[2].split()[0])
    assert malformed > 100 and other_version > 10, stats


def test_capture_during_a_ping_session_reads_in_tshark_with_good_fcs_and_acks(air):
    pcap = os.path.join(TMP, f"capture_{random.randint(0, 1 << 30)}.pcap")
    echo = Device(air, "--mac", B, "echo")
    cap = subprocess.Popen([CLI, "--air", air, "capture", "-w", pcap], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert "capturing on" in cap.stderr.readline()  # sniffing from here on
        r = run(air, "--mac", A, "ping", B, "-c", "5", "-i", "20")
        # The capture writes what it has every 100 ms: wait until the ACK of the
        # last echo is in the file (a file cut mid-write reads as an error: again).
        deadline = time.monotonic() + 30
        while read_capture(pcap).stdout.count("ACK -> ") < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        cap.send_signal(signal.SIGINT)
        cap.communicate(timeout=10)
        echo.stop()
    assert r.returncode == 0
    fields = subprocess.run(["tshark", "-r", pcap, "-o", "wlan.check_checksum:TRUE", "-T", "fields", "-E",
                             "separator=|", "-e", "wlan.fc.type_subtype", "-e", "wlan.fixed.category_code",
                             "-e", "wlan.fcs.status", "-e", "wlan.ra"],
                            capture_output=True, text=True, check=True).stdout.strip().splitlines()
    rows = [f.split("|") for f in fields]
    actions = [r for r in rows if r[1] == "127"]
    acks = [r for r in rows if r[0] in ("0x001d", "29")]
    assert len(actions) >= 10  # 5 pings + 5 echoes
    assert len(acks) >= 10
    assert all(r[2] == "1" for r in rows), rows  # every FCS good
    assert {r[3] for r in acks} == {A, B}
    printed = subprocess.run([CLI, "capture", "-r", pcap], capture_output=True, text=True, check=True).stdout
    assert f"{A} -> {B}  ESP-NOW v1" in printed and f"ACK -> {A}" in printed


# ---- capture -r on captures written the way Wi-Fi drivers write them (SPEC §4 "Captures")

PMK, LMK = "not the default!", "a local master k"
KEYS = ["--pmk", PMK, "--lmk", f"{B}={LMK}"]


def ack(ra):
    return ref.with_fcs(bytes([0xD4, 0, 0, 0]) + bytes.fromhex(ra.replace(":", "")))


def retry(frame):
    f = bytearray(frame[:-4])
    f[1] |= 0x08
    return ref.with_fcs(bytes(f))


def session():
    """A short exchange from A, every frame with its FCS: plain, v2, encrypted,
    a send that is never acknowledged, and one whose MIC fails."""
    tk = ref.temporal_key(PMK.encode(), LMK.encode())
    again = ref.scapy_frame(B, A, 4, 40, 1, b"again", True)
    tampered = bytearray(ref.protect(ref.scapy_frame(B, A, 5, 50, 1, b"tampered", True), tk, 2))
    tampered[40] ^= 1  # in the ciphertext
    return [ref.scapy_frame(B, A, 1, 10, 1, b"hello b", True), ack(A),
            ref.scapy_frame(ref.BCAST, A, 2, 20, 2, b"v2 " * 333 + b"!", True),
            ref.protect(ref.scapy_frame(B, A, 3, 30, 1, b"secret", True), tk, 1), ack(A),
            again, retry(again),
            ref.with_fcs(bytes(tampered[:-4])), ack(A)]


def read_capture(path, *args):
    return subprocess.run([CLI, "capture", "-r", path, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("style", list(ref.DRIVER_STYLES))
def test_capture_read_decodes_captures_as_drivers_write_them(style, tmp_path):
    path = str(tmp_path / "driver.pcap")
    ref.write_capture(path, [ref.DRIVER_STYLES[style](f) for f in session()])
    r = read_capture(path, *KEYS)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert f"{A} -> {B}  ESP-NOW v1 seq=1 len=7 hello b" in out, out
    assert f"{A} -> {ref.BCAST}  ESP-NOW v2 seq=2 len=1000 v2 v2 " in out, out
    assert f"{A} -> {B}  ESP-NOW v1 (decrypted, pn=1) seq=3 len=6 secret" in out, out
    assert "seq=4 len=5 again" in out and "seq=4 retry len=5 again" in out, out
    assert "MIC failure pn=2" in out
    assert out.count(f"ACK -> {A}") == 3
    assert "FCS" not in out
    # Wireshark reads the same capture the same way: four plain Action frames of category 127.
    cats = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "wlan.fixed.category_code"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert cats.count("127") == 4, cats


def test_capture_read_shows_frames_with_a_bad_fcs_as_such(tmp_path):
    path = str(tmp_path / "bad.pcap")
    good = ref.scapy_frame(B, A, 1, 10, 1, b"good", True)
    damaged = ref.scapy_frame(B, A, 2, 20, 1, b"damaged", True)
    wrong_fcs = good[:-4] + bytes(4)
    ref.write_capture(path, [ref.DRIVER_STYLES["no flags field"](good), ref.bad_fcs_flagged(damaged),
                             ref.DRIVER_STYLES["fcs kept"](wrong_fcs)])
    r = read_capture(path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "len=4 good" in lines[0]
    assert "bad FCS" in lines[1] and "damaged" not in lines[1]  # flagged by the driver (0x40)
    assert "bad FCS" in lines[2]                                 # the FCS it kept does not match
    assert "3 frames: 1 ESP-NOW, 2 bad FCS" in r.stderr


def test_capture_read_ends_with_a_summary_on_stderr(tmp_path):
    path = str(tmp_path / "session.pcap")
    ref.write_capture(path, [ref.DRIVER_STYLES["no flags field"](f) for f in session()])
    keyed = read_capture(path, *KEYS)
    assert keyed.returncode == 0, keyed.stderr
    assert "--- 9 frames: 4 ESP-NOW, 2 encrypted ESP-NOW, 3 ACKs" in keyed.stderr
    assert f"--- {A}: 6 frames sent, 1 retry, 1 failed send" in keyed.stderr
    assert "--- in all: 1 retry, 1 failed send (no ACK seen), 1 MIC failure" in keyed.stderr
    assert "---" not in keyed.stdout  # stdout stays data
    no_acks = [f for f in session() if f[0] != 0xD4]
    ref.write_capture(path, [ref.DRIVER_STYLES["no flags field"](f) for f in no_acks])
    r = read_capture(path)
    assert "--- 6 frames: 4 ESP-NOW, 2 encrypted ESP-NOW" in r.stderr
    assert "failed sends unknown (no ACK frames in the capture)" in r.stderr
    assert "MIC failure" not in r.stderr  # nothing could be decrypted


def test_capture_read_honours_channel_count_and_json(tmp_path):
    path = str(tmp_path / "channels.pcap")
    frames = [(ref.scapy_frame(B, A, n, n, 1, f"msg {n}".encode(), True), 2412 if n % 2 else 2437) for n in range(6)]
    ref.write_capture(path, [ref.DRIVER_STYLES["fcs bit clear"](f, mhz) for f, mhz in frames])

    def messages(*args):
        r = read_capture(path, *args)
        assert r.returncode == 0, r.stderr
        return [line.split("  ")[-1].split(" ", 4)[-1] for line in r.stdout.splitlines()]

    assert messages("--channel", "6") == ["msg 0", "msg 2", "msg 4"]
    assert messages("--count", "2") == ["msg 0", "msg 1"]
    assert messages("--channel", "1", "--count", "2") == ["msg 1", "msg 3"]
    r = read_capture(path, "--json", "--channel", "6", "--count", "2")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(row["n"], row["channel"], row["kind"], row["src"], row["dst"], row["seq"], row["msg"]) for row in rows] == \
        [(1, 6, "esp-now", A, B, 0, "msg 0"), (3, 6, "esp-now", A, B, 2, "msg 2")]
    assert rows[0]["rssi"] == -40 and rows[0]["version"] == 1 and rows[0]["len"] == 5 and rows[0]["retry"] is False
    assert "2 frames" in r.stderr
    bad = read_capture(path, "--channel", "15")
    assert bad.returncode == 2 and "--channel: 15" in bad.stderr
    bad = read_capture(path, "--duration", "5")
    assert bad.returncode == 2 and "--duration" in bad.stderr


def test_capture_read_names_what_is_not_esp_now_and_only_espnow_leaves_it_out(tmp_path):
    """A capture of a real channel: a router's beacon, a laptop's data frame, another
    vendor's action frame (all built by scapy) among ESP-NOW frames and an ACK."""
    from scapy.layers.dot11 import Dot11, Dot11Beacon, Dot11Elt, Dot11QoS
    router, laptop = "02:a9:00:00:00:01", "3c:22:fb:00:00:07"
    beacon = ref.with_fcs(bytes(Dot11(type=0, subtype=8, addr1=ref.BCAST, addr2=router, addr3=router)
                                / Dot11Beacon(cap="ESS") / Dot11Elt(ID=0, info=b"home") / Dot11Elt(ID=3, info=b"\x06")))
    data = ref.with_fcs(bytes(Dot11(type=2, subtype=8, addr1=router, addr2=laptop, addr3=router) / Dot11QoS()
                              / b"payload"))
    other_vendor = bytearray(ref.scapy_frame(B, A, 7, 70, 1, b"not ours", True)[:-4])
    other_vendor[25] ^= 0xFF  # the action's OUI
    frames = [beacon, ref.scapy_frame(B, A, 1, 10, 1, b"hello b", True), ack(A), data,
              ref.with_fcs(bytes(other_vendor)), ref.scapy_frame(B, A, 2, 20, 1, b"again", True)]
    path = str(tmp_path / "channel.pcap")
    ref.write_capture(path, [ref.DRIVER_STYLES["no flags field"](f) for f in frames])
    r = read_capture(path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith(f"beacon from {router} 'home' ch 6, not ESP-NOW"), lines[0]
    assert lines[3].endswith(f"QoS data from {laptop}, not ESP-NOW"), lines[3]
    assert lines[4].endswith(f"action frame from {A}, not ESP-NOW (wrong action OUI (not Espressif))"), lines[4]
    assert "--- 6 frames: 2 ESP-NOW, 1 ACK, 3 other 802.11 frames" in r.stderr
    only = read_capture(path, "--only-espnow", "--count", "2")
    assert only.returncode == 0, only.stderr
    assert [line.split()[0] for line in only.stdout.splitlines()] == ["2", "3"]  # the ESP-NOW frame and its ACK
    assert "--- 3 frames: 1 ESP-NOW, 1 ACK, 1 other 802.11 frame\n" in only.stderr  # read up to the second shown
    rows = [json.loads(line) for line in read_capture(path, "--json").stdout.splitlines()]
    assert rows[0]["kind"] == "other" and rows[0]["frame"] == f"beacon from {router} 'home' ch 6"
    refused = subprocess.run([CLI, "capture", "-w", str(tmp_path / "x.pcap"), "--only-espnow"], capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "--only-espnow applies to -r only" in refused.stderr


def test_capture_read_refuses_a_link_type_it_cannot_read(tmp_path):
    path = str(tmp_path / "ethernet.pcap")
    w = ref.PcapWriter(path, linktype=1)
    w.write(bytes(60))
    w.close()
    r = read_capture(path)
    assert r.returncode == 1 and "link type 1, expected 127 (radiotap) or 105 (802.11)" in r.stderr


def test_capture_write_shows_the_live_counter_only_on_a_terminal(air, tmp_path):
    pcap = str(tmp_path / "quiet.pcap")
    piped = subprocess.run([CLI, "--air", air, "capture", "-w", pcap, "--duration", "0.3"], capture_output=True,
                           timeout=60)  # bytes: text mode would turn \r into \n
    assert piped.returncode == 0, piped.stderr
    assert b"\r" not in piped.stderr
    assert f"captured 0 frames to {pcap}\n".encode() in piped.stderr
    import pty
    leader, follower = pty.openpty()
    try:
        tty = subprocess.run([CLI, "--air", air, "capture", "-w", pcap, "--duration", "0.3"], stdout=subprocess.PIPE,
                             stderr=follower, timeout=60)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end is closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert tty.returncode == 0
    assert b"\rcaptured 0 frames" in shown


def test_capture_write_counts_in_the_singular_too(air, tmp_path):
    pcap = str(tmp_path / "one.pcap")
    cap = subprocess.Popen([CLI, "--air", air, "capture", "-w", pcap, "--count", "1"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert "capturing on" in cap.stderr.readline()
        sent = run(air, "--mac", A, "send", ref.BCAST, "just one")
        out, err = cap.communicate(timeout=20)
    finally:
        cap.kill()
    assert sent.returncode == 0, sent.stderr
    assert f"captured 1 frame to {pcap}" in err, err
    assert out == ""  # stdout stays data
    shown = read_capture(pcap)
    assert "len=8 just one" in shown.stdout
    assert "--- 1 frame: 1 ESP-NOW" in shown.stderr


def test_an_encrypted_link_between_two_terminals(air):
    key = "my local master!"
    keyed = WatchedDevice(air, "--mac", B, "--json", "--lmk", f"{A}={key}", "listen")
    try:
        r = run(air, "--mac", A, "--lmk", f"{B}={key}", "send", B, "secret {n}", "--count", "3")
        keyed.wait_for("out", '"secret 2"')
    finally:
        _, out, _ = keyed.stop()
    assert r.stdout.count(": True") == 3, r.stderr
    assert [json.loads(x)["msg"] for x in out.splitlines()] == ["secret 0", "secret 1", "secret 2"]
    keyless = WatchedDevice(air, "--mac", B, "--json", "listen")  # no key for A: hears nothing it can read
    try:
        r = run(air, "--mac", A, "--lmk", f"{B}={key}", "send", B, "secret")
        keyless.wait_for("out", '"event": "drop"')
    finally:
        _, out, _ = keyless.stop()
    assert ": True" in r.stdout  # its radio still ACKs
    assert [json.loads(x) for x in out.splitlines()] == [dict(json.loads(out.splitlines()[0]), event="drop", mac=A,
                                                              reason="unknown_sender")]
    bad = run(air, "--lmk", "xx=1", "listen")
    assert bad.returncode == 2 and "--lmk: 'xx=1' is not MAC=KEY" in bad.stderr


def test_usage_errors_exit_2_and_name_the_argument(air):
    r = run(air, "send", "zz:00:00:00:00:01", "x")
    assert r.returncode == 2 and "MAC: 'zz:00:00:00:00:01' is not a MAC address: bad hex digit" in r.stderr
    r = run(air, "--mac", "bb:bb:bb:bb:bb:bb", "listen")
    assert r.returncode == 2 and "group (multicast) address" in r.stderr
    r = run("udp://10.0.0.1:5", "listen")
    assert r.returncode == 2 and "--air: group: '10.0.0.1' is not a multicast address" in r.stderr
    r = run("udp://239.1.1.1:99999", "listen")
    assert r.returncode == 2 and "port: '99999'" in r.stderr
    r = run("http://x", "listen")
    assert r.returncode == 2 and "scheme" in r.stderr
    r = run("udp://239.1.1.1:5?foo=1", "listen")
    assert r.returncode == 2 and "query: unknown or empty parameter 'foo=1'" in r.stderr
    r = run(air, "--channel", "15", "listen")
    assert r.returncode == 2 and "--channel: 15" in r.stderr
    r = run(air, "frobnicate")
    assert r.returncode == 2
    for sub in ["listen", "send", "echo", "ping", "capture", "demo"]:
        h = run(air, sub, "--help")
        assert h.returncode == 0 and "Usage" in h.stdout, sub


def test_ctrl_c_prints_the_summary_and_exits_cleanly(air):
    listener = Device(air, "--mac", B, "listen")
    code, _, err = listener.stop(signal.SIGINT)
    assert code == 0 and "0 messages received" in err


NETNS = ["espnow-lan-a", "espnow-lan-b", "espnow-lan-c"]


@pytest.fixture
def lan():
    """Three hosts: a and b joined by a veth pair; c on a link of its own."""
    assert os.geteuid() == 0, "the LAN test builds network namespaces: run make test as root (CI does)"

    def sh(*cmd):
        subprocess.run(cmd, check=True)

    def cleanup():
        for ns in NETNS:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    cleanup()
    for ns in NETNS:
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "link", "add", "enl-a", "type", "veth", "peer", "name", "enl-b")
    sh("ip", "link", "add", "enl-c", "type", "veth", "peer", "name", "enl-x")
    for ns, dev, ip in [(NETNS[0], "enl-a", "10.88.0.1"), (NETNS[1], "enl-b", "10.88.0.2"), (NETNS[2], "enl-c", "10.89.0.3")]:
        sh("ip", "link", "set", dev, "netns", ns)
        sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev)
        sh("ip", "-n", ns, "link", "set", dev, "up")
    yield
    cleanup()
    subprocess.run(["ip", "link", "del", "enl-x"], capture_output=True)


def test_lan_mode_two_namespaces_talk_over_veth_and_a_third_hears_nothing(lan):
    url = "udp://239.255.10.20:47000?iface={}&ttl=1"
    b = WatchedDevice(url.format("enl-b"), "--mac", B, "--json", "listen", netns=NETNS[1])
    c = Device(url.format("enl-c"), "--mac", "02:00:00:00:00:0c", "--json", "listen", netns=NETNS[2])
    try:
        r = subprocess.run(["ip", "netns", "exec", NETNS[0], CLI, "--air", url.format("enl-a"), "--mac", A,
                            "send", B, "over the lan {n}", "--count", "5"], capture_output=True, text=True, timeout=60)
        rb = subprocess.run(["ip", "netns", "exec", NETNS[0], CLI, "--air", url.format("enl-a"), "--mac", A,
                             "send", "ff:ff:ff:ff:ff:ff", "to everyone"], capture_output=True, text=True, timeout=60)
        b.wait_for("out", '"to everyone"')  # unacknowledged: wait until it is in (c hears nothing, ever)
    finally:
        _, out_b, _ = b.stop()
        _, out_c, _ = c.stop()
    assert r.stdout.count(": True") == 5, r.stdout + r.stderr
    assert ": True" in rb.stdout
    assert [json.loads(x)["msg"] for x in out_b.splitlines()] == [f"over the lan {n}" for n in range(5)] + ["to everyone"]
    assert out_c.strip() == ""


# ---- issue 15: a new user's first hour (drops shown, usage errors, output for scripts, ESP-NOW v2)


class WatchedDevice:
    """A long-running `espnow ... listen|echo` whose output is read as it comes,
    so a test waits for a line (with a deadline) while the process runs."""

    def __init__(self, air, *args, env=None, netns=None):
        cmd = [CLI, "--air", air, *args]
        if netns:
            cmd = ["ip", "netns", "exec", netns, *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines = {"out": [], "err": []}
        self.changed = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(f, key), daemon=True)
                        for f, key in [(self.proc.stdout, "out"), (self.proc.stderr, "err")]]
        for t in self.readers:
            t.start()
        self.wait_for("err", "as ")  # the banner: it listens

    def _read(self, stream, key):
        for line in stream:
            with self.changed:
                self.lines[key].append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, key, text, timeout=30):
        def seen():
            return any(text in line for line in self.lines[key])
        with self.changed:
            self.changed.wait_for(lambda: seen() or self.proc.poll() is not None, timeout)
            assert seen(), f"no {text!r} on std{key}: {self.lines}"

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        for t in self.readers:
            t.join(timeout=10)
        return self.proc.returncode, "".join(self.lines["out"]), "".join(self.lines["err"])


def project_version():
    cmake = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "CMakeLists.txt")
    return re.search(r"project\(espnow VERSION (\S+)", open(cmake).read()).group(1)


def test_version_prints_the_projects_version():
    r = subprocess.run([CLI, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == f"espnow {project_version()}\n", r.stdout + r.stderr


def test_a_v2_message_at_a_v1_listener_is_reported_as_too_long_as_it_happens(air):
    listener = WatchedDevice(air, "--mac", B, "-v", "--json", "listen")
    try:
        r = run(air, "--mac", A, "--espnow-version", "2", "send", B, "x" * 1000)
        listener.wait_for("err", f"dropped a frame from {A}: too_long")  # -v: before Ctrl-C
        listener.wait_for("out", '"event": "drop"')
    finally:
        code, out, err = listener.stop()
    assert r.returncode == 0 and ": True" in r.stdout, r.stderr  # its radio ACKs before the length check
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["event"], e["mac"], e["reason"]) for e in events] == [("drop", A, "too_long")]
    assert code == 0 and "--- 0 messages received, 1 dropped" in err
    assert f"--- dropped from {A}: 1 too_long (an ESP-NOW v2 message over 250 bytes; use --espnow-version 2)" in err


def test_echo_reports_drops_per_sender_and_reason(air):
    echo = WatchedDevice(air, "--mac", B, "--lmk", f"{A}=the right key!!!", "-v", "echo")
    try:
        good = run(air, "--mac", A, "--lmk", f"{B}=the right key!!!", "send", B, "hello")
        wrong = run(air, "--mac", A, "--lmk", f"{B}=a wrong key....!", "send", B, "mic {n}", "--count", "2")
        stranger = run(air, "--mac", "02:00:00:00:00:0c", "--lmk", f"{B}=the right key!!!", "send", B, "who")
        for r in (good, wrong, stranger):
            assert r.returncode == 0, r.stderr
        echo.wait_for("err", "unknown_sender")  # the last drop is in
    finally:
        code, out, err = echo.stop()
    assert code == 0 and "--- 1 message echoed, 3 dropped" in err, err
    assert f"--- dropped from {A}: 2 mic_failure (wrong key (--lmk/--pmk) or altered in flight)" in err
    assert "--- dropped from 02:00:00:00:00:0c: 1 unknown_sender (encrypted, and no --lmk key for the sender)" in err


def test_espnow_version_2_carries_1470_bytes_and_ESPNOW_VERSION_sets_the_default(air):
    v2 = dict(os.environ, ESPNOW_VERSION="2")
    listener = WatchedDevice(air, "--mac", B, "--json", "listen", env=v2)
    try:
        r = run(air, "--mac", A, "--espnow-version", "2", "send", B, "y" * 1470)
        listener.wait_for("out", '"len": 1470')
    finally:
        _, out, err = listener.stop()
    assert r.returncode == 0 and ": True" in r.stdout, r.stderr
    assert "ESP-NOW v2" in err.splitlines()[0]
    assert json.loads(out.splitlines()[0])["msg"] == "y" * 1470
    too_long = run(air, "send", B, "y" * 1471, env=v2)
    assert too_long.returncode == 2 and "the message is 1471 bytes; ESP-NOW carries 1 to 1470 bytes" in too_long.stderr
    bad = run(air, "listen", env=dict(os.environ, ESPNOW_VERSION="3"))
    assert bad.returncode == 2 and "ESPNOW_VERSION: '3' is not an ESP-NOW version (1 or 2)" in bad.stderr


def test_usage_errors_say_what_is_wrong_and_exit_2(air):
    seven_keys = [arg for n in range(7) for arg in ("--lmk", f"02:00:00:00:01:0{n}=0123456789abcdef")]
    cases = [
        (["send", B, "x" * 251], "the message is 251 bytes; ESP-NOW carries 1 to 250 bytes (1470 with --espnow-version 2)"),
        (["send", B, ""], "the message is 0 bytes"),
        (["--espnow-version", "2", "send", B, "x" * 1471], "ESP-NOW carries 1 to 1470 bytes"),
        (["send", B, "x", "--count", "-5"], "'-5' is not a count: give 0 or more, or -1 for until Ctrl-C"),
        (["send", B, "x", "--interval", "-1"], "'-1' is not a number of milliseconds"),
        (["ping", B, "-c", "-2"], "'-2' is not a count"),
        (["ping", B, "-s", "251"], "-s: 251 is not a size from 8 to 250"),
        (["--lmk", "ff:ff:ff:ff:ff:ff=0123456789abcdef", "listen"],
         "--lmk ff:ff:ff:ff:ff:ff: a group (broadcast or multicast) address cannot be encrypted"),
        ([*seven_keys, "listen"], "--lmk: 7 keys given; at most 6 peers can be encrypted"),
        (["--radio", "foo", "listen"], "radio 'foo': expected linux:IFACE"),
        (["--espnow-version", "3", "listen"], "--espnow-version: 3"),
    ]
    for args, message in cases:
        r = run(air, *args)
        assert r.returncode == 2 and message in r.stderr, (args, r.returncode, r.stderr)


def test_summaries_go_to_stderr_in_the_singular_too_and_broadcasts_are_counted_as_sent(air):
    listener = WatchedDevice(air, "--mac", B, "listen")
    try:
        one = run(air, "--mac", A, "send", B, "only one")
        listener.wait_for("out", "only one")
        bc = run(air, "--mac", A, "send", "ff:ff:ff:ff:ff:ff", "to all {n}", "--count", "2")
        listener.wait_for("out", "to all 1")
    finally:
        code, out, err = listener.stop()
    assert one.stdout == f"send 0 to {B}: True\n"  # stdout is data only
    assert "--- 1 message sent, 1 acknowledged, 0 failed" in one.stderr
    assert bc.stdout.count(": True") == 2
    assert "--- 2 messages sent (broadcast: nothing acknowledges them)" in bc.stderr and "failed" not in bc.stderr
    assert code == 0 and "--- 3 messages received, 0 dropped" in err and "---" not in out
    echo = WatchedDevice(air, "--mac", B, "echo")
    try:
        ping = run(air, "--mac", A, "ping", B, "-c", "1")
    finally:
        _, echo_out, echo_err = echo.stop()
    assert ping.returncode == 0 and ping.stdout.startswith(f"{32} bytes from {B}: seq=0"), ping.stdout
    assert "1 packets transmitted, 1 received" in ping.stderr and "PING" in ping.stderr
    assert "--- 1 message echoed, 0 dropped" in echo_err


def test_listen_prints_utf8_text_as_text_and_says_which_encoding(air):
    listener = WatchedDevice(air, "--mac", B, "--json", "listen")
    text_listener = WatchedDevice(air, "--mac", "02:00:00:00:00:0c", "listen")
    try:
        r = run(air, "--mac", A, "send", "ff:ff:ff:ff:ff:ff", "café ✓")
        listener.wait_for("out", "caf")
        binary = subprocess.run([CLI, "--air", air, "--mac", A, "send", "ff:ff:ff:ff:ff:ff", b"\xff\xfe!"],
                                capture_output=True, timeout=60)
        listener.wait_for("out", '"encoding": "hex"')
        text_listener.wait_for("out", "hex:")
    finally:
        _, out, _ = listener.stop()
        _, text_out, _ = text_listener.stop()
    assert r.returncode == 0 and binary.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["msg"], row["encoding"], row["len"]) for row in rows] == [("café ✓", "utf-8", 9), ("fffe21", "hex", 3)]
    assert rows[0]["hex"] == "café ✓".encode().hex()
    assert text_out.splitlines()[0].endswith(" len=9 café ✓") and text_out.splitlines()[1].endswith(" len=3 hex:fffe21")


def test_send_hex_sends_bytes_and_takes_back_what_listen_printed(air):
    listener = WatchedDevice(air, "--mac", B, "--json", "listen")
    try:
        raw = run(air, "--mac", A, "send", B, "--hex", "00ff0a7d")
        listener.wait_for("out", '"00ff0a7d"')
        echoed = run(air, "--mac", A, "send", B, "--hex", "hex:00ff0a7e")  # as listen prints binary
        listener.wait_for("out", '"00ff0a7e"')
    finally:
        _, out, _ = listener.stop()
    assert raw.returncode == 0 and echoed.returncode == 0, raw.stderr + echoed.stderr
    assert [(json.loads(x)["hex"], json.loads(x)["len"]) for x in out.splitlines()] == [("00ff0a7d", 4), ("00ff0a7e", 4)]
    for bad in ("abc", "zz", "hex:", ""):
        r = run(air, "--mac", A, "send", B, "--hex", bad)
        assert r.returncode == 2 and r.stderr.startswith("espnow: MESSAGE: with --hex, an even number of hex digits"), \
            (bad, r.stderr)


def test_demo_prints_stats_with_their_field_names():
    r = subprocess.run([CLI, "demo", "--period-ms", "50", "--duration-ms", "300"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert re.search(r"stats\(\): tx_pkts=\d+ tx_responses=\d+ tx_failures=\d+ rx_packets=\d+ rx_dropped=\d+", r.stdout)

# ---- end of issue 15 tests
