"""Fixtures for tests of ESP-NOW code on an in-process air (espnow_sim):
`air` is a fresh air; `a` and `b` are two devices on it, STA active, channel 1;
`ea`/`eb` their ESPNow objects, already active, with B a peer of A."""
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

import espnow_sim

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))

A = b"\x02\xaa\xaa\xaa\xaa\xaa"
B = b"\x02\xbb\xbb\xbb\xbb\xbb"
C = b"\x02\xcc\xcc\xcc\xcc\xcc"
GROUP = b"\xbb" * 6  # the seeds' peer: a group address
ABSENT = b"\x02\xde\xad\x00\x00\x01"
# How long a test waits for what another thread does before it fails: the
# wait ends as soon as the thing happens, so only a failing test waits it out,
# and a host with every core taken by builds (CI's, a developer's) once made
# a callback's traceback take longer than the 5 s some waits allowed.
DEADLINE_S = 60
BROADCAST = b"\xff" * 6


@pytest.fixture
def air():
    return espnow_sim.Air()


@pytest.fixture
def a(air):
    return air.add_device(mac=A)


@pytest.fixture
def b(air):
    return air.add_device(mac=B)


@pytest.fixture
def ea(a):
    e = espnow_sim.espnow(a)
    yield e
    e.active(False)


@pytest.fixture
def eb(b):
    e = espnow_sim.espnow(b)
    yield e
    e.active(False)


@pytest.fixture
def pair(ea, eb):
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    return ea, eb


def oserror_name(excinfo):
    return excinfo.value.args[1]


def sim_lines(tmp_path, script, *args):
    """`espnow-python --sim ARGS` on `script` (dedented), which must end well: the lines its
    copies printed, without their MACs."""
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(script))
    r = subprocess.run([LAUNCHER, "--sim", *map(str, args), path], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return [line.split(" ", 1)[1] for line in r.stdout.splitlines()]
