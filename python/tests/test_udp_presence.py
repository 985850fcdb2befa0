"""The UDP air times like a radio between processes: a unicast to a MAC that no
process owns fails within milliseconds (the processes announce their radios),
so a sync send right after a sync=False one to an absent peer returns normally
instead of raising ETIMEDOUT (its earlier response comes well inside the
100 ms wait), as on a board."""
import os
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from test_processes import ECHO_MAC, LAUNCHER, air, env_for, launch, readline, stop  # noqa: F401 (air: a fresh UDP air)

SENDER = """
import network, espnow, time
network.WLAN(0).active(True)
e = espnow.ESPNow(); e.active(True)
absent, echo = bytes.fromhex('02000000dead'), bytes.fromhex('%s')
e.add_peer(absent); e.add_peer(echo)
deadline = time.ticks_add(time.ticks_ms(), 10000)
while True:  # once the air has settled (everyone answered our hello), absent fails fast
    t = time.ticks_ms()
    assert e.send(absent, b'x') is False
    if time.ticks_diff(time.ticks_ms(), t) < 50: break
    assert time.ticks_diff(deadline, time.ticks_ms()) > 0, 'a send to an absent MAC never failed fast'
print('fast')
e.send(absent, b'async', False)
print(e.send(echo, b'sync', True))
""" % ECHO_MAC.replace(":", "")


def test_sync_after_async_to_an_absent_peer_returns_normally(air):
    receiver = launch(air, ["-c", "import network, espnow\n"
                                  "network.WLAN(0).active(True)\n"
                                  "e = espnow.ESPNow(); e.active(True); print('ready')\n"
                                  "while True: e.recv()\n"], mac=ECHO_MAC)
    try:
        assert readline(receiver) == "ready\n"
        r = subprocess.run([LAUNCHER, "-c", SENDER], env=env_for(air), capture_output=True, text=True, timeout=60)
        assert r.stdout == "fast\nTrue\n", r.stderr
    finally:
        stop(receiver)


# ---- a bridge serves its channel from the moment it opens the air

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("ESPNOW_CLI", str(ROOT / "build" / "espnow"))
IP = shutil.which("ip") or "/usr/sbin/ip"
REAL = "02:00:00:00:00:0b"

BEHIND_THE_BRIDGE = """
import network, espnow, time
network.WLAN(0).active(True)
e = espnow.ESPNow(); e.active(True)
real, silent = bytes.fromhex('%s'), bytes.fromhex('02000000000c')
e.add_peer(real); e.add_peer(silent)
time.sleep(1.5)  # past the air's 1 s settle: from here a MAC nobody announced is absent unless a bridge serves its channel
t = time.ticks_ms()
ok = e.send(silent, b'to nobody', True)
print(ok, time.ticks_diff(time.ticks_ms(), t) >= 250)  # six 50 ms waits for a real ACK, not a 10 ms absent failure
print(e.send(real, b'to the real one', True))
""" % REAL.replace(":", "")


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists(IP) or not os.path.exists(CLI),
                    reason="the bridge's real side is a veth radio in network namespaces (root)")
def test_a_bridge_serves_its_channel_before_any_real_frame_crossed(air):
    sys.path.insert(0, str(ROOT / "tests" / "tools"))
    from veth_namespaces import veth_namespaces

    def background(ns, *args, ready):
        p = subprocess.Popen([IP, "netns", "exec", ns, CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        banner = readline_err(p)
        assert ready in banner, banner
        return p

    def readline_err(p, timeout=20):
        ready, _, _ = select.select([p.stderr], [], [], timeout)
        assert ready, "no banner within %s s" % timeout
        return p.stderr.readline()

    def interrupt(p):
        p.send_signal(signal.SIGINT)
        return p.communicate(timeout=10)

    with veth_namespaces("bs") as net:
        real = background(net["ns_b"], "--radio", f"linux-test:{net['vb']}", "--mac", REAL, "--json", "listen",
                          ready="(Ctrl-C to stop)")
        try:
            bridge = background(net["ns_a"], "--radio", f"linux-test:{net['va']}", "--air", air, "bridge",
                                ready="bridging")
            try:
                # Nothing has crossed the bridge yet: it announced its channel on opening the air.
                r = subprocess.run([IP, "netns", "exec", net["ns_a"], LAUNCHER, "-c", BEHIND_THE_BRIDGE],
                                   env=env_for(air), capture_output=True, text=True, timeout=60)
            finally:
                _, bridge_err = interrupt(bridge)
        finally:
            real_out, _ = interrupt(real)
    assert r.stdout == "False True\nTrue\n", r.stdout + r.stderr + bridge_err
    assert "to the real one" in real_out
