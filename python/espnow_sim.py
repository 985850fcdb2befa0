"""In-process airs for tests and simulations: many devices in one process,
each with its own ESPNow, AIOESPNow and WLAN interfaces.

    import espnow_sim
    air = espnow_sim.Air()                      # timing=False, loss=0.0, seed=1
    a = air.add_device(mac=b'\\x02' * 6)        # channel=1, position=(0, 0), STA active
    b = air.add_device(mac=b'\\x04' * 6)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)

Device programs on virtual time (time moves only when every program waits;
a seed gives the same run):

    sim = espnow_sim.Simulation(seed=7, loss=0.1)
    def echo(dev):
        e = espnow_sim.espnow(dev)
        e.active(True)
        while True:
            mac, msg = e.recv(1000)
            ...
    sim.add_device(echo, mac=b'\x02' * 6)
    sim.run_for(600)                            # ten virtual minutes
    # a program waits through its ESPNow, sim.sleep(seconds) or asyncio
    # (asyncio.run(main()) in a program runs on virtual time); it is ended
    # by espnow_sim.SimulationExit (a BaseException: let it pass)

A pytest fixture:

    @pytest.fixture
    def air():
        return espnow_sim.Air()
"""
import asyncio
import selectors
import threading

import _espnow
from _espnow import Air, Device, Flood, SimulationExit  # noqa: F401

__all__ = ["Air", "Device", "Flood", "Simulation", "SimulationExit", "VirtualEventLoop", "espnow", "aioespnow",
           "wlan", "process_device", "ticks_ms"]

_current = threading.local()  # the device whose program runs on this thread


class Simulation(_espnow.Simulation):
    """Python callables as device programs on virtual time: time moves only
    when every program waits, and a seed gives the same run. A program's
    asyncio.run() runs a VirtualEventLoop on its device (asyncio.sleep,
    wait_for, aioespnow's arecv and asend all on virtual time)."""

    def __init__(self, *, seed=1, loss=0.0, path_loss_exponent=3.0, reference_loss_db=40.0):
        super().__init__(seed=seed, loss=loss, path_loss_exponent=path_loss_exponent,
                         reference_loss_db=reference_loss_db)
        if not isinstance(asyncio.get_event_loop_policy(), _VirtualPolicy):
            asyncio.set_event_loop_policy(_VirtualPolicy())

    def add_device(self, program=None, **options):
        if program is not None:
            body = program

            def program(device):
                _current.device = device
                try:
                    body(device)
                finally:
                    _current.device = None
        return super().add_device(program, **options)


class _VirtualSelector(selectors.BaseSelector):
    """The loop's descriptors, polled; between polls the program waits on its
    device's events (a message buffered, a send reported) or a deadline, on
    the simulation's clock."""

    def __init__(self, device):
        self._real = selectors.DefaultSelector()
        self._device = device

    def register(self, fileobj, events, data=None):
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self._real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self._real.modify(fileobj, events, data)

    def select(self, timeout=None):
        mark = self._device._events_mark()
        ready = self._real.select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        self._device._events_wait(mark, timeout)
        return self._real.select(0)

    def close(self):
        self._real.close()

    def get_key(self, fileobj):
        return self._real.get_key(fileobj)

    def get_map(self):
        return self._real.get_map()


class VirtualEventLoop(asyncio.SelectorEventLoop):
    """An asyncio loop on a simulated device's clock: its time() is virtual,
    and it waits through the simulation, so timers and timeouts take no wall
    time. Only the device's own events wake it: a descriptor of anything
    else (a real socket) is seen only when the device wakes for its own."""

    def __init__(self, device):
        super().__init__(_VirtualSelector(device))
        self._device = device

    def time(self):
        return self._device._clock_seconds()


class _VirtualPolicy(asyncio.DefaultEventLoopPolicy):
    """New loops on a simulation program's thread are on its virtual time."""

    def new_event_loop(self):
        device = getattr(_current, "device", None)
        if device is not None:
            return VirtualEventLoop(device)
        return super().new_event_loop()


def espnow(device):
    """The device's espnow.ESPNow singleton."""
    import espnow as _module
    return _module.ESPNow.on(device)


def aioespnow(device):
    """The device's aioespnow.AIOESPNow singleton."""
    import aioespnow as _module
    return _module.AIOESPNow.on(device)


def wlan(device, interface_id=0):
    """network.WLAN(interface_id) of the device."""
    import network
    return network.WLAN(interface_id, device=device)


process_device = _espnow.process_device
ticks_ms = _espnow.ticks_ms
