# Every device broadcasts a beacon once a second for ten seconds and then
# says how many neighbours it heard. MicroPython style: it runs on an ESP32;
# on a PC, twenty copies of it as twenty devices in virtual time:
#   build/espnow-python --sim 20 examples/python/mp_beacon.py
import network
import espnow
import random
import time

BROADCAST = b"\xff" * 6

sta = network.WLAN(network.STA_IF)
sta.active(True)
e = espnow.ESPNow()
e.active(True)
e.add_peer(BROADCAST)

heard = set()
time.sleep_ms(random.getrandbits(9))  # boards do not all boot at the same instant
for beat in range(10):
    e.send(BROADCAST, b"beacon %d" % beat, False)
    deadline = time.ticks_add(time.ticks_ms(), 1000)
    while time.ticks_diff(deadline, time.ticks_ms()) > 0:
        mac, msg = e.recv(time.ticks_diff(deadline, time.ticks_ms()))
        if mac is not None and msg.startswith(b"beacon"):
            heard.add(mac)
print("heard", len(heard), "neighbours")
