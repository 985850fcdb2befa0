# An ESP-NOW to MQTT gateway as it runs on a board (MicroPython, umqtt.simple):
# it joins the home router, connects to the broker, publishes each message it
# hears on espnow/<sender MAC>/rx, and sends what the broker delivers on
# espnow/<peer MAC>/tx to that peer. "online"/"offline" (its last will) are
# kept on espnow/gateway/status. On a PC, with a broker on this host and the
# sensors on the same UDP air, on the router's channel 6:
#   build/espnow-python --router home:correcthorse@6 examples/python/mp_mqtt_gateway.py
#   mosquitto_sub -t 'espnow/#' -v
import espnow
import network
import time
import ubinascii
from umqtt.simple import MQTTClient

SSID, KEY = "home", "correcthorse"
BROKER, PORT = "127.0.0.1", 1883
PREFIX = b"espnow"
STATUS = PREFIX + b"/gateway/status"

sta = network.WLAN(network.STA_IF)
sta.active(True)
sta.connect(SSID, KEY)
while not sta.isconnected():
    time.sleep(0.1)
me = ubinascii.hexlify(sta.config("mac"))
print("gateway", me.decode(), "joined", SSID, "on channel", sta.config("channel"))

e = espnow.ESPNow()
e.active(True)


def to_peer(topic, msg):
    """espnow/<peer MAC>/tx: the message goes to that peer over ESP-NOW."""
    mac = ubinascii.unhexlify(topic.split(b"/")[1])
    if mac not in [p[0] for p in e.get_peers()]:
        e.add_peer(mac)
    print("to", topic.split(b"/")[1].decode(), msg, e.send(mac, msg))


mqtt = MQTTClient(b"espnow-gw-" + me, BROKER, PORT, keepalive=60)
mqtt.set_last_will(STATUS, b"offline", retain=True)
mqtt.set_callback(to_peer)
mqtt.connect()
mqtt.publish(STATUS, b"online", retain=True)
mqtt.subscribe(PREFIX + b"/+/tx")
pinged = time.ticks_ms()
while True:
    host, msg = e.recv(100)
    if msg:
        mqtt.publish(PREFIX + b"/" + ubinascii.hexlify(host) + b"/rx", msg)
    mqtt.check_msg()
    if time.ticks_diff(time.ticks_ms(), pinged) > 30_000:  # umqtt does not keep the connection alive itself
        mqtt.ping()
        pinged = time.ticks_ms()
