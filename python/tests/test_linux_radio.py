"""ESPNOW_RADIO: MicroPython scripts through the launcher on the Linux radio's
veth test transport (linux-test:IFACE) in two network namespaces, and the
error a user meets with a missing interface. Root only (namespaces)."""
import subprocess
import sys
from pathlib import Path

import pytest

from test_processes import EXAMPLES, LAUNCHER, readline, stop

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "tools"))
from veth_namespaces import veth_namespaces  # noqa: E402  (shared with the CLI's veth tests)


@pytest.fixture
def veth():
    with veth_namespaces("py") as net:
        yield net


def in_ns(ns, radio, mac, args, **kw):
    env = {"ESPNOW_RADIO": radio, "ESPNOW_MAC": mac}
    return ["ip", "netns", "exec", ns, "env", "-i", *(f"{k}={v}" for k, v in env.items()), LAUNCHER, *args]


def test_a_micropython_sender_and_echo_server_talk_over_the_linux_radio(veth):
    echo = subprocess.Popen(in_ns(veth["ns_b"], f"linux-test:{veth['vb']}", "02:00:00:00:ec:40",
                                  [str(EXAMPLES / "mp_echo.py")]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert readline(echo).startswith("echo server 02:00:00:00:ec:40")
        code = (Path(EXAMPLES / "mp_sender.py").read_text().replace("N = const(1000)", "N = const(200)"))
        r = subprocess.run(in_ns(veth["ns_a"], f"linux-test:{veth['va']}", "02:00:00:00:5e:0d", ["-c", code]),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("sent 200, lost 0"), r.stdout + r.stderr
    finally:
        stop(echo)


def test_a_missing_interface_is_an_oserror_that_names_it():
    r = subprocess.run([LAUNCHER, "-c", "import espnow\ntry:\n    espnow.ESPNow()\nexcept OSError as err:\n    print(err)"],
                       env={"ESPNOW_RADIO": "linux:wlan-nope9"}, capture_output=True, text=True, timeout=60)
    assert "cannot open the radio" in r.stdout and "wlan-nope9" in r.stdout, r.stdout + r.stderr


def test_the_linux_radios_mac_cannot_be_changed_from_python(veth):
    code = ("import network\nw = network.WLAN(0)\nw.active(True)\nprint(w.config('mac').hex())\n"
            "try:\n    w.config(mac=b'\\x02' * 6)\nexcept OSError as err:\n    print('refused:', err)\n")
    r = subprocess.run(in_ns(veth["ns_a"], f"linux-test:{veth['va']}", "02:00:00:00:00:0a", ["-c", code]),
                       capture_output=True, text=True, timeout=60)
    lines = r.stdout.splitlines()
    assert lines[0] == "02000000000a", r.stdout + r.stderr
    assert lines[1].startswith("refused:") and "ip link" in lines[1]
