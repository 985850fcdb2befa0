"""umqtt.robust: umqtt.simple's MQTTClient that connects again, and retries,
when the connection breaks (an OSError), as micropython-lib's does: it waits
DELAY seconds between attempts and says why on standard output when DEBUG."""
import time

from umqtt import simple


class MQTTClient(simple.MQTTClient):
    DELAY = 2
    DEBUG = False

    def delay(self, i):
        time.sleep(self.DELAY)

    def log(self, in_reconnect, e):
        if self.DEBUG:
            print("mqtt reconnect: %r" % e if in_reconnect else "mqtt: %r" % e)

    def reconnect(self):
        i = 0
        while True:
            try:
                return super().connect(False)
            except OSError as e:
                self.log(True, e)
                i += 1
                self.delay(i)

    def _retried(self, call):
        while True:
            try:
                return call()
            except OSError as e:
                self.log(False, e)
            self.reconnect()

    def publish(self, topic, msg, retain=False, qos=0):
        return self._retried(lambda: super(MQTTClient, self).publish(topic, msg, retain, qos))

    def wait_msg(self):
        return self._retried(lambda: super(MQTTClient, self).wait_msg())

    def check_msg(self, attempts=2):
        while attempts:
            self.sock.setblocking(False)
            try:
                return super().wait_msg()
            except OSError as e:
                self.log(False, e)
            finally:
                self.sock.setblocking(True)
            self.reconnect()
            attempts -= 1
        return None
