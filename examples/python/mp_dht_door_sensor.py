# A battery node with a DHT22 on pin 4 and a door switch on pin 0 (to ground
# when the door opens): it wakes every 30 s, or at once when the door opens,
# sends the temperature and humidity and why it woke, and deep-sleeps again.
# The device whose MAC ends in 01 is the gateway that prints what arrives.
# On an ESP32 the script is main.py; on a PC, a gateway and two nodes for a
# simulated minute, node 2's door opened at 40 s for a second:
#   build/espnow-python --sim 3 --sim-seconds 60 --dht 2:4=21.5,45@0 --dht 3:4=19.2,61@0 \
#       --dht 2:4=22,44@35 --gpio 2:0=0@40 --gpio 2:0=z@41 examples/python/mp_dht_door_sensor.py
import dht
import esp32
import espnow
import machine
import network

GATEWAY = b"\x02\x00\x00\x00\x00\x01"
SLEEP_MS = 30_000

sta = network.WLAN(network.STA_IF)
sta.active(True)
e = espnow.ESPNow()
e.active(True)

if sta.config("mac") == GATEWAY:
    while True:
        mac, msg = e.recv()
        print("%02x: %s" % (mac[-1], msg.decode()))
else:
    door = machine.Pin(0, machine.Pin.IN, machine.Pin.PULL_UP)
    sensor = dht.DHT22(machine.Pin(4))
    why = {machine.EXT0_WAKE: "door opened", machine.TIMER_WAKE: "timer"}.get(machine.wake_reason(), "power-on")
    try:
        sensor.measure()
        reading = "%.1f C %.1f %%" % (sensor.temperature(), sensor.humidity())
    except OSError:
        reading = "no sensor"
    e.add_peer(GATEWAY)
    e.send(GATEWAY, "%s, %s" % (why, reading))
    while not door.value():
        machine.lightsleep(100)  # the door still open: wait, or its level wakes the board at once
    esp32.wake_on_ext0(door, esp32.WAKEUP_ALL_LOW)
    machine.deepsleep(SLEEP_MS)
