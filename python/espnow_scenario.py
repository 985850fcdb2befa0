"""espnow sim with programs: a scenario (espnow sim's JSON) in which some
nodes name a MicroPython script ("program": "node.py", relative to the
scenario's folder). Every node is then a whole device (radio, SoftLink,
ESPNow) of one Simulation on the discrete-event air, in virtual time:

- a node with a program runs its script unmodified, as `espnow-python --sim`
  runs a copy (its own globals and device; every line it prints starts with
  its MAC);
- every other node sends its traffic entries as a program would: each
  message (of the entry's size, at least 8 bytes) starts with "sc", the
  entry's index and the message's number, unicasts with send(sync=True) and
  group messages with sync=False; between sends it receives, counting the
  entries' messages by sender.

    espnow-python --sim-scenario SCENARIO.json --checked [--json] [--pcap FILE]

(`espnow sim` runs this itself when a node has a program, after checking the
scenario, and says so with --checked; run without it, this says to use
`espnow sim`.) The summary counts, per traffic entry, messages offered, sent,
acknowledged (unicast), failed, and received by each node without a
program (a program's receptions are its own). The same scenario gives the
same run, line for line.
"""
import argparse
import json
import math
import os
import random
import struct
import sys
import tempfile
import time

import espnow_sim
import espnow_simulate as _launcher

_MAGIC = b"sc"
_HEADER = struct.Struct("<2sHI")  # magic, traffic index, message number


def _mac(text):
    return bytes.fromhex(text.replace(":", "").replace("-", ""))  # espnow sim takes all three spellings


def _programs(scenario, folder):
    """Each program node's script (index -> (path, source)), compiled once here so that a
    script that cannot run is refused before the run, as espnow sim refuses a bad entry."""
    programs = {}
    for index, node in enumerate(scenario["nodes"]):
        if "program" not in node:
            continue
        script = os.path.join(folder, node["program"])
        with open(script) as file:
            source = file.read()
        try:
            compile(source, script, "exec")
        except SyntaxError as e:
            raise _BadProgram("nodes[%d].program: %s line %s: %s" % (index, node["program"], e.lineno, e.msg))
        programs[index] = (script, source)
    return programs


class _BadProgram(Exception):
    pass


def _warn_of_dead_programs(scenario, powers):
    """A program that raised ended its node only, as a board's would: its traceback scrolled
    by during the run, and the counts it leaves look merely poor, so the end says so."""
    for index, power in sorted(powers.items()):
        if power.died_of is not None:
            print("espnow sim: warning: nodes[%d].program (%s) ended with %s (its traceback is above); "
                  "what it would have sent or counted after that is missing"
                  % (index, scenario["nodes"][index]["mac"].lower(), power.died_of), file=sys.stderr)


class _Flow:
    def __init__(self, index, entry, rng):
        self.index = index
        self.to = _mac(entry["to"])
        self.to_text = entry["to"].lower()
        self.from_text = entry["from"].lower()
        self.bytes = int(entry.get("bytes", 250))
        self.interval = float(entry.get("interval_ms", 100.0)) / 1000.0
        self.arrival = entry.get("arrival", "periodic")
        self.unicast = not (self.to[0] & 1)
        self.rng = rng
        self.next = self.interval * rng.random() if self.arrival == "periodic" else self._gap()
        self.offered = self.sent = self.acked = self.failed = 0
        self.received = {}

    def _gap(self):
        if self.arrival == "poisson":
            return self.rng.expovariate(1.0 / self.interval)
        return self.interval if self.arrival == "periodic" else 0.0

    def message(self, number):
        body = _HEADER.pack(_MAGIC, self.index, number)
        return body + bytes(self.bytes - len(body))

    def report(self):
        r = {"from": self.from_text, "to": self.to_text, "offered": self.offered, "sent": self.sent,
             "failed": self.failed, "received": self.received}
        if self.unicast:
            r["acked"] = self.acked
        return r


def _traffic_node(sim, mac_text, flows, all_flows):
    """A node without a program: sends its flows, counts what it receives of any flow."""
    def run(device):
        e = espnow_sim.espnow(device)
        e.active(True)
        for f in flows:
            try:
                e.add_peer(f.to)
            except OSError:
                pass  # already a peer
        start = sim.now()
        while True:
            due = min((start + f.next for f in flows), default=None)
            wait = None if due is None else max(0.0, due - sim.now())
            mac, msg = e.recv(10**9 if wait is None else math.ceil(wait * 1000))
            if msg is not None and len(msg) >= _HEADER.size:
                magic, index, _ = _HEADER.unpack_from(msg)
                if magic == _MAGIC and index < len(all_flows):
                    counts = all_flows[index].received
                    counts[mac_text] = counts.get(mac_text, 0) + 1
            for f in flows:
                if start + f.next <= sim.now():
                    _send(e, f)
                    f.next += f._gap() if f.arrival != "saturated" else (sim.now() - start - f.next)
    return run


def _send(e, f):
    f.offered += 1
    try:
        ok = e.send(f.to, f.message(f.offered - 1), f.unicast)
    except OSError:
        f.failed += 1
        return
    f.sent += 1
    if f.unicast:
        if ok:
            f.acked += 1
        else:
            f.failed += 1


def run(path, as_json=False, pcap=None):
    with open(path) as file:
        scenario = json.load(file)
    folder = os.path.dirname(os.path.abspath(path))
    seed = int(scenario.get("seed", 1))
    duration = float(scenario.get("duration_s", 10.0))
    air = scenario.get("air", {})
    try:
        programs = _programs(scenario, folder)
    except _BadProgram as e:
        print("espnow sim: %s: %s" % (path, e), file=sys.stderr)
        return 2
    random.seed(seed)  # the scripts draw in the simulation's fixed order: the run repeats
    sim = espnow_sim.Simulation(seed=seed, path_loss_exponent=float(air.get("path_loss_exponent", 3.0)),
                                reference_loss_db=float(air.get("reference_loss_db", 40.0)))
    if pcap:
        try:
            sim.capture(pcap)
        except OSError as e:
            print("espnow sim: --pcap: %s" % e, file=sys.stderr)
            return 1
    _launcher._install_virtual_time(sim)
    out = sys.stdout
    # With --json, stdout is the one object: the programs' lines go to stderr.
    sys.stdout = _launcher._PrefixedOutput(sys.stderr if as_json else out)
    rng = random.Random(seed ^ 0x5CE7)
    flows = [_Flow(i, t, rng) for i, t in enumerate(scenario.get("traffic", []))]
    flash_root = tempfile.TemporaryDirectory(prefix="espnow-sim-flash-")  # each program's board's own files
    powers = {}  # program nodes by index
    for index, node in enumerate(scenario["nodes"]):
        text = node["mac"].lower()
        options = dict(mac=_mac(text), position=tuple(node.get("pos", (0.0, 0.0))), channel=int(node.get("channel", 1)),
                       tx_power_dbm=float(node.get("tx_power_dbm", 20.0)), long_range=bool(node.get("long_range", False)))
        if index in programs:
            script, source = programs[index]
            power = _launcher._Power(index, _launcher._board_flash(flash_root.name, options["mac"], script))
            powers[index] = power
            sim.add_device(_launcher._program(source, script, options["mac"], power), sta_active=False, **options)
        else:
            mine = [f for f in flows if f.from_text == text]
            sim.add_device(_traffic_node(sim, text, mine, flows), **options)
    t0 = time.monotonic()
    stopped = _launcher._run_until_signal(sim, duration, "espnow sim", "; what was counted up to there follows")
    wall = time.monotonic() - t0
    sim_seconds = sim.now()
    del sim  # ends the programs still running
    flash_root.cleanup()
    sys.stdout.flush()
    sys.stdout = out
    _warn_of_dead_programs(scenario, powers)
    summary = {"mode": "devices", "flows": [f.report() for f in flows], "sim_seconds": sim_seconds,
               "wall_seconds": wall}
    if as_json:
        print(json.dumps(summary))
    else:
        for f in flows:
            r = f.report()
            acked = " acked %d," % r["acked"] if f.unicast else ""
            print("traffic[%d] %s -> %s: offered %d, sent %d,%s failed %d, received %s" % (
                f.index, r["from"], r["to"], r["offered"], r["sent"], acked, r["failed"],
                ", ".join("%s %d" % kv for kv in sorted(r["received"].items())) or "by no node without a program"))
        print("%.1f simulated s in %.2f wall s" % (sim_seconds, wall))
    return 128 + stopped if stopped else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="espnow-python --sim-scenario", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--json", action="store_true", help="the summary as one JSON object")
    parser.add_argument("--pcap", help="write every frame on the air to this pcap file")
    parser.add_argument("--checked", action="store_true", help=argparse.SUPPRESS)  # by espnow sim
    a = parser.parse_args(argv)
    if not a.checked:  # its checks are espnow sim's: without them a bad entry runs as nothing
        parser.error("run the scenario with `espnow sim %s`, which checks it first" % a.scenario)
    return run(a.scenario, a.json, a.pcap)


if __name__ == "__main__":
    sys.exit(main())
