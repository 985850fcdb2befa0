"""Run by PREFIX/bin/espnow-python with the prefix as argument: the modules
come from the prefix (not the build tree), the MicroPython extras are in
place, and two devices on an in-process air exchange a message."""
import os
import sys
import time

import _espnow
import espnow
import espnow_sim

prefix = os.path.realpath(sys.argv[1])
for module in (espnow, _espnow, espnow_sim):
    where = os.path.realpath(module.__file__)
    assert where.startswith(prefix + os.sep), f"{module.__name__} loaded from {where}, not from {prefix}"
assert time.ticks_diff(time.ticks_add(5, 3), 5) == 3, "the launcher's sitecustomize did not run"

air = espnow_sim.Air()
a, b = air.add_device(mac=b"\x02\xaa\xaa\xaa\xaa\xaa"), air.add_device(mac=b"\x02\xbb\xbb\xbb\xbb\xbb")
ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
ea.active(True)
eb.active(True)
ea.add_peer(b"\x02\xbb\xbb\xbb\xbb\xbb")
assert ea.send(b"\x02\xbb\xbb\xbb\xbb\xbb", b"hello") is True
mac, msg = eb.recv(1000)
assert (mac, msg) == (b"\x02\xaa\xaa\xaa\xaa\xaa", b"hello"), (mac, msg)
print("ok python: espnow from", os.path.dirname(espnow.__file__), "sent and received b'hello'")
