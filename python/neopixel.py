"""micropython-lib's neopixel: WS2812 LEDs on a pin, as ESP32 boards' status
LEDs are driven. The pixels are kept in `buf` (GRB, or GRBW with bpp=4, as
the LEDs take them); write() sends them with machine.bitstream, which here
has no LEDs behind it."""
import machine


class NeoPixel:
    ORDER = (1, 0, 2, 3)  # the LEDs take green, red, blue (white)

    def __init__(self, pin, n, bpp=3, timing=1):
        if bpp not in (3, 4):
            raise ValueError("bpp must be 3 or 4")
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.buf = bytearray(n * bpp)
        self.pin.init(pin.OUT)
        # 800 kHz (1) or 400 kHz (0): high and low times of a 0 bit, then of a 1 bit, in ns
        self.timing = ((400, 850, 800, 450) if timing == 1 else (800, 1700, 1600, 900)) \
            if isinstance(timing, int) else timing

    def __len__(self):
        return self.n

    def __setitem__(self, i, v):
        offset = self._offset(i)
        for j in range(self.bpp):
            self.buf[offset + self.ORDER[j]] = v[j]

    def __getitem__(self, i):
        offset = self._offset(i)
        return tuple(self.buf[offset + self.ORDER[j]] for j in range(self.bpp))

    def _offset(self, i):
        if not -self.n <= i < self.n:
            raise IndexError("NeoPixel index out of range")
        return (i % self.n) * self.bpp

    def fill(self, v):
        for i in range(self.n):
            self[i] = v

    def write(self):
        machine.bitstream(self.pin, 0, self.timing, self.buf)
