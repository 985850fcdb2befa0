"""espnow_sim.Simulation: MicroPython-style programs as devices on virtual
time, the same run for a seed."""
import asyncio
import subprocess
import sys
import time

import espnow_sim

SERVER = b"\x02\x00\x00\x00\x00\x01"


def client_mac(i):
    return bytes([2, 0, 0, 0, 1, i])


def fleet(seed, clients, seconds):
    """The seeds' echo and heartbeat: each device's log."""
    sim = espnow_sim.Simulation(seed=seed, loss=0.1)
    logs = {}

    def server(dev):
        e = espnow_sim.espnow(dev)
        e.active(True)
        log = logs.setdefault("server", [])
        while True:
            mac, msg = e.recv(1000)
            if mac is None:
                continue
            try:
                e.add_peer(mac)
            except OSError:
                pass  # already a peer
            log.append((sim.ticks_ms(), mac, msg, e.send(mac, msg)))

    def client(i):
        def program(dev):
            e = espnow_sim.espnow(dev)
            e.active(True)
            e.add_peer(SERVER)
            log = logs.setdefault(i, [])
            k = 0
            while True:
                beat = sim.now()
                acked = e.send(SERVER, b"hb %d" % k)
                mac, msg = e.recv(200)
                log.append((sim.ticks_ms(), k, acked, msg))
                k += 1
                sim.sleep(beat + 1.0 - sim.now())
        return program

    sim.add_device(server, mac=SERVER)
    for i in range(1, clients + 1):
        sim.add_device(client(i), mac=client_mac(i), position=(i, 0))
    sim.run_for(seconds)
    assert abs(sim.now() - seconds) < 1e-9
    return logs


def async_fleet(seed, clients, seconds):
    """The seeds' aioespnow echo and heartbeat, one asyncio loop per device."""
    sim = espnow_sim.Simulation(seed=seed, loss=0.1)
    logs = {}

    def server(dev):
        async def main():
            e = espnow_sim.aioespnow(dev)
            e.active(True)
            log = logs.setdefault("server", [])
            async for mac, msg in e:
                mac, msg = bytes(mac), bytes(msg)
                try:
                    e.add_peer(mac)
                except OSError:
                    pass  # already a peer
                log.append((sim.ticks_ms(), mac, msg, await e.asend(mac, msg)))
        asyncio.run(main())

    def client(i):
        def program(dev):
            async def main():
                e = espnow_sim.aioespnow(dev)
                e.active(True)
                e.add_peer(SERVER)
                log = logs.setdefault(i, [])
                for k in range(10**9):
                    beat = sim.now()
                    acked = await e.asend(SERVER, b"hb %d" % k)
                    try:
                        _, msg = await asyncio.wait_for(e.arecv(), 0.2)
                    except asyncio.TimeoutError:
                        msg = None
                    log.append((sim.ticks_ms(), k, acked, msg))
                    await asyncio.sleep(beat + 1.0 - sim.now())
            asyncio.run(main())
        return program

    sim.add_device(server, mac=SERVER)
    for i in range(1, clients + 1):
        sim.add_device(client(i), mac=client_mac(i), position=(i, 0))
    sim.run_for(seconds)
    assert abs(sim.now() - seconds) < 1e-9
    return logs


def test_asyncio_programs_run_on_virtual_time_and_a_seed_gives_the_same_run():
    t0 = time.monotonic()
    first = async_fleet(1, 9, 60)
    wall = time.monotonic() - t0
    assert wall < 30  # sixty virtual seconds of ten devices; typically about one wall second
    for i in range(1, 10):
        assert len(first[i]) == 60  # a beat a second
        assert sum(1 for entry in first[i] if entry[3] is not None) >= 55  # echoed, despite 10% loss
    assert async_fleet(1, 9, 60) == first
    assert async_fleet(2, 9, 60) != first


def test_a_python_fleet_runs_on_virtual_time_faster_than_real_time():
    t0 = time.monotonic()
    logs = fleet(1, 5, 60)
    wall = time.monotonic() - t0
    assert wall < 30  # sixty virtual seconds of six devices: typically a fraction of a second
    for i in range(1, 6):
        beats = logs[i]
        assert len(beats) == 60, i
        assert [k for _, k, _, _ in beats] == list(range(60))
        echoed = sum(1 for _, k, _, msg in beats if msg == b"hb %d" % k)
        assert echoed >= 55, (i, echoed)
        assert beats[10][0] // 1000 == 10  # a beat a virtual second
    assert len(logs["server"]) >= 5 * 55


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    assert fleet(7, 3, 20) == fleet(7, 3, 20)
    assert fleet(7, 3, 20) != fleet(8, 3, 20)


def test_an_exception_in_a_program_is_printed_and_ends_only_that_program(capfd):
    sim = espnow_sim.Simulation()
    ran = []

    def broken(dev):
        raise ValueError("boom in a program")

    def steady(dev):
        for _ in range(3):
            sim.sleep(1)
            ran.append(sim.ticks_ms())

    sim.add_device(broken, mac=client_mac(1))
    sim.add_device(steady, mac=client_mac(2))
    sim.run_for(10)
    assert sim.finished()
    assert ran == [1000, 2000, 3000]
    assert "ValueError: boom in a program" in capfd.readouterr().err


def test_a_program_that_catches_exception_is_still_ended_and_power_cycles_restart_it():
    sim = espnow_sim.Simulation()
    boots = []

    def stubborn(dev):
        boots.append(sim.ticks_ms())
        e = espnow_sim.espnow(dev)
        e.active(True)
        while True:
            try:
                e.recv(500)
            except Exception:  # SimulationExit is a BaseException: it passes
                pass

    sim.add_device(stubborn, mac=client_mac(1))
    sim.power_cycle(0, at=2.0, off_for=0.5)
    sim.run_for(5)
    assert boots == [0, 2500]
    del sim  # ends the program still waiting; must not hang


def test_at_runs_a_scenario_change_at_its_virtual_instant_between_the_programs_steps(capsys):
    sim = espnow_sim.Simulation()
    seen = []

    def sleeper(dev):
        for _ in range(3):
            sim.sleep(0.4)
            seen.append(("program", sim.ticks_ms()))

    sim.add_device(sleeper, mac=client_mac(1))
    sim.at(0.5, lambda: seen.append(("at", sim.ticks_ms())))
    sim.at(1.0, lambda: 1 / 0)  # printed, as a program's uncaught error; the run goes on
    sim.run_for(2)
    assert seen == [("program", 400), ("at", 500), ("program", 800), ("program", 1200)]
    assert "ZeroDivisionError" in capsys.readouterr().err
    try:
        sim.at(-1, lambda: None)
    except ValueError:
        return
    raise AssertionError("no ValueError for a negative time")


def test_bad_arguments_are_value_errors():
    sim = espnow_sim.Simulation()
    for call in (lambda: sim.run_for(-1), lambda: sim.power_cycle(3, 1.0, 1.0),
                 lambda: sim.add_device(None, channel=15), lambda: sim.set_clock_drift(0, 10.0)):
        try:
            call()
        except ValueError:
            continue
        raise AssertionError("no ValueError")


def test_a_drifting_device_times_its_sleeps_and_timeouts_on_its_own_clock():
    sim = espnow_sim.Simulation()
    woke = {}

    def program(name):
        def run(dev):
            e = espnow_sim.espnow(dev)
            e.active(True)
            e.recv(10000)        # nobody sends: ten seconds of the device's clock
            dev._sleep(90)
            woke[name] = sim.now()
        return run

    sim.add_device(program("exact"), mac=client_mac(1))
    sim.add_device(program("fast"), mac=client_mac(2))
    sim.set_clock_drift(1, 1000.0)  # +1000 ppm: its 100 s are 99.9 s of virtual time
    sim.run_for(200)
    assert abs(woke["exact"] - 100.0) < 1e-6
    assert abs(woke["fast"] - 100.0 / 1.001) < 1e-6


# A device with no program has its irq calls run in the simulation's step,
# between the programs, where a wait would take another program's place: the
# wait raises RuntimeError in the callback (printed, as a callback's
# exceptions are), and the run goes on. A device with a program runs them on
# its thread, where they may wait.
NO_PROGRAM_CALLBACK = """\
import espnow_sim
sim = espnow_sim.Simulation(seed=1)
LISTENER = b"\\x02\\x00\\x00\\x00\\x00\\x01"
e = espnow_sim.espnow(sim.add_device(mac=LISTENER))
e.active(True)
calls = []
def slow(e):
    calls.append(bytes(e.irecv(0)[1]))
    sim.sleep(0.01)
    calls.append("after the sleep")
e.irq(slow)
def sender(dev):
    s = espnow_sim.espnow(dev)
    s.active(True)
    s.add_peer(LISTENER)
    for i in range(2):
        print("sent", s.send(LISTENER, b"m%d" % i))
        sim.sleep(0.1)
sim.add_device(sender, mac=b"\\x02\\x00\\x00\\x00\\x00\\x02")
sim.run_for(1)
print(calls)
"""


def test_a_wait_in_the_callback_of_a_device_with_no_program_raises_and_the_run_goes_on():
    r = subprocess.run([sys.executable, "-c", NO_PROGRAM_CALLBACK], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["sent True", "sent True", "[b'm0', b'm1']"], r.stdout
    assert r.stderr.count("RuntimeError: espnow::Simulation: an irq callback of a device with no program waited "
                          "on the simulation's clock") == 2, r.stderr
