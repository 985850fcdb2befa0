# Finds an echo server by broadcast, then sends it N messages and checks
# every echo. MicroPython style: runs on an ESP32, or on a PC with
# build/espnow-python next to mp_echo.py in another terminal.
import network
import espnow
import time
from micropython import const

N = const(1000)
BROADCAST = b"\xff" * 6

sta = network.WLAN(network.STA_IF)
sta.active(True)

e = espnow.ESPNow()
e.active(True)
e.add_peer(BROADCAST)

peer = None
for attempt in range(50):
    e.send(BROADCAST, b"hello")
    mac, msg = e.recv(200)
    if mac is not None and msg == b"hello":
        peer = mac
        break
if peer is None:
    print("no echo server answered")
    raise SystemExit(1)
e.add_peer(peer)

lost = 0
start = time.ticks_ms()
for i in range(N):
    m = b"msg %d" % i
    if not e.send(peer, m):
        lost += 1
        continue
    mac, reply = e.recv(1000)
    while reply == b"hello":  # a late echo of the discovery
        mac, reply = e.recv(1000)
    if reply != m:
        lost += 1
e.send(peer, b"quit")
print("sent %d, lost %d, in %d ms" % (N, lost, time.ticks_diff(time.ticks_ms(), start)))
