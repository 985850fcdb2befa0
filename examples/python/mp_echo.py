# An ESP-NOW echo server in MicroPython style. It runs as it is on an ESP32
# with MicroPython, and on a PC with build/espnow-python (then it is a device
# on the simulated air). It echoes every message to its sender until it gets
# b'quit' or has been idle for a minute.
import network
import espnow
import time
import ubinascii
from micropython import const

IDLE_MS = const(60000)

sta = network.WLAN(network.STA_IF)
sta.active(True)
sta.disconnect()

e = espnow.ESPNow()
e.active(True)
print("echo server", ubinascii.hexlify(sta.config("mac"), ":").decode())

count = 0
last = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), last) < IDLE_MS:
    mac, msg = e.recv(1000)
    if mac is None:
        continue
    last = time.ticks_ms()
    if msg == b"quit":
        break
    try:
        e.send(mac, msg)
    except OSError as err:
        if len(err.args) > 1 and err.args[1] == "ESP_ERR_ESPNOW_NOT_FOUND":
            e.add_peer(mac)
            e.send(mac, msg)
    count += 1
print("echoed", count)
