"""espnow-python --sim N: N copies of an unmodified MicroPython script as N
devices on one simulated air, in virtual time."""
import os
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"


def sim(*args, timeout=120):
    return subprocess.run([LAUNCHER, "--sim", *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_six_beacons_each_hear_the_five_others_and_the_run_repeats():
    first = sim(6, EXAMPLES / "mp_beacon.py")
    assert first.returncode == 0, first.stderr
    lines = sorted(first.stdout.splitlines())
    assert lines == ["02:00:00:00:00:%02x heard 5 neighbours" % i for i in range(1, 7)]
    again = sim(6, EXAMPLES / "mp_beacon.py")
    assert again.stdout == first.stdout  # line for line, in the same order


def test_uasyncio_scripts_run_on_virtual_time_and_the_run_repeats():
    first = sim(6, EXAMPLES / "mp_async_beacon.py")
    assert first.returncode == 0, first.stderr
    assert sorted(first.stdout.splitlines()) == ["02:00:00:00:00:%02x heard 5 neighbours" % i for i in range(1, 7)]
    again = sim(6, EXAMPLES / "mp_async_beacon.py")
    assert again.stdout == first.stdout


def test_an_hour_of_asyncio_sleep_takes_no_wall_hour(tmp_path):
    script = tmp_path / "nap.py"
    script.write_text(textwrap.dedent("""\
        import time
        import asyncio
        async def main():
            t0 = time.ticks_ms()
            await asyncio.sleep(3600)
            await asyncio.sleep_ms(5)
            try:
                await asyncio.wait_for(asyncio.sleep(10), 0.5)
            except asyncio.TimeoutError:
                print(time.ticks_diff(time.ticks_ms(), t0), "timed out")
        asyncio.run(main())
        """))
    r = sim(2, "--sim-seconds", 7200, script, timeout=60)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:%02x 3600505 timed out" % i for i in range(1, 3)]


def test_each_copy_has_the_boards_globals_and_virtual_time(tmp_path):
    script = tmp_path / "clock.py"
    script.write_text(textwrap.dedent("""\
        import time
        import espnow
        t0 = time.ticks_ms()
        time.sleep(5)
        time.sleep_ms(250)
        print(time.ticks_diff(time.ticks_ms(), t0), gc.mem_free() > 0, espnow.ESPNow() is espnow.ESPNow())
        """))
    r = sim(3, "--sim-seconds", 3600, script)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:%02x 5250 True True" % i for i in range(1, 4)]


def test_drift_makes_each_copys_clock_run_fast_or_slow(tmp_path):
    script = tmp_path / "drift.py"
    script.write_text(textwrap.dedent("""\
        import time
        time.sleep(1000)
        print(time.ticks_ms())
        """))
    exact = sim(4, "--sim-seconds", 2000, script)
    assert sorted(exact.stdout.splitlines()) == ["02:00:00:00:00:%02x 1000000" % i for i in range(1, 5)]
    drifted = sim(4, "--sim-seconds", 2000, "--drift", 50, script)
    assert drifted.returncode == 0, drifted.stderr
    # Each copy's own clock reads its 1000 s when it wakes; the copies wake
    # at different virtual times (up to 50 ms apart), so they print in another order.
    assert sorted(drifted.stdout.splitlines()) == sorted(exact.stdout.splitlines())
    assert drifted.stdout != exact.stdout
    assert sim(4, "--sim-seconds", 2000, "--drift", 50, script).stdout == drifted.stdout
    bad = sim(2, "--drift", -1, script)
    assert bad.returncode == 2 and "--drift must be 0..100000 ppm" in bad.stderr


def test_copies_boot_apart_so_identical_beacons_are_not_in_lockstep(tmp_path):
    # Every copy started at the same nanosecond: identical scripts broadcast at
    # the same instants for ever, and a radio that sends hears nothing, so
    # three beacons heard none of each other. Boards never boot together.
    script = tmp_path / "beacon.py"
    script.write_text(textwrap.dedent("""\
        import network, espnow, time
        sta = network.WLAN(network.STA_IF); sta.active(True)
        e = espnow.ESPNow(); e.active(True)
        e.add_peer(b'\\xff' * 6)
        print("ticks at boot", time.ticks_ms())
        heard = set()
        for beat in range(5):
            e.send(b'\\xff' * 6, b'beacon')
            time.sleep(1)
            while e.any():
                heard.add(e.recv(0)[0])
        print("heard", len(heard))
        """))
    apart = sim(3, "--sim-seconds", 10, script)
    assert apart.returncode == 0, apart.stderr
    assert sorted(apart.stdout.splitlines()) == sorted(["02:00:00:00:00:%02x %s" % (i, line) for i in (1, 2, 3)
                                                        for line in ("ticks at boot 0", "heard 2")])
    together = sim(3, "--sim-seconds", 10, "--boot-spread", 0, script)
    assert together.stdout.count("heard 0") == 3, together.stdout
    assert sim(2, "--boot-spread", -1, script).returncode == 2


def test_no_copys_soft_ap_mac_is_another_copys_sta_mac(tmp_path):
    # A board's rule (soft-AP = STA + 1) gave copy 1's soft-AP copy 2's STA MAC.
    script = tmp_path / "macs.py"
    script.write_text("import network, ubinascii\n"
                      "print(ubinascii.hexlify(network.WLAN(network.AP_IF).config('mac'), ':').decode())\n")
    r = sim(2, script)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:01 02:00:00:01:00:01", "02:00:00:00:00:02 02:00:00:01:00:02"]


def test_a_copy_that_raises_prints_its_traceback_and_the_others_go_on(tmp_path):
    script = tmp_path / "sometimes.py"
    script.write_text(textwrap.dedent("""\
        import network
        import time
        mac = network.WLAN(network.STA_IF).config("mac")
        time.sleep(1)
        if mac[-1] == 2:
            raise RuntimeError("device two fails")
        print("done")
        """))
    r = sim(3, script)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "02:00:00:00:00:01 done" in out and "02:00:00:00:00:03 done" in out
    assert "02:00:00:00:00:02 RuntimeError: device two fails" in out
    assert not any(line.startswith("02:00:00:00:00:02 done") for line in out)


def test_bad_arguments_exit_2_with_the_reason(tmp_path):
    r = sim(0, tmp_path / "x.py")
    assert r.returncode == 2 and "devices must be 1..250, got 0" in r.stderr
    r = sim(2, tmp_path / "missing.py")
    assert r.returncode == 2 and "cannot read" in r.stderr
    r = sim(2, "--loss", 2, tmp_path / "x.py")
    assert r.returncode == 2 and "--loss must be 0..1" in r.stderr
    r = sim(2)
    assert r.returncode == 2 and "required: script\n" in r.stderr and "args" not in r.stderr.splitlines()[-1]
    for seconds in ("0", "nan"):  # nan passed a `<= 0` test, and run_for raised a traceback
        r = sim(2, "--sim-seconds", seconds, tmp_path / "x.py")
        assert r.returncode == 2 and "--sim-seconds must be > 0" in r.stderr


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_a_long_run_where_it_is_and_keeps_what_was_printed(tmp_path, sig, status):
    # Virtual time ran on in C++ with Python's Ctrl-C never looked at: a
    # run of years could only be killed.
    script = tmp_path / "ticker.py"
    script.write_text("import time\nn = 0\nwhile True:\n    print('tick', n)\n    n += 1\n    time.sleep(1)\n")
    # Unbuffered: what is read before the signal is all that was taken from the pipe.
    p = subprocess.Popen([LAUNCHER, "--sim", "2", "--sim-seconds", "1e9", str(script)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, bufsize=0)
    try:
        first = os.read(p.stdout.fileno(), 65536)  # the run is under way
        p.send_signal(sig)
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()
    out, err = (first + out).decode(), err.decode()
    assert out.startswith("02:00:00:00:00:01 tick 0\n")
    assert p.returncode == status, err
    assert "espnow-python --sim: interrupted at" in err and "Traceback" not in err
    ticks = [line for line in out.splitlines() if line.startswith("02:00:00:00:00:02 tick")]
    assert ticks and ticks[-1] == "02:00:00:00:00:02 tick %d" % (len(ticks) - 1)  # nothing lost in between


def test_a_sleep_past_what_virtual_time_counts_lasts_for_ever(tmp_path):
    # 1e300 s in nanoseconds wrapped to a negative span: both sleeps woke at once.
    script = tmp_path / "nap.py"
    script.write_text(textwrap.dedent("""\
        import time, asyncio, sys
        if sys.argv[1] == "sync":
            time.sleep(1e300)
        else:
            asyncio.run(asyncio.sleep(1e300))
        print("woke at", time.ticks_ms())
        """))
    for form in ("sync", "async"):
        r = sim(1, "--sim-seconds", 5, script, form, timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout == ""


def test_every_clock_a_copy_reads_is_virtual(tmp_path):
    # time.time() and monotonic() stayed on the wall clock: a loop
    # `while time.time() - start < 3: e.recv(100)` never ended.
    script = tmp_path / "clocks.py"
    script.write_text(textwrap.dedent("""\
        import time
        t0, m0, n0, p0 = time.time(), time.monotonic(), time.time_ns(), time.perf_counter()
        start = time.time()
        while time.time() - start < 2.95:
            time.sleep_ms(100)
        print(round(time.time() - t0, 3), round(time.monotonic() - m0, 3), (time.time_ns() - n0) // 10**6,
              round(time.perf_counter() - p0, 3), time.localtime()[:6], time.gmtime(0)[0])
        """))
    r = sim(2, "--sim-seconds", 10, script, timeout=60)
    assert r.returncode == 0, r.stderr
    # A board whose RTC nothing set: 2000-01-01 00:00:00 at boot.
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:%02x 3.0 3.0 3000 3.0 (2000, 1, 1, 0, 0, 3) 1970" % i
                                             for i in (1, 2)]


def test_a_function_passed_to_micropython_schedule_runs_on_the_copy(tmp_path):
    script = tmp_path / "sched.py"
    script.write_text(textwrap.dedent("""\
        import network, espnow, time, micropython
        network.WLAN(network.STA_IF).active(True)
        e = espnow.ESPNow()
        e.active(True)
        e.add_peer(b'\\xff' * 6)
        got = []
        def handle(arg):
            mac, msg = e.irecv(0)
            got.append((arg, bytes(msg), time.ticks_ms()))
        e.irq(lambda e: micropython.schedule(handle, network.WLAN(network.STA_IF).config('mac')[-1]))
        me = network.WLAN(network.STA_IF).config('mac')[-1]
        time.sleep_ms(100 * me)
        e.send(b'\\xff' * 6, b'from %d' % me)
        time.sleep(1)  # the callbacks run in the sleep, as messages come
        print(got and [(a, m, t // 100) for a, m, t in got], e.any())
        """))
    r = sim(2, "--sim-seconds", 5, "--boot-spread", 0, script, timeout=60)  # both clocks from one instant
    assert r.returncode == 0, r.stderr
    # Run as the copy's code (its own MAC), at the virtual time the message came.
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:01 [(1, b'from 2', 2)] False",
                                             "02:00:00:00:00:02 [(2, b'from 1', 1)] False"]


def test_a_copy_that_polls_any_in_a_busy_loop_lets_virtual_time_move(tmp_path):
    # Virtual time froze while a copy polled: the run aborted after 30 s of wall time.
    script = tmp_path / "poll.py"
    script.write_text(textwrap.dedent("""\
        import network, espnow, time
        sta = network.WLAN(network.STA_IF)
        sta.active(True)
        e = espnow.ESPNow()
        e.active(True)
        e.add_peer(b'\\xff' * 6)
        if sta.config('mac')[-1] == 1:
            time.sleep_ms(1500)
            e.send(b'\\xff' * 6, b'hello')
        else:
            t0 = time.ticks_us()
            while True:
                if e.any():
                    print("got", e.recv()[1], "after", time.ticks_diff(time.ticks_us(), t0) // 1000, "ms")
                    break
        """))
    r = sim(2, "--sim-seconds", 10, "--boot-spread", 0, script, timeout=60)  # both clocks from one instant
    assert r.returncode == 0, r.stderr
    assert r.stdout == "02:00:00:00:00:02 got b'hello' after 1500 ms\n"


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_a_run_whose_copy_never_waits(tmp_path, sig, status):
    # A copy spinning on nothing the simulation sees held the run: the signal
    # was ignored until the watchdog aborted the process 30 s later.
    script = tmp_path / "spin.py"
    script.write_text("print('spinning')\nwhile True:\n    pass\n")
    p = subprocess.Popen([LAUNCHER, "--sim", "2", str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         bufsize=0)
    try:
        first = os.read(p.stdout.fileno(), 65536)  # the run is under way
        p.send_signal(sig)
        out, err = p.communicate(timeout=20)
    finally:
        p.kill()
    assert first.startswith(b"02:00:00:00:00:01 spinning\n")
    assert p.returncode == status, err
    assert b"espnow-python --sim: interrupted at 0.0 of 60.0 simulated s\n" in err and b"Traceback" not in err


def test_each_copy_imports_its_own_modules_from_the_scripts_folder(tmp_path):
    # The folder was not on sys.path (ModuleNotFoundError), and a module of
    # it would have been one for all copies: comms.e of copy 2 was copy 1's.
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "util.py").write_text("import network\nmac = network.WLAN(0).config('mac')\n")
    (tmp_path / "comms.py").write_text(textwrap.dedent("""\
        import espnow
        from lib import util
        e = espnow.ESPNow()
        PERIOD = const(5)
        """))
    (tmp_path / "main.py").write_text(textwrap.dedent("""\
        import comms, espnow, json
        from lib.util import mac
        import lib.util
        print(comms.e is espnow.ESPNow(), mac[-1], lib.util is comms.util, comms.PERIOD, json.dumps(1))
        """))
    r = sim(2, "--sim-seconds", 5, tmp_path / "main.py", timeout=60)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:01 True 1 True 5 1", "02:00:00:00:00:02 True 2 True 5 1"]


def test_a_deep_sleeper_wakes_on_virtual_time_off_the_air_and_keeps_its_rtc(tmp_path):
    # machine.deepsleep() ended the copy for good; on a board the script
    # runs again after the sleep, its radio off meanwhile.
    script = tmp_path / "sleeper.py"
    script.write_text(textwrap.dedent("""\
        import machine, network, time, espnow
        sta = network.WLAN(network.STA_IF)
        sta.active(True)
        e = espnow.ESPNow()
        e.active(True)
        me = sta.config("mac")
        SLEEPER, LISTENER = b"\\x02\\x00\\x00\\x00\\x00\\x01", b"\\x02\\x00\\x00\\x00\\x00\\x02"
        if me == SLEEPER:
            rtc = machine.RTC()
            boot = rtc.memory()[0] if rtc.memory() else 0
            print("boot", boot, "cause", machine.reset_cause(), "wake", machine.wake_reason(),
                  "ticks", time.ticks_ms(), "rtc s", int(time.time()) - 946684800)
            rtc.memory(bytes([boot + 1]))
            time.sleep(1)  # awake for a second, then 9 s asleep
            machine.deepsleep(9000) if boot < 3 else machine.reset() if boot == 3 else None
            print("done")
        else:
            e.add_peer(SLEEPER)
            acked = [e.send(SLEEPER, b"are you there") for _ in range(400) if time.sleep(0.1) is None]
            print("acked", sum(acked), "of", len(acked))
        """))
    r = sim(2, "--sim-seconds", 60, "--boot-spread", 0, script)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    sleeper = [line.split()[1:] for line in lines if line.startswith("02:00:00:00:00:01")]
    assert sleeper == [
        ["boot", "0", "cause", "1", "wake", "0", "ticks", "0", "rtc", "s", "0"],
        ["boot", "1", "cause", "4", "wake", "4", "ticks", "0", "rtc", "s", "10"],   # the RTC counted on
        ["boot", "2", "cause", "4", "wake", "4", "ticks", "0", "rtc", "s", "20"],
        ["boot", "3", "cause", "4", "wake", "4", "ticks", "0", "rtc", "s", "30"],
        ["boot", "4", "cause", "5", "wake", "0", "ticks", "0", "rtc", "s", "31"],   # machine.reset()
        ["done"],
    ], r.stdout
    # Awake 1 s in each 10 s for 31 s, then for good: about 4 + 9 s of the
    # listener's 40 s of tries (each unicast takes its retries when unheard).
    listener = [line.split() for line in lines if line.startswith("02:00:00:00:00:02")]
    assert listener and listener[0][1] == "acked"
    acked, tries = int(listener[0][2]), int(listener[0][4])
    assert 0 < acked < tries
    assert sim(2, "--sim-seconds", 60, "--boot-spread", 0, script).stdout == r.stdout  # the run repeats


def test_the_deep_sleep_sensor_example_reports_once_per_wake():
    r = sim(5, "--sim-seconds", 60, EXAMPLES / "mp_deepsleep_sensor.py")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert all(line.startswith("02:00:00:00:00:01 02:00:00:00:00:0") for line in lines), r.stdout
    for sensor in range(2, 6):
        got = [line.split(": ", 1)[1] for line in lines if line.startswith("02:00:00:00:00:01 02:00:00:00:00:%02x" % sensor)]
        # Woken every 10 s: boots 1..6 in a minute, the first from power-on.
        assert [g.split(" C")[0].rsplit(":", 1)[0] for g in got] == \
            ["boot 1 (power-on)"] + ["boot %d (timer)" % n for n in range(2, 7)], r.stdout


def test_a_reader_that_goes_away_ends_the_run_quietly():
    # `... | head` printed a BrokenPipeError traceback from every copy.
    p = subprocess.Popen([LAUNCHER, "--sim", "5", "--sim-seconds", "1e6", str(EXAMPLES / "mp_deepsleep_sensor.py")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert p.stdout.readline().startswith(b"02:00:00:00:00:01 ")
        p.stdout.close()  # as head does once it has its lines
        _, err = p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == 128 + signal.SIGPIPE
    assert b"Traceback" not in err, err


def test_the_launcher_says_what_it_is_with_help_and_version():
    # A new user's first try: the launcher's own usage, not python3's.
    r = subprocess.run([LAUNCHER, "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("usage: espnow-python "), r.stdout
    for said in ("--sim N", "--router SSID", "--dht PIN=", "ESPNOW_AIR", "ESPNOW_RADIO", "ESPNOW_MAC", "docs/python.md"):
        assert said in r.stdout, said
    assert subprocess.run([LAUNCHER, "-h"], capture_output=True, text=True, timeout=60).stdout == r.stdout
    r = subprocess.run([LAUNCHER, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("espnow-python ") and "(ESP-NOW for C++), Python 3." in r.stdout


# Two copies booted together (no --boot-spread), for 3 virtual seconds: the
# first broadcasts (the `if` below), the other listens (its `else`).
BROADCASTER_AND_LISTENER = """\
import espnow, network, time
sta = network.WLAN(network.STA_IF)
sta.active(True)
e = espnow.ESPNow()
e.active(True)
e.add_peer(b"\\xff" * 6)
if sta.config("mac")[-1] == 1:
"""


def two_copies_in_lockstep(tmp_path, script):
    path = tmp_path / "script.py"
    path.write_text(script)
    r = sim(2, "--sim-seconds", 3, "--boot-spread", 0, path)
    assert r.returncode == 0, r.stderr
    return r


# A common drain in an irq callback: `while e.any(): e.irecv(0)`. Under --sim
# an empty any() costs virtual time (so that a polling loop cannot freeze
# it), and inside a callback that wait left the listener's program, and then
# the sender's, stuck for the rest of the run. A board's any() never waits.
ANY_IN_CALLBACK = BROADCASTER_AND_LISTENER + """\
    for i in range(20):
        e.send(b"\\xff" * 6, b"x", False)
        time.sleep(0.001)
    print("sent")
else:
    got = [0]
    def on_message(e):
        while e.any():
            e.irecv(0)
            got[0] += 1
    e.irq(on_message)
    time.sleep(0.5)
    print("woke with", got[0])
"""


def test_any_in_an_irq_callback_does_not_stall_the_copies(tmp_path):
    r = two_copies_in_lockstep(tmp_path, ANY_IN_CALLBACK)
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:01 sent", "02:00:00:00:00:02 woke with 20"], r.stdout


# An irq callback that waits (here it sleeps 10 ms per message, slower than
# the sender's flood) holds its own copy, as on a board, where MicroPython
# runs it on the main program between its steps, one per step: the script's
# sleep looks at its end between two. It ran in the simulation's step, on
# whichever copy's thread took it, and its sleep stole that copy's wait: the
# listener never woke in 3 virtual seconds.
SLEEP_IN_CALLBACK = BROADCASTER_AND_LISTENER + """\
    for i in range(1000):
        e.send(b"\\xff" * 6, b"x", False)
        time.sleep(0.001)
    print("sent at", time.ticks_ms())
else:
    got = []
    def on_message(e):
        e.irecv(0)
        got.append(time.ticks_ms())
        time.sleep(0.01)
    e.irq(on_message)
    time.sleep(0.5)
    print("woke at", time.ticks_ms(), "after", len(got), "calls spaced", min(b - a for a, b in zip(got, got[1:])))
"""


def test_an_irq_callback_that_sleeps_holds_only_its_own_copy(tmp_path):
    r = two_copies_in_lockstep(tmp_path, SLEEP_IN_CALLBACK)
    # Calls 10 ms apart, one at a time; the script's 500 ms sleep ends on
    # time, as the call under way then returns.
    assert sorted(r.stdout.splitlines()) == ["02:00:00:00:00:01 sent at 1000",
                                             "02:00:00:00:00:02 woke at 500 after 50 calls spaced 10"], r.stdout


# On a board an irq callback is a scheduled callback: it never runs within
# another one. Here a micropython.schedule callback sleeps while a message
# arrives; the irq callback ran within its sleep.
IRQ_DURING_A_SCHEDULED_CALLBACK = "import micropython\n" + BROADCASTER_AND_LISTENER + """\
    time.sleep(0.02)
    e.send(b"\\xff" * 6, b"x", False)
else:
    order = []
    def slow(_):
        order.append("scheduled")
        time.sleep(0.05)
        order.append("scheduled done")
    e.irq(lambda e: order.append("irq %s" % bytes(e.irecv(0)[1])))
    micropython.schedule(slow, None)
    time.sleep(0.2)
    print(order)
"""


def test_an_irq_callback_waits_for_a_scheduled_callback_that_runs(tmp_path):
    r = two_copies_in_lockstep(tmp_path, IRQ_DURING_A_SCHEDULED_CALLBACK)
    assert r.stdout.splitlines() == ["02:00:00:00:00:02 ['scheduled', 'scheduled done', \"irq b'x'\"]"], r.stdout
