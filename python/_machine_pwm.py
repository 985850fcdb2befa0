"""machine.PWM as the ESP32 port's, with no hardware behind it: what the
script sets (frequency, duty in any of its three units) is kept and read
back as the port reads it, and bad values are the port's ValueErrors.
Nothing drives the pad: an LED's brightness or a servo's angle is the
script's own business (machine.Pin reads back what it was last set to)."""

_MAX_FREQ = 40_000_000
_MAX_U10, _MAX_U16 = 1023, 65535


class PWM:
    """PWM(dest, *, freq=5000, duty=512 | duty_u16= | duty_ns=, invert=False):
    dest a Pin or a pad number; the port's defaults are 5 kHz and 50%."""

    def __init__(self, dest, *, freq=None, duty=None, duty_u16=None, duty_ns=None, invert=False):
        import machine
        self._pin = dest if isinstance(dest, machine.Pin) else machine.Pin(dest)
        self._freq = 5000
        self._duty = ("u10", 512)  # the unit the script last set it in, and the value
        self._invert = bool(invert)
        self.init(freq=freq, duty=duty, duty_u16=duty_u16, duty_ns=duty_ns)

    def init(self, *, freq=None, duty=None, duty_u16=None, duty_ns=None, invert=None):
        """All the settings given, or (a bad one) none of them."""
        trial = PWM.__new__(PWM)
        trial.__dict__.update(self.__dict__)
        if freq is not None:
            trial.freq(freq)
        for setter, value in ((trial.duty, duty), (trial.duty_u16, duty_u16), (trial.duty_ns, duty_ns)):
            if value is not None:
                setter(value)
        if invert is not None:
            trial._invert = bool(invert)
        self.__dict__.update(trial.__dict__)

    def deinit(self):
        """Stops the output; the settings stay, as a fresh init() would find them."""

    def freq(self, value=None):
        if value is None:
            return self._freq
        if not 1 <= value <= _MAX_FREQ:
            raise ValueError("frequency must be from 1Hz to 40MHz")
        self._freq = int(value)
        return None

    def duty(self, value=None):
        """The duty cycle in 0..1023 (1023: always on)."""
        if value is None:
            unit, v = self._duty
            if unit == "u10":
                return v
            u16 = self.duty_u16()
            return _MAX_U10 if u16 == _MAX_U16 else u16 >> 6
        self._set_duty("u10", value, _MAX_U10, "duty must be from 0 to %d" % _MAX_U10)
        return None

    def duty_u16(self, value=None):
        """The duty cycle in 0..65535 (65535: always on)."""
        if value is None:
            unit, v = self._duty
            if unit == "u16":
                return v
            if unit == "u10":
                return _MAX_U16 if v == _MAX_U10 else v << 6
            return min(_MAX_U16, round(v * self._freq * _MAX_U16 / 1e9))
        self._set_duty("u16", value, _MAX_U16, "duty_u16 must be from 0 to %d" % _MAX_U16)
        return None

    def duty_ns(self, value=None):
        """The pulse's width in nanoseconds, at most the period."""
        if value is None:
            unit, v = self._duty
            return v if unit == "ns" else round(self.duty_u16() * 1e9 / (self._freq * _MAX_U16))
        self._set_duty("ns", value, None, "duty_ns must be from 0")
        return None

    def _set_duty(self, unit, value, most, error):
        """The duty in `unit`, 0..most (None: no upper bound), else ValueError(error)."""
        if value < 0 or (most is not None and value > most):
            raise ValueError(error)
        self._duty = (unit, int(value))

    def __repr__(self):
        return "PWM(Pin(%d), freq=%d, duty_u16=%d)" % (self._pin._id, self._freq, self.duty_u16())
