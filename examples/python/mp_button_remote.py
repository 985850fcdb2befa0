# A remote: the BOOT button (pin 0, to ground, pulled up) of any device
# broadcasts "press N"; every device prints what it hears. MicroPython
# style: the pin's irq handler only notes the press, the main loop sends.
# On a PC, two devices and a press of device 1's button at 1 s for 200 ms:
#   build/espnow-python --sim 2 --sim-seconds 3 --gpio 1:0=0@1 --gpio 1:0=z@1.2 \
#       examples/python/mp_button_remote.py
import espnow
import network
import time
from machine import Pin

BROADCAST = b"\xff" * 6

sta = network.WLAN(network.STA_IF)
sta.active(True)
e = espnow.ESPNow()
e.active(True)
e.add_peer(BROADCAST)

presses = []


def pressed(pin):
    presses.append(time.ticks_ms())


button = Pin(0, Pin.IN, Pin.PULL_UP)  # reads 1 until pressed
button.irq(trigger=Pin.IRQ_FALLING, handler=pressed)

sent = 0
while True:
    host, msg = e.recv(100)
    if msg:
        print("heard", msg.decode(), "from", ":".join("%02x" % b for b in host))
    while len(presses) > sent:
        sent += 1
        print("button pressed at", presses[sent - 1], "ms: sending press", sent)
        e.send(BROADCAST, b"press %d" % sent)
