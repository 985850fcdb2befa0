"""machine.Pin as a board's pad: pulls, outputs read back, irq handlers on
edges, machine.ADC reading a pin's voltage (ADC2 taken by the Wi-Fi), and
espnow-python --sim's --gpio driving a device's pin at a virtual instant (a
button pressed, a battery's voltage)."""
import os
import subprocess
import textwrap
from pathlib import Path

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"
ENV = {"ESPNOW_AIR": "udp://239.255.77.78:47978", "ESPNOW_MAC": "02:12:34:56:78:9b"}


def run_c(code):
    return subprocess.run([LAUNCHER, "-c", textwrap.dedent(code)], env=ENV, capture_output=True, text=True,
                          timeout=60)


def sim(*args):
    return subprocess.run([LAUNCHER, "--sim", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_a_pulled_up_input_reads_1_and_an_output_reads_back_its_level():
    # The classic loop `if not button.value(): send()` must not see a press
    # nobody made: a released button to ground reads its pull-up.
    r = run_c("""\
        from machine import Pin
        button = Pin(0, Pin.IN, Pin.PULL_UP)
        down = Pin(4, Pin.IN, Pin.PULL_DOWN)
        floating = Pin(5, Pin.IN)
        led = Pin(2, Pin.OUT, value=1)
        print(button.value(), down.value(), floating.value(), led.value(), Pin(2).value())
        led.off()
        drain = Pin(13, Pin.OPEN_DRAIN, Pin.PULL_UP, value=0)
        print(led(), drain.value(), end=" ")
        drain.value(1)  # released: its pull-up
        print(drain.value())
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["1 0 0 1 1", "0 0 1"]


def test_pins_an_esp32_does_not_have_and_bad_modes_are_refused():
    r = run_c("""\
        from machine import Pin
        for args in ((24,), (40,), (-1,), ("X",), (2, 99), (2, Pin.IN, 7)):
            try:
                Pin(*args)
            except ValueError as e:
                print(e)
        try:
            Pin(2).irq(handler=5)
        except TypeError as e:
            print(e)
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["invalid pin"] * 4 + ["invalid pin mode", "invalid pull",
                                                          "handler must be callable or None"]


def test_a_scripts_own_output_edges_call_its_handlers_hard_at_once_soft_when_scheduled():
    r = run_c("""\
        from machine import Pin
        seen = []
        def settle():  # a Python call: the interpreter runs what was scheduled before it
            pass
        p = Pin(2, Pin.OUT, value=0)
        irq = p.irq(lambda pin: seen.append(("soft", pin.value())), Pin.IRQ_RISING)
        q = Pin(4, Pin.OUT, value=1)
        q.irq(lambda pin: seen.append(("hard", pin.value())), Pin.IRQ_FALLING, hard=True)
        p.on(); p.off(); p.on()   # two rising edges
        q.off(); at_once = ("hard", 0) in seen; q.on()  # one falling edge, its handler within off()
        q.on()                    # no change: no edge
        settle()                  # the scheduled ones have run by now
        print(at_once, sorted(seen), irq.trigger() == Pin.IRQ_RISING)
        p.irq(handler=None)
        p.off(); p.on()
        settle()
        print(len(seen))
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["True [('hard', 0), ('soft', 1), ('soft', 1)] True", "3"]


def test_disable_irq_holds_a_hard_handler_until_enable_irq_and_not_a_soft_one():
    # A script guards what its handlers share with disable_irq()/enable_irq():
    # a hard handler's edge waits (a GPIO's interrupt stays latched while the
    # CPU masks it), a scheduled one does not (the scheduler is not masked).
    r = run_c("""\
        import machine
        from machine import Pin
        seen = []
        def settle():
            pass
        q = Pin(4, Pin.OUT, value=1)
        q.irq(lambda pin: seen.append("hard"), Pin.IRQ_FALLING, hard=True)
        p = Pin(2, Pin.OUT, value=0)
        p.irq(lambda pin: seen.append("soft"), Pin.IRQ_RISING)
        outer = machine.disable_irq()
        inner = machine.disable_irq()   # nested: restoring it keeps them masked
        q.off(); p.on(); settle()
        print(seen)
        machine.enable_irq(inner)
        print(seen)
        machine.enable_irq(outer)       # unmasked: the held edge's handler runs now, once
        print(seen)
        q.on(); q.off()
        print(seen)
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["['soft']", "['soft']", "['soft', 'hard']", "['soft', 'hard', 'hard']"]


def test_sim_gpio_edge_while_irqs_are_disabled_runs_its_hard_handler_at_enable_irq(tmp_path):
    script = tmp_path / "masked.py"
    script.write_text(textwrap.dedent("""\
        import machine, time
        from machine import Pin
        Pin(0, Pin.IN, Pin.PULL_UP).irq(lambda pin: print("edge at", time.ticks_ms()), Pin.IRQ_FALLING, hard=True)
        time.sleep_ms(500)
        state = machine.disable_irq()
        time.sleep_ms(1000)          # the button is pressed at 1 s
        print("enable at", time.ticks_ms())
        machine.enable_irq(state)
        time.sleep_ms(1000)
        """))
    r = sim(1, "--sim-seconds", 3, "--boot-spread", 0, "--gpio", "1:0=0@1", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["02:00:00:00:00:01 enable at 1500", "02:00:00:00:00:01 edge at 1500"]


def test_pwm_keeps_what_the_script_sets_in_every_unit_and_refuses_what_the_port_refuses():
    # An ESP-NOW remote's receiver dims an LED or turns a servo with PWM; with
    # no hardware behind it, the settings are kept and read back as the
    # ESP32 port reads them.
    r = run_c("""\
        from machine import Pin, PWM
        led = PWM(Pin(2))
        print(led.freq(), led.duty(), led.duty_u16())        # the port's defaults: 5 kHz, 50%
        servo = PWM(Pin(13), freq=50, duty_u16=4915)
        print(servo.freq(), servo.duty_u16(), servo.duty(), servo.duty_ns())
        servo.duty_ns(2_000_000)
        print(servo.duty_ns(), servo.duty_u16())
        led.duty(1023); print(led.duty(), led.duty_u16())
        led.init(freq=1000, duty=256); print(led.freq(), led.duty())
        for bad in (lambda: led.freq(0), lambda: led.freq(40_000_001), lambda: led.duty(1024),
                    lambda: led.duty_u16(-1), lambda: PWM(Pin(24))):
            try:
                bad()
            except ValueError as e:
                print(e)
        try:
            led.init(freq=2000, duty=2000)
        except ValueError:
            print(led.freq(), led.duty())           # a bad setting: none of them taken
        led.deinit()
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "5000 512 32768",
        "50 4915 76 1499962",
        "2000000 6554",
        "1023 65535",
        "1000 256",
        "frequency must be from 1Hz to 40MHz", "frequency must be from 1Hz to 40MHz",
        "duty must be from 0 to 1023", "duty_u16 must be from 0 to 65535", "invalid pin",
        "1000 256",
    ]


def test_signal_inverts_an_active_low_led():
    r = run_c("""\
        from machine import Pin, Signal
        led = Signal(Pin(2, Pin.OUT, value=1), invert=True)   # wired to 3.3 V: lit when the pin is low
        print(led.value(), Pin(2).value())
        led.on(); print(led.value(), Pin(2).value())
        led(0); print(led(), Pin(2).value())
        plain = Signal(4, Pin.OUT)
        plain.value(1); print(plain.value(), Pin(4).value())
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["0 1", "1 0", "0 1", "1 1"]


def test_sim_gpio_presses_buttons_and_each_press_is_broadcast_once_the_same_every_run():
    args = [3, "--sim-seconds", 3, "--gpio", "1:0=0@1", "--gpio", "1:0=z@1.2", "--gpio=3:0=0@2",
            "--gpio", "3:0=z@2.001", EXAMPLES / "mp_button_remote.py"]
    first = sim(*args)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert [line for line in lines if "button pressed" in line] == [
        "02:00:00:00:00:01 button pressed at 990 ms: sending press 1",  # 1 s, its script booted at 10 ms
        "02:00:00:00:00:03 button pressed at 1941 ms: sending press 1",
    ]
    heard = sorted(line for line in lines if "heard" in line)
    assert heard == ["02:00:00:00:00:01 heard press 1 from 02:00:00:00:00:03",
                     "02:00:00:00:00:02 heard press 1 from 02:00:00:00:00:01",
                     "02:00:00:00:00:02 heard press 1 from 02:00:00:00:00:03",
                     "02:00:00:00:00:03 heard press 1 from 02:00:00:00:00:01"]
    assert sim(*args).stdout == first.stdout


def test_sim_gpio_drives_an_input_and_a_reset_keeps_what_is_wired(tmp_path):
    script = tmp_path / "wired.py"
    script.write_text(textwrap.dedent("""\
        import machine, time
        from machine import Pin
        p = Pin(4, Pin.IN, Pin.PULL_UP)
        print(machine.reset_cause() == machine.PWRON_RESET, p.value())
        time.sleep(1)
        print(p.value())
        if machine.reset_cause() == machine.PWRON_RESET:
            machine.reset()
        """))
    r = sim(1, "--sim-seconds", 3, "--boot-spread", 0, "--gpio", "1:4=0@0.5", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["02:00:00:00:00:01 True 1", "02:00:00:00:00:01 0",
                                     "02:00:00:00:00:01 False 0", "02:00:00:00:00:01 0"]


def test_sim_gpio_refuses_what_it_cannot_drive(tmp_path):
    script = tmp_path / "idle.py"
    script.write_text("pass\n")
    for arg, message in (("3:0=0@1", "there is no device 3 of 2"),
                         ("1:24=0@1", "an ESP32 has no pin 24 (0..39 but 20, 24 and 28..31)"),
                         ("1:0=2@1", "takes DEVICE:PIN=LEVEL@SECONDS (LEVEL 0, 1, z, or millivolts as 1650mV "
                                     "up to 5000mV), got '1:0=2@1'"),
                         ("1:34=5001mV@1", "got '1:34=5001mV@1'"), ("1:34=-5mV@1", "got '1:34=-5mV@1'"),
                         ("1:0=0", "got '1:0=0'"), ("0:0=0@1", "got '0:0=0@1'")):
        r = sim(2, "--gpio", arg, script)
        assert r.returncode == 2, (arg, r.stderr)
        assert message in r.stderr, (arg, r.stderr)


def test_an_adc_converts_the_pins_level_ideally_at_each_attenuation_and_width():
    r = run_c("""\
        from machine import ADC, Pin
        low = ADC(Pin(34), atten=ADC.ATTN_11DB)  # input only, no pull: 0 V
        print(low.read(), low.read_u16(), low.read_uv())
        Pin(32, Pin.IN, Pin.PULL_UP)             # 3.3 V through its pull-up
        high = ADC(32, atten=ADC.ATTN_11DB)
        print(high.read(), high.read_u16(), high.read_uv())
        high.atten(ADC.ATTN_0DB)                 # 1.1 V full scale: clamped
        print(high.read(), high.read_u16())
        high.width(ADC.WIDTH_9BIT)
        print(high.read(), high.read_u16())
        for make in (lambda: ADC(Pin(5)), lambda: ADC(Pin(34), atten=7), lambda: high.width(8)):
            try:
                make()
            except ValueError as e:
                print(e)
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["0 0 0", "3465 55453 3300000", "4095 65535", "511 65535",
                                     "invalid Pin for ADC", "invalid attenuation", "invalid bit-width"]


def test_an_adc2_pin_times_out_while_the_wlan_is_active_as_on_a_board():
    # The ESP32 quickref: ADC2 is the Wi-Fi's; an ESP-NOW node's sensor on
    # pin 4 reads nothing once the WLAN is up.
    r = run_c("""\
        import errno, network
        from machine import ADC, Pin
        Pin(4, Pin.IN, Pin.PULL_UP)
        adc2 = ADC(Pin(4), atten=ADC.ATTN_11DB)
        sta = network.WLAN(network.STA_IF)
        sta.active(False)
        print(adc2.read_uv())
        sta.active(True)
        try:
            adc2.read()
        except OSError as e:
            print(e.errno == errno.ETIMEDOUT, e.args[1])
        print(ADC(Pin(35)).read())  # ADC1 is free
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["3300000", "True ESP_ERR_TIMEOUT", "0"]


def test_sim_gpio_puts_a_voltage_on_a_devices_adc_pin(tmp_path):
    script = tmp_path / "battery.py"
    script.write_text(textwrap.dedent("""\
        import time
        from machine import ADC, Pin
        battery = ADC(Pin(34), atten=ADC.ATTN_11DB)
        for _ in range(3):
            print(battery.read_uv() // 1000, "mV")
            time.sleep(1)
        """))
    r = sim(1, "--sim-seconds", 3, "--boot-spread", 0, "--gpio", "1:34=1650mV@0.5", "--gpio", "1:34=z@1.5", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["02:00:00:00:00:01 0 mV", "02:00:00:00:00:01 1650 mV", "02:00:00:00:00:01 0 mV"]
