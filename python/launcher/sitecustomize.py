"""Loaded at start-up by interpreters the espnow-python launcher runs: gives
MicroPython scripts the time, gc, micropython and uasyncio they expect."""
import os
import sys

try:
    import _espnow  # noqa: F401  (it reads ESPNOW_VERSION: a bad one is the launcher's usage error)
except ImportError as e:
    if "ESPNOW_VERSION" not in str(e):
        raise
    sys.stderr.write("espnow-python: %s\n" % e)
    sys.stderr.flush()
    os._exit(2)

import _mpcompat  # noqa: E402

_mpcompat.install()

if os.environ.get("ESPNOW_ROUTERS"):
    # The launcher's --router options are read now, so a bad one ends the run before the
    # script starts (exit 2): a SystemExit out of sitecustomize would be a fatal error.
    try:
        import network  # noqa: F401
    except SystemExit as e:
        sys.stderr.flush()
        os._exit(e.code if isinstance(e.code, int) else 2)

if os.environ.get("ESPNOW_DHT"):
    # The launcher's --dht sensors, checked now: a bad one ends the run before the script starts.
    import argparse  # noqa: E402

    import _dht_sensor  # noqa: E402

    for line in os.environ["ESPNOW_DHT"].splitlines():
        try:
            _dht_sensor.parse(line)
        except argparse.ArgumentTypeError as e:
            sys.stderr.write("espnow-python: --dht %s\n" % e)
            sys.stderr.flush()
            os._exit(2)

if os.environ.get("ESPNOW_MP_WIFI"):
    # A soft reset: MicroPython stops ESP-NOW, not the Wi-Fi; the radio comes back as it was,
    # its station still joined (or its attempt going on).
    import network  # noqa: E402

    network._resume_soft_reset(os.environ.pop("ESPNOW_MP_WIFI"))

if os.environ.get("ESPNOW_MP_WDT_MS"):
    # A soft reset of a script that started machine.WDT: the chip's watchdog runs on, counting
    # from the reset, whether or not the script imports machine again.
    import _machine_timers  # noqa: E402

    _machine_timers.feed_watchdog()
