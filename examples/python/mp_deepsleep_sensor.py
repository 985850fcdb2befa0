# A battery sensor that wakes, sends one reading and goes back to deep
# sleep, as ESP-NOW sensors do; the device whose MAC ends in 01 is the
# gateway that prints what arrives. MicroPython style: on an ESP32 the
# script is main.py and runs again after every deep sleep; on a PC, one
# gateway and four sensors for a simulated minute:
#   build/espnow-python --sim 5 --sim-seconds 60 examples/python/mp_deepsleep_sensor.py
import espnow
import machine
import network
import random

GATEWAY = b"\x02\x00\x00\x00\x00\x01"
SLEEP_MS = 10_000

sta = network.WLAN(network.STA_IF)
sta.active(True)
e = espnow.ESPNow()
e.active(True)

if sta.config("mac") == GATEWAY:
    while True:
        mac, msg = e.recv()
        print("%s: %s" % (":".join("%02x" % b for b in mac), msg.decode()))
else:
    rtc = machine.RTC()  # its memory outlives the deep sleep, the rest of RAM does not
    boots = int.from_bytes(rtc.memory() or b"\x00", "little") + 1
    rtc.memory(boots.to_bytes(2, "little"))
    woke = "timer" if machine.wake_reason() == machine.TIMER_WAKE else "power-on"
    e.add_peer(GATEWAY)
    reading = 20 + random.getrandbits(5) / 10
    ok = e.send(GATEWAY, "boot %d (%s): %.1f C" % (boots, woke, reading))
    if not ok:
        print("the gateway did not acknowledge boot", boots)
    machine.deepsleep(SLEEP_MS)
