"""What a board does, exactly: the singleton, the boot globals, the ESP-IDF
version a board was built with, and Python threads that must not deadlock."""
import os
import signal
import subprocess
import textwrap
import threading
from pathlib import Path

import pytest

import espnow
import espnow_sim
from conftest import B, DEADLINE_S

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))


def run(code, env=None, stdin=None, args=None, timeout=60):
    """A script through the launcher, as a user runs it; its stdout."""
    full_env = {"ESPNOW_AIR": "udp://239.255.77.77:47977"}
    full_env.update(env or {})
    r = subprocess.run([LAUNCHER, *(args if args is not None else ["-c", textwrap.dedent(code)])],
                       env=full_env, input=stdin, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r.stdout


# ---- the launcher's time module, as a board's

def test_sleep_ms_and_sleep_us_return_at_once_when_negative_and_take_only_ints():
    out = run("""
        import time
        period, elapsed = 100, 120  # the loop's work overran its period
        time.sleep_ms(period - elapsed)  # negative
        time.sleep_us(-5)
        for f in (time.sleep_ms, time.sleep_us):
            try:
                f(1.5)
            except TypeError as e:
                print(e)
        print("done")
        """)
    assert out.splitlines() == ["can't convert float to int"] * 2 + ["done"]


def test_const_needs_no_import_and_machine_has_what_scripts_use():
    r = subprocess.run([LAUNCHER, "-c", textwrap.dedent("""\
        import machine, network, uarray, usocket
        PERIOD = const(500)
        led = machine.Pin(2, machine.Pin.OUT)
        led.on()
        was = led.value()
        led.off()
        print(PERIOD, machine.unique_id().hex(), machine.freq(), was, led.value(), led())
        network.WLAN(network.STA_IF).config(mac=b"\\x02\\x00\\x00\\x00\\x00\\x07")
        machine.freq(240_000_000)
        machine.idle()
        machine.lightsleep(1)
        print(machine.unique_id().hex(), machine.freq(), machine.reset_cause() == machine.PWRON_RESET,
              machine.wake_reason(), machine.RTC() is machine.RTC(), machine.RTC().memory())
        """)], env={"ESPNOW_AIR": "udp://239.255.77.77:47977", "ESPNOW_MAC": "02:12:34:56:78:9a"},
        capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines() == ["500 02123456789a 160000000 1 0 0",
                                     "02123456789a 240000000 True 0 True b''"], r.stderr
    assert r.returncode == 0, r.stderr


SENSOR = """\
    import machine, network, os, time, espnow
    sta = network.WLAN(network.STA_IF)
    sta.active(True)
    rtc = machine.RTC()
    memory = rtc.memory()
    boot = memory[0] if memory else 0
    slept_ms = time.time() * 1000 - int.from_bytes(memory[1:], "little") if memory else 0
    print("boot", boot, "cause", machine.reset_cause(), "wake", machine.wake_reason(),
          "mac", sta.config("mac").hex(), "pid", os.getpid(), "slept 20 ms", slept_ms >= 20)
    rtc.memory(bytes([boot + 1]) + int(time.time() * 1000).to_bytes(8, "little"))
    if boot == 0:
        machine.deepsleep(20)  # a board: off the air, then main.py again
    elif boot == 1:
        machine.reset()
    elif boot == 2:
        machine.soft_reset()
    print("done")
    """


def test_reset_and_deep_sleep_run_the_script_again_as_a_board_runs_main_py(tmp_path):
    # They ended the script with SystemExit: a battery sensor's
    # send-then-deepsleep loop ran once.
    script = tmp_path / "sensor.py"
    script.write_text(textwrap.dedent(SENSOR))
    r = subprocess.run([LAUNCHER, str(script)], env={"ESPNOW_AIR": "udp://239.255.77.77:47978"},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    fields = [line.split() for line in lines[:-1]]
    assert [(f[1], f[3], f[5]) for f in fields] == [
        ("0", "1", "0"),   # power-on
        ("1", "4", "4"),   # DEEPSLEEP_RESET, TIMER_WAKE
        ("2", "5", "0"),   # machine.reset(): SOFT_RESET
        ("3", "5", "0"),   # soft_reset(): the chip was not reset, its cause stays
    ], r.stdout
    assert len({f[7] for f in fields}) == 1  # the same MAC after every reset
    assert len({f[9] for f in fields}) == 1  # the same process (a harness's PID stays)
    assert fields[1][-1] == "True"  # the deep sleep lasted its 20 ms (a lower bound: never late on a busy host)
    assert lines[-1] == "done"


def test_a_script_from_standard_input_cannot_run_again_and_says_so():
    r = subprocess.run([LAUNCHER], input="import machine\nprint('once')\nmachine.reset()\n",
                       env={"ESPNOW_AIR": "udp://239.255.77.77:47979"}, capture_output=True, text=True, timeout=60)
    assert r.stdout == "once\n"
    assert r.returncode == 1
    assert "machine.reset(): the script came from standard input, which cannot be read again" in r.stderr


def test_deep_sleep_without_a_time_lasts_until_the_power_is_cut():
    p = subprocess.Popen([LAUNCHER, "-c", "import machine\nprint('sleeping')\nmachine.deepsleep()\nprint('woke')"],
                         env={"ESPNOW_AIR": "udp://239.255.77.77:47979"}, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        said = p.stderr.readline()  # waits for the line, however long the start takes
        assert "machine.deepsleep(): no wake-up time: the board sleeps until its power is cut" in said
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=60)
    finally:
        p.kill()
    assert out == "sleeping\n" and p.returncode == 0


def test_an_esp_idf_error_prints_as_a_board_prints_it():
    """MicroPython prints an OSError of two arguments as their tuple, and a
    script that dies of one ends with that line, where CPython's OSError says
    `[Errno -12393] ESP_ERR_ESPNOW_NOT_FOUND`. Still an OSError to catch,
    with the same args, errno and repr."""
    r = subprocess.run([LAUNCHER, "-c", textwrap.dedent("""\
        import espnow, network, esp32
        network.WLAN(network.STA_IF).active(True)
        e = espnow.ESPNow()
        e.active(True)
        try:
            e.send(b"\\x02\\x00\\x00\\x00\\x00\\x09", b"x")
        except OSError as err:
            print("Error:", err)
            print(repr(err), err.args, err.errno, isinstance(err, OSError), type(err).__name__)
        try:
            esp32.NVS("cfg").get_i32("missing")
        except OSError as err:
            print(err)
        e.send(b"\\x02\\x00\\x00\\x00\\x00\\x09", b"x")
        """)], env={"ESPNOW_AIR": "udp://239.255.77.78:47978"}, capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines() == [
        "Error: (-12393, 'ESP_ERR_ESPNOW_NOT_FOUND')",
        "OSError(-12393, 'ESP_ERR_ESPNOW_NOT_FOUND') (-12393, 'ESP_ERR_ESPNOW_NOT_FOUND') -12393 True OSError",
        "(-4354, 'ESP_ERR_NVS_NOT_FOUND')",
    ], r.stderr
    assert r.returncode == 1 and r.stderr.splitlines()[-1] == "OSError: (-12393, 'ESP_ERR_ESPNOW_NOT_FOUND')", r.stderr


def test_sys_print_exception_is_micropythons():
    """`except Exception as e: sys.print_exception(e)` is how MicroPython
    scripts log an error and go on: to stdout by default, or to a file
    given; CPython's sys has no such function."""
    r = subprocess.run([LAUNCHER, "-c", textwrap.dedent("""\
        import io, sys
        try:
            1 / 0
        except Exception as e:
            sys.print_exception(e)
            buf = io.StringIO()
            sys.print_exception(e, buf)
            print("to a file:", buf.getvalue().splitlines()[-1])
        print("going on")
        """)], env={"ESPNOW_AIR": "udp://239.255.77.78:47978"}, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Traceback (most recent call last):" and lines[-3] == "ZeroDivisionError: division by zero"
    assert lines[-2:] == ["to a file: ZeroDivisionError: division by zero", "going on"]
    assert r.stderr == ""


def test_rtc_memory_holds_2048_bytes_and_refuses_more():
    out = run("""
        import machine
        rtc = machine.RTC()
        rtc.memory(bytearray(b"x" * 2048))
        print(len(rtc.memory()), type(rtc.memory()).__name__)
        for bad in (b"x" * 2049, 5):
            try:
                rtc.memory(bad)
            except (ValueError, TypeError) as e:
                print(type(e).__name__, e)
        try:
            rtc.datetime((2026, 1, 1, 0, 0, 0, 0, 0))
        except NotImplementedError as e:
            print("NotImplementedError")
        print(len(rtc.datetime()), len(rtc.memory()))
        """)
    lines = out.splitlines()
    assert lines[0] == "2048 bytes"
    assert lines[1] == "ValueError buffer too long"
    assert lines[2].startswith("TypeError")
    assert lines[3:] == ["NotImplementedError", "8 2048"]


def test_asyncio_thread_safe_flag_wakes_its_task_from_another_thread():
    out = run("""
        import asyncio, threading
        async def main():
            flag = asyncio.ThreadSafeFlag()
            waiting = asyncio.create_task(flag.wait())
            await asyncio.sleep(0)  # the task waits
            threading.Thread(target=flag.set).start()
            await asyncio.wait_for_ms(waiting, 10_000)
            flag.set()
            await flag.wait()  # set before: at once
            print("woken twice")
        asyncio.run(main())
        """)
    assert out == "woken twice\n"


# ---- the seeds' singleton

def test_every_ESPNow_call_returns_the_same_object_even_when_none_is_kept():
    out = run("""
        import espnow, aioespnow
        print(espnow.ESPNow() is espnow.ESPNow(), id(espnow.ESPNow()) == id(espnow.ESPNow()))
        print(aioespnow.AIOESPNow() is aioespnow.AIOESPNow())
        """)
    assert out.split() == ["True", "True", "True"]


def test_the_irq_callback_gets_the_singleton(pair, b):
    ea, eb = pair
    got = []
    done = threading.Event()

    def cb(e):
        got.append(e)
        e.irecv(0)
        done.set()

    eb.irq(cb)
    ea.send(B, b"x")
    assert done.wait(DEADLINE_S)
    assert got[0] is eb and got[0] is espnow_sim.espnow(b)


# ---- the board's boot globals (its _boot.py imports gc into __main__)

@pytest.mark.parametrize("form", ["-c", "file", "stdin", "-m"])
def test_gc_is_a_global_without_import_in_every_form(form, tmp_path):
    code = "gc.collect(); print(gc.mem_alloc() > 0, gc.mem_free() > 0)\n"
    if form == "-c":
        out = run(code)
    elif form == "file":
        script = tmp_path / "script.py"
        script.write_text(code)
        out = run(None, args=[str(script)])
    elif form == "stdin":
        out = run(None, args=[], stdin=code)
    else:
        (tmp_path / "script_module.py").write_text(code)
        out = run(None, env={"PYTHONPATH": str(tmp_path)}, args=["-m", "script_module"])
    assert out.split() == ["True", "True"]


# ---- the ESP-IDF version the board was built with (ESPNOW_VERSION)

def test_a_board_built_on_idf_5_4_or_later_says_1470_and_buffers_two_of_them():
    out = run("""
        import espnow, espnow_sim
        e = espnow.ESPNow()
        d = espnow_sim.Air().add_device()
        print(espnow.MAX_DATA_LEN, e.config('rxbuf'), espnow_sim.espnow(d).config('rxbuf'), e.config('version'))
        """, env={"ESPNOW_VERSION": "2"})
    assert out.split() == ["1470", "2968", "2968", "2"]


def test_the_default_board_is_the_seeds():
    out = run("import espnow; e = espnow.ESPNow(); print(espnow.MAX_DATA_LEN, e.config('rxbuf'), e.config('version'))")
    assert out.split() == ["250", "526", "1"]


def test_a_bad_ESPNOW_VERSION_is_a_clear_error():
    # The launcher's usage error, once, before any script runs (not CPython's
    # "Error in sitecustomize", then the same error again from the script's import).
    for args in (["-c", "import espnow"], ["-c", "print('ran')"], ["--sim", "2", "-c", "print('ran')"]):
        r = subprocess.run([LAUNCHER, *args], env={"ESPNOW_VERSION": "5"}, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and r.stdout == "", (args, r.stdout, r.stderr)
        assert r.stderr.splitlines() == [
            "espnow-python: ESPNOW_VERSION='5' is not an ESP-NOW version: use 1 (ESP-IDF before 5.4, 250-byte "
            "messages) or 2 (ESP-IDF 5.4 and later, 1470-byte messages)"], r.stderr


def test_a_v2_board_sends_1470_bytes_and_a_v1_board_on_the_same_air_counts_it_too_long():
    air = espnow_sim.Air()
    new = espnow_sim.espnow(air.add_device(mac=b"\x02\x00\x00\x00\x00\x02", version=2))
    old = espnow_sim.espnow(air.add_device(mac=b"\x02\x00\x00\x00\x00\x01", version=1))
    big = espnow_sim.espnow(air.add_device(mac=b"\x02\x00\x00\x00\x00\x03", version=2))
    for e in (new, old, big):
        e.active(True)
    new.add_peer(b"\x02\x00\x00\x00\x00\x01")
    new.add_peer(b"\x02\x00\x00\x00\x00\x03")
    assert new.send(b"\x02\x00\x00\x00\x00\x03", b"v" * 1470) is True
    assert big.recv(0)[1] == b"v" * 1470
    assert new.send(b"\x02\x00\x00\x00\x00\x01", b"w" * 600) is True  # its radio still ACKs
    assert old.recv(0) == (None, None)
    assert old.link_stats()["rx_too_long"] == 1
    for e in (new, old, big):
        e.active(False)


# ---- threads: no Python object is released under a C++ lock

def test_active_False_in_one_thread_and_config_in_another_never_deadlock():
    out = run("""
        import threading, espnow_sim
        e = espnow_sim.espnow(espnow_sim.Air().add_device())
        stop = False

        def churn():
            for _ in range(3000):
                e.active(True)
                e.irq(lambda obj: None)
                e.active(False)

        def configure():
            while not stop:
                e.config(timeout_ms=7)
                e.config('rxbuf')

        t1, t2 = threading.Thread(target=churn), threading.Thread(target=configure)
        t2.start(); t1.start(); t1.join()
        stop = True
        t2.join()
        print("done")
        """, timeout=120)
    assert out == "done\n"


# ---- send(msg) and asend(msg): one rule for a later target's error

def test_asend_raises_a_later_targets_CHAN_as_send_does(pair, a):
    import asyncio
    ea, eb = pair
    ea.add_peer(b"\x02\xcc\xcc\xcc\xcc\xcc", channel=6)  # the device is on channel 1
    with pytest.raises(OSError) as sync_err:
        ea.send(b"all")
    aio = espnow_sim.aioespnow(a)

    async def main():
        with pytest.raises(OSError) as async_err:
            await aio.asend(b"all")
        with pytest.raises(OSError) as nosync_err:
            await aio.asend(None, b"all", False)
        return async_err.value.args, nosync_err.value.args

    async_args, nosync_args = asyncio.run(main())
    assert sync_err.value.args[1] == "ESP_ERR_ESPNOW_CHAN"
    assert async_args == sync_err.value.args and nosync_args == sync_err.value.args


# ---- config(): all or nothing

def test_config_that_fails_changes_nothing(air):
    e = espnow_sim.espnow(air.add_device(sta_active=False))  # rate needs an active interface
    with pytest.raises(OSError):
        e.config(rxbuf=1000, timeout_ms=5, version=2, rate=espnow.RATE_54M)
    assert (e.config("rxbuf"), e.config("timeout_ms"), e.config("version")) == (526, 300000, 1)


# ---- peers_table is bounded (a difference from a board: see docs/python.md)

def test_peers_table_keeps_at_most_peers_table_max_senders(air):
    rx = espnow_sim.espnow(air.add_device(mac=b"\x02\x00\x00\x00\x01\x00"))
    rx.active(True)
    rx.config(peers_table_max=3)
    assert rx.config("peers_table_max") == 3
    senders = []
    for i in range(1, 6):
        e = espnow_sim.espnow(air.add_device(mac=bytes([2, 0, 0, 0, 0, i])))
        e.active(True)
        e.add_peer(b"\x02\x00\x00\x00\x01\x00")
        senders.append(e)
    for i in (1, 2, 3, 1, 4, 5):  # 1 is read again before 4 arrives
        senders[i - 1].send(b"\x02\x00\x00\x00\x01\x00", b"x")
        assert rx.recv(0)[0] == bytes([2, 0, 0, 0, 0, i])
    assert set(rx.peers_table) == {bytes([2, 0, 0, 0, 0, i]) for i in (1, 4, 5)}
    assert rx.peers_table_evictions() == 2
    with pytest.raises(ValueError):
        rx.config(peers_table_max=0)
    for e in senders + [rx]:
        e.active(False)


# ---- reports of an earlier activation never reach the next one

def test_send_reports_from_before_active_False_do_not_reach_the_next_activation():
    air = espnow_sim.Air(timing=True)  # airtime: frames wait in the radio's queue
    a, b = air.add_device(mac=b"\x02\xaa\x00\x00\x00\x01"), air.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    ea.active(True)
    eb.active(True)
    absent = b"\x02\xde\xad\x00\x00\x01"
    ea.add_peer(absent)
    for _ in range(5):  # each fails only after its retries, one after another
        ea.send(absent, b"x" * 250, False)
    ea.active(False)  # the five count as failed responses now
    ea.active(True)
    ea.add_peer(B)
    assert ea.send(B, b"after") is True  # a stale failure report used to complete it
    assert eb.recv(1000)[1] == b"after"
    assert ea.stats()[:3] == (6, 6, 5)  # not counted twice
    ea.active(False)
    eb.active(False)
