"""micropython-lib's ntptime, for gateways that set their clock after joining
Wi-Fi. A process's clock is the host's, already set, and a copy's under
--sim is the simulation's, so settime() changes nothing; time() gives the
NTP time in the board's epoch (seconds since 2000-01-01)."""
import time as _time

host = "pool.ntp.org"
timeout = 1

_EPOCH_2000 = 946684800  # 2000-01-01 in Unix seconds


def time():
    """Seconds since 2000-01-01, as the board's NTP client returns them (CPython's time module
    here counts from 1970: time.gmtime() takes time.time(), not this)."""
    return int(_time.time()) - _EPOCH_2000


def settime():
    """The board's RTC from NTP: here the clock is already the host's (or the simulation's)."""
