"""The UDP air times like a radio between processes: a unicast to a MAC that no
process owns fails within milliseconds (the processes announce their radios),
so a sync send right after a sync=False one to an absent peer returns normally
instead of raising ETIMEDOUT (its earlier response comes well inside the
100 ms wait), as on a board."""
import subprocess

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
