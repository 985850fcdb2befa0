"""machine.Timer and machine.WDT as the ESP32 port has them: under --sim on
virtual time (exact), and in a process on the host's clock (its harness waits
on the process, with a deadline)."""
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import LAUNCHER, sim_lines as sim

AIR = "udp://239.255.77.%d:%d" % (100 + os.getpid() % 50, 30000 + os.getpid() % 20000)


def process(script, stdin=None, args=None):
    r = subprocess.run([LAUNCHER, *(args or ["-c", textwrap.dedent(script)])], input=stdin,
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, ESPNOW_AIR=AIR))
    return r


TIMERS = """\
import espnow, machine, network, time
network.WLAN(network.STA_IF).active(True)
e = espnow.ESPNow()
e.active(True)
ticks = []
tim = machine.Timer(0, mode=machine.Timer.PERIODIC, period=1000, callback=lambda t: ticks.append(time.ticks_ms()))
print(machine.Timer(0) is tim, machine.Timer(-1) is machine.Timer(-1), tim)
once = machine.Timer(-1)
once.init(mode=machine.Timer.ONE_SHOT, period=2505, callback=lambda t: print("once at", time.ticks_ms(), t))
print("recv", e.recv(3500), "at", time.ticks_ms(), "ticks", ticks)
print("value", tim.value())
tim.deinit()
time.sleep(2)
print("after deinit", ticks)
for call in (lambda: machine.Timer(4), lambda: machine.Timer("0"), lambda: machine.Timer(1, hard=True),
             lambda: machine.Timer(1, 1), lambda: machine.Timer(1, perod=5), lambda: machine.Timer(-1, period=5),
             lambda: machine.Timer(-1).deinit(), lambda: machine.Timer(2).value(), lambda: once.value(),
             lambda: machine.WDT(1), lambda: machine.WDT(timeout=0)):
    try:
        call()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
"""


def test_timers_call_back_on_virtual_time_even_inside_a_blocking_recv(tmp_path):
    out = sim(tmp_path, TIMERS, 1, "--sim-seconds", 10)
    assert out == [
        "True False Timer(0, mode=PERIODIC, period=1000)",
        "once at 2500 Timer(-1, mode=ONE_SHOT, period=250)",  # 2505 ms: 250 ticks of FreeRTOS's 10 ms
        "recv (None, None) at 3500 ticks [1000, 2000, 3000]",  # each callback ran while recv waited
        "value 500",  # ms since the counter last reloaded
        "after deinit [1000, 2000, 3000]",
        "ValueError invalid Timer number, max 4",
        "TypeError id: can't convert str to int",
        "ValueError hard Timers are not implemented",
        "TypeError extra positional arguments given",
        "TypeError unexpected keyword argument 'perod'",
        "ValueError period too small for soft timer, less than OS tick period of 10 ms.  Try a hardware timer.",
        "ValueError timer not set",
        "ValueError timer not set",
        "ValueError timer not set",  # a virtual one-shot timer that has fired
        "ValueError ",
        "ValueError WDT timeout too short",
    ], out


WATCHDOG = """\
import machine, time
rtc = machine.RTC()
step = rtc.memory()
print("boot", step, machine.reset_cause(), time.ticks_ms())
if step == b"":
    rtc.memory(b"fed")
    wdt = machine.WDT(timeout=1500)
    for _ in range(4):
        time.sleep(1)
        wdt.feed()
    print("stops feeding at", time.ticks_ms())
    time.sleep(10)
elif step == b"fed":
    rtc.memory(b"soft")
    machine.WDT(timeout=1000)
    machine.soft_reset()
elif step == b"soft":
    rtc.memory(b"end")
    time.sleep(5)  # the watchdog a soft reset kept, which this run did not start
else:
    print("a reset stops it")
    time.sleep(5)
    print("done at", time.ticks_ms())
"""

TASK_WDT = ["E (%d) task_wdt: Task watchdog got triggered. The following tasks/users did not reset the watchdog in time:",
            "E (%d) task_wdt:  - mp_task (CPU 0)"]


def test_the_watchdog_resets_a_board_that_stops_feeding_it_and_a_soft_reset_keeps_it(tmp_path):
    out = sim(tmp_path, WATCHDOG, 1, "--sim-seconds", 30)
    assert out == [
        "boot b'' 1 0",
        "stops feeding at 4000",
        *(line % 5500 for line in TASK_WDT),
        "boot b'fed' 3 0",  # WDT_RESET
        "boot b'soft' 3 0",  # a soft reset: the cause stays, the watchdog runs on
        *(line % 1000 for line in TASK_WDT),
        "boot b'end' 3 0",
        "a reset stops it",
        "done at 5000",
    ], out


def test_in_a_process_timers_call_back_in_sleeps_and_receives_and_the_watchdog_resets_a_busy_loop():
    r = process("""\
        import espnow, machine, network, time
        network.WLAN(network.STA_IF).active(True)
        e = espnow.ESPNow()
        e.active(True)
        ticks = []
        tim = machine.Timer(1, period=100, callback=lambda t: ticks.append(t))
        time.sleep(1.0)  # about ten ticks; two are enough to show they come inside the sleep, even on a busy host
        in_sleep = len(ticks)
        e.recv(1000)
        in_recv = len(ticks) - in_sleep
        tim.deinit()
        print(in_sleep >= 2, in_recv >= 2, all(t is tim for t in ticks))
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["True True True"], r.stdout

    busy = """\
        import machine
        if machine.reset_cause() == machine.WDT_RESET:
            print("reset by the watchdog")
        else:
            machine.WDT(timeout=300)
            while True:
                pass
        """
    r = process(busy)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert len(out) == 3 and "task_wdt: Task watchdog got triggered" in out[0], out
    assert out[1].endswith("task_wdt:  - mp_task (CPU 0)") and out[2] == "reset by the watchdog", out
    r = process(None, stdin=textwrap.dedent(busy), args=["-"])
    assert r.returncode == 1 and "cannot be read again" in r.stderr, (r.returncode, r.stderr)


def test_in_a_process_a_timer_due_inside_a_blocking_recv_calls_back_inside_it():
    # The receive asks for signals every 50 ms by itself; a timer due 5 ms into
    # a 45 ms receive runs inside it only if the signal wakes the receive. On a
    # board it runs at once. One trial in five is enough to tell (without the
    # wake-up none can), and leaves 40 ms of slack each for a busy host.
    r = process("""\
        import espnow, machine, network
        network.WLAN(network.STA_IF).active(True)
        e = espnow.ESPNow()
        e.active(True)
        state = {"receiving": False, "inside": 0, "calls": 0}
        def tick(t):
            state["calls"] += 1
            state["inside"] += state["receiving"]
        for trial in range(5):
            machine.Timer(0, mode=machine.Timer.ONE_SHOT, period=5, callback=tick)
            state["receiving"] = True
            e.recv(45)
            state["receiving"] = False
        print(state["calls"], state["inside"] >= 1, state["inside"])
        """)
    assert r.returncode == 0, r.stderr
    calls, inside, count = r.stdout.split()
    assert (calls, inside) == ("5", "True"), r.stdout


def test_timers_call_back_while_an_asyncio_loop_waits(tmp_path):
    out = sim(tmp_path, """\
        import asyncio, machine, time
        ticks = []
        machine.Timer(0, period=200, callback=lambda t: ticks.append(time.ticks_ms()))

        async def main():
            await asyncio.sleep(1.5)
            print("ticks", ticks)
        asyncio.run(main())
        """, 1, "--sim-seconds", 3)
    assert out == ["ticks [200, 400, 600, 800, 1000, 1200, 1400]"], out  # each on its millisecond


RAISING_CALLBACKS = """\
import espnow, machine, micropython, network, time
network.WLAN(network.STA_IF).active(True)
e = espnow.ESPNow()
e.active(True)
e.add_peer(b"\\xff" * 6)


called = []


def bad(what):
    called.append(what)
    raise ValueError("from the %s callback" % what)


e.irq(lambda e: bad("irq") if e.irecv(0)[0] else None)
micropython.schedule(bad, "scheduled")
machine.Timer(0, mode=machine.Timer.ONE_SHOT, period=10, callback=lambda t: bad("Timer"))
while len(called) < 2:
    time.sleep(0.01)  # until both have run (and raised)
time.sleep(0.2)  # under --sim, until every copy has booted (--boot-spread)
e.send(b"\\xff" * 6, b"to the other copy")
time.sleep(0.2)
print("still running")
"""


def test_a_callback_that_raises_is_printed_and_the_script_goes_on(tmp_path):
    # MicroPython runs scheduled and irq callbacks "protected": the exception is printed with
    # the callback's frames, and the program goes on.
    out = sim(tmp_path, RAISING_CALLBACKS, 2)
    for what in ("scheduled", "Timer", "irq"):
        assert out.count("ValueError: from the %s callback" % what) == 2, out
    assert out.count("still running") == 2 and out.count("Traceback (most recent call last):") == 6, out
    assert not any("espnow_simulate" in line or "micropython.py" in line for line in out), out

    r = process(RAISING_CALLBACKS)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["still running"], r.stdout
    for what in ("scheduled", "Timer"):  # alone on the air, its broadcast reaches no one
        assert "ValueError: from the %s callback" % what in r.stderr, r.stderr
    assert "micropython.py" not in r.stderr, r.stderr


# A callback slower than its timer's period: a board runs at most one
# scheduled callback per step (MicroPython's mp_sched_run_pending), and a
# sleep checks its end between them, so the script goes on. Here the script
# never got past its sleep: each callback found the next one due.
SLOW_CALLBACK = """\
import machine, time
ran = 0
def slow(t):
    global ran
    ran += 1
    time.sleep(0.1)
tim = machine.Timer(0, mode=machine.Timer.PERIODIC, period=10, callback=slow)
time.sleep(0.015)
print("after the sleep", ran >= 1)
tim.deinit()
"""


def test_a_callback_slower_than_its_period_does_not_starve_the_script(tmp_path):
    assert sim(tmp_path, SLOW_CALLBACK, 1, "--sim-seconds", 5) == ["after the sleep True"]
    r = process(SLOW_CALLBACK)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["after the sleep True"], (r.stdout, r.stderr)


# A board's micropython.schedule queue holds 8 callbacks; CPython's pending
# calls, which run them in a process, hold 32: nine scheduled from within a
# callback (where none runs) all went in, where a board raises for the ninth.
SCHEDULE_DEPTH = """\
import micropython, time
got = []
def fill(_):
    for i in range(9):
        try:
            micropython.schedule(got.append, i)
        except RuntimeError as e:
            got.append(str(e))
micropython.schedule(fill, None)
while len(got) < 9:
    time.sleep(0.01)
print(got)
"""


def test_the_schedule_queue_holds_eight_as_a_boards(tmp_path):
    want = "['schedule queue full', 0, 1, 2, 3, 4, 5, 6, 7]"
    assert sim(tmp_path, SCHEDULE_DEPTH, 1) == [want]
    r = process(SCHEDULE_DEPTH)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [want], (r.stdout, r.stderr)


# A board runs a scheduled callback inside the main program's waits. In a
# process it waited for CPython's pending calls, which run only between the
# main thread's bytecodes: a callback scheduled from an irq callback (a
# thread here) ran once the main thread's sleep or blocking receive ended.
# Here the callback ends the script; had it waited for the 60 s wait, the
# test would fail on its 30 s deadline.
SCHEDULED_DURING_A_WAIT = """\
import espnow, micropython, network, sys, time, _thread
network.WLAN(network.STA_IF).active(True)
e = espnow.ESPNow()
e.active(True)
def fn(_):
    print("ran within the wait")
    sys.exit(0)
_thread.start_new_thread(lambda: micropython.schedule(fn, None), ())
WAIT
print("the wait ended")
"""


@pytest.mark.parametrize("wait", ["time.sleep(60)", "e.recv(60000)"])
def test_a_scheduled_callback_runs_inside_the_main_threads_wait(wait):
    r = subprocess.run([LAUNCHER, "-c", SCHEDULED_DURING_A_WAIT.replace("WAIT", wait)], capture_output=True,
                       text=True, timeout=30, env=dict(os.environ, ESPNOW_AIR=AIR))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["ran within the wait"], (r.stdout, r.stderr)


# The signal that carries callbacks to the main thread has its handler set
# from there: espnow-python does it at start-up (a Timer may then start on
# any thread); a plain python3 must start a Timer on its main thread.
TIMER_FROM_A_THREAD = """\
import threading, machine
out = []
def start():
    try:
        t = machine.Timer(0)
        t.init(period=10, mode=machine.Timer.ONE_SHOT, callback=lambda t: out.append("fired"))
        out.append("started")
    except RuntimeError as e:
        out.append(str(e))
th = threading.Thread(target=start)
th.start()
th.join()
import time
deadline = time.monotonic() + 60
while out == ["started"] and time.monotonic() < deadline:
    time.sleep(0.01)  # until it fires (a deadline, not a wait for it)
print(out)
"""


def test_a_timer_started_off_the_main_thread():
    r = process(TIMER_FROM_A_THREAD)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["['started', 'fired']"], (r.stdout, r.stderr)
    r = subprocess.run([sys.executable, "-c", TIMER_FROM_A_THREAD], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, ESPNOW_AIR=AIR))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["[\"machine.Timer and machine.WDT start on the script's main thread here, unless "
                                     "micropython was imported there first (espnow-python does): their callbacks run "
                                     "on it, as a board's scheduled callbacks do\"]"], (r.stdout, r.stderr)
