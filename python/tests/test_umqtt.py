"""umqtt.simple and umqtt.robust against a real broker (a private mosquitto),
and the MicroPython ESP-NOW to MQTT gateway example between a sensor process
on the UDP air and mosquitto's own clients."""
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from umqtt import robust, simple

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from mosquitto_stop import stop_mosquitto  # noqa: E402
LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(ROOT / "build" / "espnow-python"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("no %s within %d s" % (what, seconds))
        time.sleep(0.02)


class Broker:
    """A private mosquitto that logs what its clients do, to wait on."""

    def __init__(self, directory, port=None):
        directory.mkdir(exist_ok=True)
        self.port = port or free_port()
        self.log = directory / "mosquitto.log"
        conf = directory / "mosquitto.conf"
        lines = ["listener %d 127.0.0.1" % self.port, "allow_anonymous true", "log_dest file %s" % self.log,
                 "log_type all"]
        if os.geteuid() == 0:
            lines.append("user root")  # else it drops to its own user, who may not write the test's folder
        conf.write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_for(lambda: "Received SUBSCRIBE" in self.logged() or self._accepts(), "mosquitto")

    def _accepts(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def logged(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def subscribed(self, client_id):
        return "Received SUBSCRIBE from %s" % client_id in self.logged()

    def stop(self):
        stop_mosquitto(self.proc)


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path)
    yield b
    b.stop()


def test_publish_subscribe_qos_will_and_refusals(broker):
    got = []
    c = simple.MQTTClient("it", "127.0.0.1", broker.port, keepalive=30)
    with pytest.raises(simple.MQTTException, match="Subscribe callback is not set"):
        c.subscribe(b"x")
    c.set_last_will("it/status", "gone", retain=True)
    assert c.connect() == 0  # no session kept
    c.set_callback(lambda topic, msg: got.append((topic, msg)))
    c.subscribe(b"it/#", qos=1)
    c.publish("it/a", b"one", qos=1)  # waits for its PUBACK; the message itself may come first
    c.publish(b"it/b", "two")
    wait_for(lambda: c.check_msg() or len(got) == 2, "both messages")
    assert got == [(b"it/a", b"one"), (b"it/b", b"two")]
    assert c.check_msg() is None  # nothing more
    c.ping()
    assert c.wait_msg() is None  # its PINGRESP
    with pytest.raises(ValueError):
        c.publish("it/c", b"x", qos=2)
    c.sock.close()  # gone without DISCONNECT: the broker publishes the will

    observer = subprocess.run(["mosquitto_sub", "-p", str(broker.port), "-t", "it/status", "-C", "1", "-W", "20"],
                              capture_output=True, text=True, timeout=30)
    assert observer.stdout == "gone\n", observer

    bad = simple.MQTTClient("", "127.0.0.1", broker.port)
    with pytest.raises(simple.MQTTException) as refused:
        bad.connect(clean_session=False)  # an empty client id needs a clean session: "identifier rejected"
    assert refused.value.args == (2,)


def test_robust_connects_again_when_the_broker_comes_back(tmp_path):
    first = Broker(tmp_path / "first")
    c = robust.MQTTClient("r", "127.0.0.1", first.port)
    c.DELAY = 0.05
    c.connect()
    first.stop()
    again = Broker(tmp_path / "again", port=first.port)
    try:
        c.set_callback(lambda topic, msg: None)
        c.publish("r/x", b"after", qos=1)  # the old connection fails; it connects again and publishes
        c.publish("r/status", b"back", retain=True)
        observer = subprocess.run(["mosquitto_sub", "-p", str(again.port), "-t", "r/status", "-C", "1", "-W", "20"],
                                  capture_output=True, text=True, timeout=30)
        assert observer.stdout == "back\n", observer
        assert "New client connected" in again.logged() and "as r " in again.logged(), again.logged()
    finally:
        again.stop()


SENSOR = """\
import espnow, network, time
sta = network.WLAN(network.STA_IF)
sta.active(True)
sta.config(channel=6)  # the router's, where the gateway is
e = espnow.ESPNow()
e.active(True)
gateway = b"\\x02\\x00\\x00\\x00\\x00\\x0a"
e.add_peer(gateway)
print("ready")
host, msg = e.recv(30000)  # the broker's command, through the gateway
print("got", msg)
for i in range(3):
    print(e.send(gateway, b"reading %d" % i))
"""


def test_the_micropython_gateway_example_bridges_espnow_and_a_broker(broker, tmp_path):
    example = (ROOT / "examples" / "python" / "mp_mqtt_gateway.py").read_text()
    gateway_script = tmp_path / "gateway.py"
    configured = example.replace('BROKER, PORT = "127.0.0.1", 1883', 'BROKER, PORT = "127.0.0.1", %d' % broker.port)
    assert configured != example
    gateway_script.write_text(configured)
    sensor_script = tmp_path / "sensor.py"
    sensor_script.write_text(textwrap.dedent(SENSOR))
    air = "udp://239.255.78.%d:%d" % (1 + os.getpid() % 200, 30000 + os.getpid() % 20000)

    def launch(script, mac, *args):
        env = dict(os.environ, ESPNOW_AIR=air, ESPNOW_MAC=mac)
        env.pop("ESPNOW_ROUTERS", None)
        return subprocess.Popen([LAUNCHER, *args, str(script)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    observer = subprocess.Popen(["mosquitto_sub", "-p", str(broker.port), "-i", "observer", "-t", "espnow/#", "-v",
                                 "-C", "5", "-W", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    gateway = launch(gateway_script, "02:00:00:00:00:0a", "--router", "home:correcthorse@6")
    sensor = launch(sensor_script, "02:00:00:00:00:0b")
    try:
        assert sensor.stdout.readline() == "ready\n"  # on the air: the gateway's send to it will find it
        wait_for(lambda: broker.subscribed("observer") and broker.subscribed("espnow-gw-02000000000a"),
                 "both subscriptions")
        subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-t", "espnow/02000000000b/tx", "-m", "led on"],
                       check=True, timeout=30)
        out, err = sensor.communicate(timeout=60)
        assert sensor.returncode == 0, err
        assert out.splitlines() == ["got b'led on'", "True", "True", "True"], (out, err)
        seen, _ = observer.communicate(timeout=60)
        assert seen.splitlines() == ["espnow/gateway/status online", "espnow/02000000000b/tx led on"] + [
            "espnow/02000000000b/rx reading %d" % i for i in range(3)], seen
    finally:
        gateway.terminate()  # the connection drops: its last will
        gateway_out, gateway_err = gateway.communicate(timeout=30)
        observer.kill()
    assert "gateway 02000000000a joined home on channel 6" in gateway_out, (gateway_out, gateway_err)
    assert "to 02000000000b b'led on' True" in gateway_out, gateway_out
    will = subprocess.run(["mosquitto_sub", "-p", str(broker.port), "-t", "espnow/gateway/status", "-C", "1",
                           "-W", "20"], capture_output=True, text=True, timeout=30)
    assert will.stdout == "offline\n", will
