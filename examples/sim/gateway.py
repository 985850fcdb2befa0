# A gateway as a board would run it (MicroPython): counts the readings each
# sensor sends it and prints a tally every ten seconds. In
# examples/sim/sensors_to_script.json it is one node of an `espnow sim` scenario.
import network
import espnow
import time

network.WLAN(network.STA_IF).active(True)
e = espnow.ESPNow()
e.active(True)
tally = {}
next_report = time.ticks_add(time.ticks_ms(), 10000)
while True:
    mac, msg = e.recv(max(0, time.ticks_diff(next_report, time.ticks_ms())))
    if mac is not None:
        tally[mac] = tally.get(mac, 0) + 1
    if time.ticks_diff(next_report, time.ticks_ms()) <= 0:
        print(", ".join("%s: %d" % (m.hex(":"), n) for m, n in sorted(tally.items())))
        next_report = time.ticks_add(next_report, 10000)
