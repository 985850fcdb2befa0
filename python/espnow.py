"""MicroPython's espnow module on CPython, backed by ESP-NOW for C++.

ESPNow() is the device's one ESPNow object (the seeds' singleton). The
process is one device on the shared UDP air (ESPNOW_AIR, ESPNOW_MAC); tests
make in-process airs with espnow_sim.Air, whose devices have their own.
"""
import _espnow
import micropython
from _espnow import (ADDR_LEN, KEY_LEN, MAX_DATA_LEN, MAX_DATA_LEN_V2, MAX_ENCRYPT_PEER_NUM,
                     MAX_TOTAL_PEER_NUM, RATE_1M, RATE_2M, RATE_5M, RATE_11M, RATE_6M, RATE_12M,
                     RATE_24M, RATE_54M, RATE_LORA_250K, RATE_LORA_500K)

__all__ = ["ESPNow", "ADDR_LEN", "KEY_LEN", "MAX_DATA_LEN", "MAX_DATA_LEN_V2",
           "MAX_ENCRYPT_PEER_NUM", "MAX_TOTAL_PEER_NUM", "RATE_1M", "RATE_2M", "RATE_5M",
           "RATE_11M", "RATE_6M", "RATE_12M", "RATE_24M", "RATE_54M", "RATE_LORA_250K",
           "RATE_LORA_500K"]


def _singleton(cls, device):
    """The one `cls` object of `device`, made on first use."""
    objects = device.__dict__.setdefault("_singletons", {})
    obj = objects.get(cls)
    if obj is None:
        obj = _espnow.ESPNowBase.__new__(cls)
        _espnow.ESPNowBase.__init__(obj, device)
        objects[cls] = obj
    return obj


class ESPNow(_espnow.ESPNowBase):
    """The device's ESP-NOW interface: every ESPNow() returns the same object."""

    def __new__(cls, *args, **kwargs):
        return _singleton(cls, _espnow.process_device())

    def __init__(self, *args, **kwargs):
        pass  # made once, in __new__

    def irq(self, callback):
        """callback(self) for each message received; what it raises is printed and the program
        goes on, as MicroPython runs the callback it schedules."""
        if callable(callback):
            fn = callback
            callback = lambda e: micropython._run_protected(fn, e)  # noqa: E731
        return super().irq(callback)

    @classmethod
    def on(cls, device):
        """The singleton of a given device (an espnow_sim device)."""
        return _singleton(cls, device)
