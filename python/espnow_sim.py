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
    # a program waits through its ESPNow or sim.sleep(seconds); it is ended
    # by espnow_sim.SimulationExit (a BaseException: let it pass)

A pytest fixture:

    @pytest.fixture
    def air():
        return espnow_sim.Air()
"""
import _espnow
from _espnow import Air, Device, Flood, Simulation, SimulationExit  # noqa: F401

__all__ = ["Air", "Device", "Flood", "Simulation", "SimulationExit", "espnow", "aioespnow", "wlan",
           "process_device", "ticks_ms"]


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
