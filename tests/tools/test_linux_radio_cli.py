"""The espnow CLI on the Linux radio's veth test transport: two network
namespaces joined by a veth pair, each end a "radio" in test mode
(linux-test:IFACE), plus the errors users meet and the bridge to the UDP air.
Root only (network namespaces); every namespace is removed even on failure."""
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import threading

import pytest

from veth_namespaces import sh, veth_namespaces

CLI = os.environ["ESPNOW_CLI"]
A, B, V = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0e"


@pytest.fixture
def veth():
    with veth_namespaces("lr") as net:
        yield net


def cli(netns, *args, timeout=60):
    return subprocess.run(["ip", "netns", "exec", netns, CLI, *args], capture_output=True, text=True, timeout=timeout)


class Background:
    """A long-running espnow process in a namespace, ready once its banner is
    out, whose stdout is read as it comes: a test waits for the lines it
    expects (with a deadline) before Ctrl-C, which ends the process at once."""

    def __init__(self, netns, *args, ready="(Ctrl-C to stop)"):
        self.proc = subprocess.Popen(["ip", "netns", "exec", netns, CLI, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        banner = self.proc.stderr.readline()
        assert ready in banner, banner + self.proc.stderr.read()
        self.out = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.changed:
                self.out.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, text, timeout=30):
        with self.changed:
            self.changed.wait_for(lambda: any(text in x for x in self.out) or self.proc.poll() is not None, timeout)
            assert any(text in x for x in self.out), f"no {text!r} on stdout: {self.out}"

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        err = self.proc.stderr.read()
        self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        return self.proc.returncode, "".join(self.out), err


def test_ping_over_the_veth_radio_loses_nothing(veth):
    echo = Background(veth["ns_b"], "--radio", f"linux-test:{veth['vb']}", "--mac", B, "echo")
    try:
        r = cli(veth["ns_a"], "--radio", f"linux-test:{veth['va']}", "--mac", A, "ping", B, "-c", "20", "-i", "20")
    finally:
        echo.stop()
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(f"bytes from {B}: seq=") == 20
    assert "20 packets transmitted, 20 received, 0.0% packet loss" in r.stderr  # summaries: stderr


def test_unicast_and_broadcast_arrive_once_and_an_absent_mac_fails(veth):
    listener = Background(veth["ns_b"], "--radio", f"linux-test:{veth['vb']}", "--mac", B, "--json", "listen")
    try:
        uni = cli(veth["ns_a"], "--radio", f"linux-test:{veth['va']}", "--mac", A, "send", B, "to b {n}", "--count", "5")
        bc = cli(veth["ns_a"], "--radio", f"linux-test:{veth['va']}", "--mac", A, "send", "ff:ff:ff:ff:ff:ff", "to all")
        absent = cli(veth["ns_a"], "--radio", f"linux-test:{veth['va']}", "--mac", A, "send", "02:00:00:00:00:0c", "x")
        listener.wait_for('"msg": "to all"')  # a broadcast is not acknowledged: wait until it is in
    finally:
        _, out, err = listener.stop()
    assert uni.stdout.count(": True") == 5, uni.stdout + uni.stderr
    assert ": True" in bc.stdout
    assert "send 0 to 02:00:00:00:00:0c: False" in absent.stdout and absent.returncode == 1
    msgs = [line for line in out.splitlines() if '"msg"' in line]
    assert [m.split('"msg": "')[1].split('"')[0] for m in msgs] == [f"to b {n}" for n in range(5)] + ["to all"]
    # The test mode's software ACKs: one per unicast frame heard. A sender
    # starved past its 25 ms ACK wait sends a retry, which is ACKed too (and
    # delivered once), so a loaded machine sees more frames, never fewer ACKs.
    radio = re.search(r"radio: (\d+) packets, .* (\d+) delivered, (\d+) ACKs sent", err)
    assert radio, err
    heard_unicasts = int(radio.group(2)) - 1  # all but the broadcast
    assert int(radio.group(3)) == heard_unicasts >= 5, err


def test_a_veth_end_without_test_mode_is_refused_as_not_wifi_without_iw_advice(veth):
    r = cli(veth["ns_a"], "--radio", f"linux:{veth['va']}", "listen")
    assert r.returncode == 1
    assert f"{veth['va']} is not a Wi-Fi interface (link type EN10MB (1)" in r.stderr
    assert "set type monitor" not in r.stderr  # iw cannot make Ethernet a monitor interface
    assert f"linux-test:{veth['va']}" in r.stderr


def test_a_wrong_link_type_is_named_in_both_modes(veth):
    ns = veth["ns_a"]
    sh("ip", "-n", ns, "tuntap", "add", "dev", "lrtun", "mode", "tun")  # link type RAW (12)
    sh("ip", "-n", ns, "link", "set", "lrtun", "up")
    monitor = cli(ns, "--radio", "linux:lrtun", "listen")
    test_mode = cli(ns, "--radio", "linux-test:lrtun", "listen")
    assert monitor.returncode == 1 and test_mode.returncode == 1
    assert "lrtun is not a Wi-Fi interface (link type RAW (12)" in monitor.stderr
    assert "set type monitor" not in monitor.stderr
    assert "test mode carries frames over an Ethernet link" in test_mode.stderr


def test_a_missing_interface_is_named(veth):
    r = cli(veth["ns_a"], "--radio", "linux:wlan-nope", "listen")
    assert r.returncode == 1
    assert "no interface 'wlan-nope'" in r.stderr


def test_without_privileges_the_error_names_cap_net_raw():
    tmp = tempfile.mkdtemp()
    try:
        exe = os.path.join(tmp, "espnow")
        shutil.copy(CLI, exe)
        os.chmod(tmp, 0o755)
        os.chmod(exe, 0o755)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                            exe, "--radio", "linux-test:lo", "listen"], capture_output=True, text=True, timeout=30)
    finally:
        shutil.rmtree(tmp)
    assert r.returncode == 1, r.stderr
    assert "permission denied" in r.stderr
    assert "CAP_NET_RAW" in r.stderr and "sudo" in r.stderr


def test_the_bridge_joins_a_virtual_device_and_a_veth_radio_without_duplicates(veth):
    air = f"udp://239.255.{random.randint(1, 254)}.{random.randint(1, 254)}:{random.randint(20000, 60000)}"
    ns_a, ns_b = veth["ns_a"], veth["ns_b"]
    bridge = Background(ns_a, "--radio", f"linux-test:{veth['va']}", "--air", air, "bridge", ready="bridging")
    try:
        # virtual -> real
        real = Background(ns_b, "--radio", f"linux-test:{veth['vb']}", "--mac", B, "--json", "listen")
        try:
            to_real = cli(ns_a, "--air", air, "--mac", V, "send", B, "virtual to real {n}", "--count", "3")
            real.wait_for("virtual to real 2")
        finally:
            _, real_out, _ = real.stop()
        # real -> virtual
        virtual = Background(ns_a, "--air", air, "--mac", V, "--json", "listen")
        try:
            to_virtual = cli(ns_b, "--radio", f"linux-test:{veth['vb']}", "--mac", B, "send", V, "real to virtual {n}",
                             "--count", "3")
            bcast = cli(ns_b, "--radio", f"linux-test:{veth['vb']}", "--mac", B, "send", "ff:ff:ff:ff:ff:ff", "hello all")
            virtual.wait_for("hello all")  # through the bridge, unacknowledged: wait until it is in
        finally:
            _, virtual_out, _ = virtual.stop()
    finally:
        _, _, bridge_err = bridge.stop()

    def messages(out):
        return [line.split('"msg": "')[1].split('"')[0] for line in out.splitlines() if '"msg"' in line]

    assert to_real.stdout.count(": True") == 3, to_real.stdout + to_real.stderr + bridge_err
    assert messages(real_out) == [f"virtual to real {n}" for n in range(3)]
    assert to_virtual.stdout.count(": True") == 3, to_virtual.stdout + to_virtual.stderr + bridge_err
    assert ": True" in bcast.stdout
    assert messages(virtual_out) == [f"real to virtual {n}" for n in range(3)] + ["hello all"]
    assert "bridged" in bridge_err


def test_capture_on_the_veth_radio_writes_what_it_hears(veth, tmp_path):
    pcap = str(tmp_path / "veth.pcap")
    cap = subprocess.Popen(["ip", "netns", "exec", veth["ns_b"], CLI, "--radio", f"linux-test:{veth['vb']}",
                            "capture", "-w", pcap, "--count", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "capturing on" in cap.stderr.readline()  # sniffing from here on
        sent = cli(veth["ns_a"], "--radio", f"linux-test:{veth['va']}", "--mac", A, "send", "ff:ff:ff:ff:ff:ff",
                   "captured {n}", "--count", "2")
        _, err = cap.communicate(timeout=20)
    finally:
        cap.kill()
    assert sent.stdout.count(": True") == 2, sent.stdout + sent.stderr
    assert "captured 2 frames" in err
    shown = subprocess.run([CLI, "capture", "-r", pcap], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count(f"{A} -> ff:ff:ff:ff:ff:ff  ESP-NOW v1") == 2, shown.stdout
    assert "captured 0" in shown.stdout and "captured 1" in shown.stdout
