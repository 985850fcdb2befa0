# A gateway joins the home router (whose channel the router chose) and
# sensors find that channel by scanning for the router's SSID, then send it
# readings over ESP-NOW: the usual way ESP-NOW and Wi-Fi share one radio.
# Device 1 is the gateway, the others sensors. On a PC, with a router on
# channel 6:
#   build/espnow-python --sim 3 --sim-seconds 6 --router home:correcthorse@6 \
#       examples/python/mp_router_gateway.py
import espnow
import network
import time

SSID, KEY = "home", "correcthorse"
BROADCAST = b"\xff" * 6

sta = network.WLAN(network.STA_IF)
sta.active(True)
gateway = sta.config("mac")[-1] == 1

if gateway:
    sta.connect(SSID, KEY)
    while not sta.isconnected():
        time.sleep(0.1)
    print("gateway: joined", SSID, "on channel", sta.config("channel"), "as", sta.ifconfig()[0])
else:
    channels = [net[2] for net in sta.scan() if net[0] == SSID.encode()]
    sta.config(channel=channels[0])  # where the gateway will be
    print("sensor: router found on channel", channels[0])

e = espnow.ESPNow()
e.active(True)
e.add_peer(BROADCAST)
if gateway:
    while True:
        host, msg = e.recv()
        print("gateway: %s from %02x" % (msg.decode(), host[-1]))
else:
    time.sleep(1)  # until the gateway has joined
    for i in range(2):
        e.send(BROADCAST, "reading %d" % i)
        time.sleep(1)
