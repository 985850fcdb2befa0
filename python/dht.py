"""MicroPython's dht driver: DHT11 and DHT22 (AM2302) humidity and temperature
sensors on a pin. measure() reads the sensor's 5 bytes (esp.dht_readinto)
and checks them; humidity() and temperature() decode them as the driver
does. A pin with no sensor on it times out, as on a board (OSError 110,
ETIMEDOUT); espnow-python's --dht puts one there."""
import esp


class DHTBase:
    def __init__(self, pin):
        self.pin = pin
        self.buf = bytearray(5)

    def measure(self):
        buf = self.buf
        esp.dht_readinto(self.pin, buf)
        if (buf[0] + buf[1] + buf[2] + buf[3]) & 0xFF != buf[4]:
            raise Exception("checksum error")


class DHT11(DHTBase):
    def humidity(self):
        return self.buf[0]

    def temperature(self):
        return self.buf[2]


class DHT22(DHTBase):
    def humidity(self):
        return (self.buf[0] << 8 | self.buf[1]) * 0.1

    def temperature(self):
        t = ((self.buf[2] & 0x7F) << 8 | self.buf[3]) * 0.1
        return -t if self.buf[2] & 0x80 else t
