"""The ESP32 port's esp and esp32 modules: osdebug, the flash's size, the
die's temperature, NVS through resets, and the RTC's pads waking a deep
sleep under --sim (the pads driven by --gpio, on virtual time)."""
import os
import subprocess
from pathlib import Path

from conftest import LAUNCHER, sim_lines as sim

AIR = "udp://239.255.77.%d:%d" % (150 + os.getpid() % 50, 30000 + os.getpid() % 20000)


NVS = """\
import esp, esp32, machine
esp.osdebug(None)
nvs = esp32.NVS("app")
try:
    boots = nvs.get_i32("boots")
except OSError as e:
    print("erased flash", e.args)
    boots = 0
nvs.set_i32("boots", boots + 1)
nvs.set_blob("peer", b"\\x02\\x00\\x00\\x00\\x00\\x09")
nvs.commit()
buf = bytearray(8)
print("boot", boots, nvs.get_blob("peer", buf), bytes(buf[:6]), esp.flash_size(), esp32.raw_temperature())
if boots == 0:
    for call in (lambda: nvs.get_blob("peer", bytearray(2)), lambda: nvs.get_i32("peer"),
                 lambda: esp32.NVS("sixteen-letters!"), lambda: nvs.set_i32("x", 1 << 31),
                 lambda: nvs.erase_key("nope"), lambda: esp32.wake_on_ext0(machine.Pin(5), 0)):
        try:
            call()
        except (OSError, OverflowError, ValueError) as e:
            print(type(e).__name__, e.args)
    machine.deepsleep(100)
elif boots == 1:
    machine.reset()
elif boots == 2:
    machine.soft_reset()
else:
    nvs.erase_key("peer")
    print("peer erased", nvs.get_i32("boots"))
"""

NVS_OUT = [
    "erased flash (-4354, 'ESP_ERR_NVS_NOT_FOUND')",
    "boot 0 6 b'\\x02\\x00\\x00\\x00\\x00\\t' 4194304 128",
    "OSError (-4364, 'ESP_ERR_NVS_INVALID_LENGTH')",
    "OSError (-4354, 'ESP_ERR_NVS_NOT_FOUND')",  # the key holds a blob, not an i32
    "OSError (-4361, 'ESP_ERR_NVS_KEY_TOO_LONG')",
    "OverflowError ('overflow converting long int to machine word',)",
    "OSError (-4354, 'ESP_ERR_NVS_NOT_FOUND')",
    "ValueError ('invalid pin for wake',)",  # pad 5 is not one the RTC watches
    "boot 1 6 b'\\x02\\x00\\x00\\x00\\x00\\t' 4194304 128",  # after a deep sleep
    "boot 2 6 b'\\x02\\x00\\x00\\x00\\x00\\t' 4194304 128",  # a reset
    "boot 3 6 b'\\x02\\x00\\x00\\x00\\x00\\t' 4194304 128",  # a soft reset
    "peer erased 4",
]


def test_nvs_lasts_through_every_reset_of_the_run_and_says_what_the_port_says(tmp_path):
    assert sim(tmp_path, NVS, 1, "--sim-seconds", 5) == NVS_OUT
    path = tmp_path / "nvs.py"
    path.write_text(NVS)
    r = subprocess.run([LAUNCHER, path], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, ESPNOW_AIR=AIR))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == NVS_OUT  # a process: the launcher executed again each time


def test_osdebug_none_and_log_none_silences_the_task_watchdogs_error_line(tmp_path):
    out = sim(tmp_path, """\
        import esp, machine
        if machine.reset_cause() == machine.WDT_RESET:
            print("reset by the watchdog")
        else:
            esp.osdebug(None, esp.LOG_NONE)
            machine.WDT(timeout=1000)
            machine.lightsleep(2000)
        """, 1, "--sim-seconds", 5)
    assert out == ["reset by the watchdog"], out


WAKE = """\
import esp32, machine, time
print("boot", machine.reset_cause(), machine.wake_reason(), "at", round(time.time() - 946684800, 3))
button = machine.Pin(0, machine.Pin.IN, machine.Pin.PULL_UP)
esp32.wake_on_ext0(button, esp32.WAKEUP_ALL_LOW)
esp32.wake_on_ext1([machine.Pin(32), machine.Pin(33)], esp32.WAKEUP_ANY_HIGH)
if machine.RTC().memory() == b"":
    machine.RTC().memory(b"1")
    machine.deepsleep()  # until the button or a sensor's line
elif machine.RTC().memory() == b"1":
    machine.RTC().memory(b"2")
    print("button held:", button.value())
    machine.deepsleep(10000)  # the RTC wakes on a level: at once, the button still down
elif machine.RTC().memory() == b"2":
    machine.RTC().memory(b"3")
    while not button.value():
        time.sleep(0.1)  # let go at 3.5 s
    machine.deepsleep(10000)  # until pad 33 goes high
else:
    print("done")
"""


def test_the_rtcs_pads_wake_a_deep_sleep_on_their_levels(tmp_path):
    out = sim(tmp_path, WAKE, 1, "--sim-seconds", 20, "--boot-spread", 0, "--gpio", "1:0=0@3", "--gpio", "1:0=1@3.5",
              "--gpio", "1:33=1@6", "--gpio", "1:33=0@6.5")
    assert out == [
        "boot 1 0 at 0.0",  # power-on
        "boot 4 2 at 3.0",  # DEEPSLEEP_RESET, EXT0_WAKE: the button pressed
        "button held: 0",
        "boot 4 2 at 3.0",  # again at once
        "boot 4 3 at 6.0",  # EXT1_WAKE: pad 33 high
        "done",
    ], out


def test_a_pins_irq_with_a_wake_level_is_the_ext0_wake_up_as_in_the_port(tmp_path):
    out = sim(tmp_path, """\
        import machine, time
        from machine import Pin
        print("boot", machine.wake_reason(), "at", round(time.time() - 946684800, 3))
        if machine.wake_reason() == 0:
            for call in (lambda: Pin(0).irq(trigger=Pin.WAKE_LOW, wake=1),
                         lambda: Pin(5).irq(trigger=Pin.WAKE_LOW, wake=machine.DEEPSLEEP)):
                try:
                    call()
                except ValueError as e:
                    print(e)
            Pin(0, Pin.IN, Pin.PULL_UP).irq(trigger=Pin.WAKE_LOW, wake=machine.DEEPSLEEP)
            try:
                Pin(4).irq(trigger=Pin.WAKE_HIGH, wake=machine.DEEPSLEEP)  # ext0 has one pad
            except ValueError as e:
                print(e)
            machine.deepsleep()
        """, 1, "--sim-seconds", 5, "--boot-spread", 0, "--gpio", "1:0=0@2")
    assert out == ["boot 0 at 0.0", "bad wake value", "invalid pin for wake", "no resources", "boot 2 at 2.0"], out


def test_neopixel_keeps_its_pixels_in_the_leds_order(tmp_path):
    out = sim(tmp_path, """\
        import machine, neopixel
        np = neopixel.NeoPixel(machine.Pin(8), 3)
        np[0] = (255, 0, 0)
        np[-1] = (0, 0, 9)
        np.write()
        print(len(np), np[0], np[2], bytes(np.buf))
        np.fill((1, 2, 3))
        print(np[1], bytes(np.buf))
        try:
            np[3] = (0, 0, 0)
        except IndexError as e:
            print(e)
        """, 1, "--sim-seconds", 1)
    assert out == ["3 (255, 0, 0) (0, 0, 9) b'\\x00\\xff\\x00\\x00\\x00\\x00\\x00\\x00\\t'",
                   "(1, 2, 3) b'\\x02\\x01\\x03\\x02\\x01\\x03\\x02\\x01\\x03'", "NeoPixel index out of range"], out


def test_a_boot_py_that_starts_webrepl_and_sets_the_clock_by_ntp_goes_on(tmp_path):
    out = sim(tmp_path, """\
        import esp, ntptime, webrepl
        esp.osdebug(None)
        webrepl.start()
        ntptime.settime()
        print("ntp", ntptime.time())  # seconds since 2000: the simulation's clock starts there
        """, 1, "--sim-seconds", 1, "--boot-spread", 0)
    assert out == ["WebREPL is not configured, run 'import webrepl_setup'", "ntp 0"], out


DHT = """\
import dht, machine, time
sensors = dht.DHT22(machine.Pin(4)), dht.DHT11(machine.Pin(5))
for _ in range(3):
    line = [time.ticks_ms()]
    for s in sensors:
        try:
            s.measure()
            line += [s.temperature(), s.humidity()]
        except OSError as e:
            line.append("OSError %d" % e.errno)  # nothing on the pin: the read times out
    print(*line)
    time.sleep(1)
"""


def test_a_dht_sensor_on_a_pin_reads_what_dht_gives_and_none_times_out(tmp_path):
    out = sim(tmp_path, DHT, 1, "--sim-seconds", 5, "--boot-spread", 0, "--dht", "1:4=21.5,45@0.5",
              "--dht", "1:4=-3.2,60.1@1.5", "--dht", "1:5=dht11:22,40@0")
    assert out == ["0 OSError 110 22 40", "1000 21.5 45.0 22 40", "2000 -3.2 60.1 22 40"], out
    path = tmp_path / "process.py"
    path.write_text(DHT.replace("range(3)", "range(1)"))
    env = dict(os.environ, ESPNOW_AIR=AIR)
    r = subprocess.run([LAUNCHER, "--dht", "4=19,40", path], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[1:] == ["19.0", "40.0", "OSError", "110"], r.stdout
    for args, message in ((["--dht", "4=dht22:90,40", path], "a dht22 measures -40..80 C and 0..100 %"),
                          (["--dht", "4=dht33:9,40", path], "the sensor is dht11 or dht22"),
                          (["--sim", "1", "--dht", "2:4=9,40@0", path], "--dht: there is no device 2 of 1"),
                          (["--sim", "1", "--dht", "1:4=9,40", path], "takes DEVICE:PIN=")):
        r = subprocess.run([LAUNCHER, *args], capture_output=True, text=True, timeout=60, env=env)
        assert r.returncode == 2 and message in r.stderr, (args, r.returncode, r.stderr)


def test_the_dht_door_sensor_example_wakes_on_its_timer_and_its_door():
    example = Path(__file__).resolve().parents[2] / "examples" / "python" / "mp_dht_door_sensor.py"
    r = subprocess.run([LAUNCHER, "--sim", "3", "--sim-seconds", "60", "--dht", "2:4=21.5,45@0",
                        "--dht", "3:4=19.2,61@0", "--dht", "2:4=22,44@35", "--gpio", "2:0=0@40", "--gpio", "2:0=z@41",
                        example], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["02:00:00:00:00:01 02: power-on, 21.5 C 45.0 %",
                                     "02:00:00:00:00:01 03: power-on, 19.2 C 61.0 %",
                                     "02:00:00:00:00:01 02: timer, 21.5 C 45.0 %",
                                     "02:00:00:00:00:01 03: timer, 19.2 C 61.0 %",
                                     "02:00:00:00:00:01 02: door opened, 22.0 C 44.0 %"], r.stdout
