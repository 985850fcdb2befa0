"""`espnow sim SCENARIO.json`: the report's shape, determinism, and bad scenarios named with exit 2."""
import json
import os
import re
import selectors
import signal
import subprocess

import pytest

CLI = os.environ["ESPNOW_CLI"]

A, B, C = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03"


def base():
    return {"seed": 1, "duration_s": 2,
            "air": {"path_loss_exponent": 3.0, "reference_loss_db": 40.0},
            "nodes": [{"mac": A, "pos": [0, 0], "tx_power_dbm": 20, "channel": 1},
                      {"mac": B, "pos": [5, 0]}, {"mac": C, "pos": [0, 5]}],
            "traffic": [{"from": A, "to": "ff:ff:ff:ff:ff:ff", "bytes": 250, "interval_ms": 50, "arrival": "poisson"},
                        {"from": B, "to": A, "bytes": 100, "interval_ms": 20, "arrival": "periodic", "rate": "1M"}]}


def run(tmp_path, scenario, *extra):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    return subprocess.run([CLI, "sim", str(path), *extra], capture_output=True, text=True, timeout=60)


def test_json_report_has_flows_nodes_channels_and_counts(tmp_path):
    r = run(tmp_path, base(), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [(f["from"], f["to"]) for f in out["flows"]] == [(A, "ff:ff:ff:ff:ff:ff"), (B, A)]
    for f in out["flows"]:
        assert set(f) >= {"from", "to", "offered", "queue_drops", "sent", "acked", "failed", "received"}
    bcast, uni = out["flows"]
    assert bcast["acked"] == 0 and bcast["sent"] > 20
    assert set(bcast["received"]) <= {B, C}
    assert uni["offered"] == 100 and uni["acked"] >= 99 and list(uni["received"]) == [A]
    assert [n["mac"] for n in out["nodes"]] == [A, B, C]
    for n in out["nodes"]:
        assert set(n) >= {"mac", "transmissions", "receptions", "lost_collision", "lost_weak"}
    assert out["channels"][0]["channel"] == 1 and 0 < out["channels"][0]["busy_fraction"] < 1
    assert out["sim_seconds"] == 2 and out["events"] > 0 and out["wall_seconds"] >= 0


def test_the_same_scenario_gives_the_same_counts(tmp_path):
    first = json.loads(run(tmp_path, base(), "--json").stdout)
    second = json.loads(run(tmp_path, base(), "--json").stdout)
    assert (first["flows"], first["nodes"], first["events"]) == (second["flows"], second["nodes"], second["events"])
    other = base()
    other["seed"] = 2
    assert json.loads(run(tmp_path, other, "--json").stdout)["events"] != first["events"]


def test_without_json_a_readable_summary(tmp_path):
    r = run(tmp_path, base())
    assert r.returncode == 0
    assert "flows:" in r.stdout and "channel 1: busy" in r.stdout


def mutate(f):
    s = base()
    f(s)
    return s


@pytest.mark.parametrize("scenario, message", [
    (mutate(lambda s: s["traffic"][0].update({"from": "02:00:00:00:00:09"})), "traffic[0].from: 02:00:00:00:00:09 is not a node"),
    (mutate(lambda s: s["traffic"][1].update({"to": "02:00:00:00:00:09"})), "traffic[1].to: 02:00:00:00:00:09 is not a node"),
    (mutate(lambda s: s["nodes"][2].update({"mac": A})), "nodes[2].mac: " + A + " is already nodes[0]"),
    (mutate(lambda s: s["nodes"][1].update({"channel": 15})), "nodes[1].channel: 15 is not a channel"),
    (mutate(lambda s: s["traffic"][0].update({"interval_ms": -5})), "traffic[0].interval_ms: must be positive"),
    (mutate(lambda s: s["nodes"][1].update({"mac": "01:00:5e:00:00:01"})), "nodes[1].mac: 01:00:5e:00:00:01 is a group address"),
    (mutate(lambda s: s.update({"colour": "red"})), 'scenario: unknown key "colour"'),
    (mutate(lambda s: s["nodes"][0].update({"power": 3})), 'nodes[0]: unknown key "power"'),
    (mutate(lambda s: s["traffic"][0].update({"rate": "7M"})), "traffic[0].rate: not a rate"),
    (mutate(lambda s: s["traffic"][1].update({"to": B})), "traffic[1].to: " + B + " is the sender itself"),
    # Virtual time counts whole nanoseconds in 64 bits: an interval that
    # rounds to 0 never let time move on, a longer run wrapped around to 0 s.
    (mutate(lambda s: s["traffic"][1].update({"interval_ms": 1e-9})),
     "traffic[1].interval_ms: at least 0.000001 (one nanosecond)"),
    (mutate(lambda s: s.update({"duration_s": 1e-12})), "duration_s: at least 0.000000001"),
    (mutate(lambda s: s.update({"duration_s": 1e10})), "duration_s: at most 9e9"),
    (mutate(lambda s: s["air"].update({"path_loss_exponent": -3})), "air.path_loss_exponent: at least 0"),
    (mutate(lambda s: s["air"].update({"reference_loss_db": -40})), "air.reference_loss_db: at least 0"),
    # Espressif's LR rates need WLAN.config(protocol=PROTOCOL_LR) at both ends.
    (mutate(lambda s: s["traffic"][1].update({"rate": "LR250K"})),
     'traffic[1].rate: an LR rate needs long range at both ends, and nodes[1] (' + B + ') has no "long_range": true'),
    (mutate(lambda s: s["traffic"][1].update({"rate": "LR500K"}) or s["nodes"][1].update({"long_range": True})),
     'traffic[1].rate: an LR rate needs long range at both ends, and nodes[0] (' + A + ') has no "long_range": true'),
    (mutate(lambda s: s["nodes"][1].update({"long_range": "yes"})), "nodes[1].long_range: expected true or false"),
    # A typo in a power (100 for 10) would plan a link no ESP32 can make.
    (mutate(lambda s: s["nodes"][1].update({"tx_power_dbm": 100})), "nodes[1].tx_power_dbm: 100 is outside an ESP32's 2-21 dBm"),
    (mutate(lambda s: s["nodes"][0].update({"tx_power_dbm": -5.5})), "nodes[0].tx_power_dbm: -5.5 is outside an ESP32's 2-21 dBm"),
    # Flows go through SoftLink: ESP-NOW's peer table holds 20 peers.
    (mutate(lambda s: s["traffic"].extend({"from": C, "to": f"02:00:00:00:01:{i:02x}"} for i in range(21)) or
            s["nodes"].extend({"mac": f"02:00:00:00:01:{i:02x}"} for i in range(21))),
     "traffic[22].to: " + C + " would send to more than 20 peers"),
])
def test_a_bad_scenario_is_named_and_exits_2(tmp_path, scenario, message):
    r = run(tmp_path, scenario, "--json")
    assert r.returncode == 2
    assert message in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("arrival", ["periodic", "poisson"])
def test_an_interval_longer_than_the_run_offers_nothing(tmp_path, arrival):
    # 1e300 ms is past what virtual time counts: its conversion once wrapped
    # to a time in the past, and the flow offered messages forever at 0 s.
    s = mutate(lambda s: s["traffic"][1].update({"interval_ms": 1e300, "arrival": arrival}))
    r = run(tmp_path, s, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["flows"][1]["offered"] == 0 and out["flows"][0]["offered"] > 0 and out["sim_seconds"] == 2


def test_lr_rates_reach_the_long_range_nodes_only(tmp_path):
    # Every LR frame went undecoded when no scenario could make a node long range.
    s = mutate(lambda s: [s["nodes"][i].update({"long_range": True}) for i in (0, 1)])
    s["traffic"] = [{"from": A, "to": B, "bytes": 50, "interval_ms": 100, "rate": "LR250K"},
                    {"from": A, "to": "ff:ff:ff:ff:ff:ff", "bytes": 50, "interval_ms": 100, "rate": "LR500K"},
                    {"from": C, "to": B, "bytes": 50, "interval_ms": 100}]  # 1 Mbps: a long-range node hears both
    r = run(tmp_path, s, "--json")
    assert r.returncode == 0, r.stderr
    lr_unicast, lr_broadcast, plain = json.loads(r.stdout)["flows"]
    assert lr_unicast["acked"] == lr_unicast["offered"] == 20 and lr_unicast["received"] == {B: 20}
    assert lr_broadcast["received"] == {B: 20}  # C, without long range, decodes none
    assert plain["acked"] == 20 and plain["received"] == {B: 20}


def interrupt(args, sig, ready):
    """Runs `espnow sim ARGS`, sends `sig` once a line shows on its `ready`
    stream ("stdout" or "stderr"), and returns (status, stdout, stderr)."""
    # Unbuffered: what is read before the signal is all that was taken from the pipe.
    p = subprocess.Popen([CLI, "sim", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    try:
        stream, seen = getattr(p, ready), b""
        with selectors.DefaultSelector() as sel:
            sel.register(stream, selectors.EVENT_READ)
            while b"\n" not in seen:
                assert sel.select(timeout=60), f"no line on {ready} within 60 s"
                chunk = os.read(stream.fileno(), 65536)
                assert chunk, f"{ready} closed before a line: status {p.wait()}"
                seen += chunk
        p.send_signal(sig)
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()
    out, err = (seen + out, err) if ready == "stdout" else (out, seen + err)
    return p.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_and_reports_what_it_counted(tmp_path, sig, status):
    # A run of 28 simulated years, stopped once its progress shows on stderr.
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(mutate(lambda s: s.update({"duration_s": 9e8}))))
    code, out, err = interrupt([path, "--json"], sig, "stderr")
    assert code == status
    assert "espnow sim: interrupted at" in err
    assert re.search(r"espnow sim: [0-9.]+ of 900000000.0 simulated s, [0-9]+ events/s, about [0-9.]+ (s|min|h|days) of wall "
                     r"time left", err)
    report = json.loads(out)
    assert 0 < report["sim_seconds"] < 9e8
    bcast, uni = report["flows"]
    assert uni["offered"] > 100 and uni["acked"] > 0 and 0 < report["channels"][0]["busy_fraction"] < 1


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_run_with_programs_too(tmp_path, sig, status):
    # A node running a script makes every node a device on virtual time
    # (the Python launcher): its run stops as well, once the script has begun.
    (tmp_path / "talker.py").write_text("import time\nprint('started')\nwhile True:\n    time.sleep(1)\n")
    s = mutate(lambda s: s.update({"duration_s": 9e8}) or s["nodes"][2].update({"program": "talker.py"}))
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(s))
    code, out, err = interrupt([path, "--json"], sig, "stderr")  # with --json a program's lines go to stderr
    assert code == status
    assert "espnow sim: interrupted at" in err
    assert "started" in err
    report = json.loads(out)
    assert 0 < report["sim_seconds"] < 9e8 and report["flows"][1]["offered"] > 0


def test_a_unicast_across_channels_is_warned_of_and_runs(tmp_path):
    s = mutate(lambda s: s["nodes"][0].update({"channel": 6}))  # B on channel 1 unicasts to A, now on 6
    r = run(tmp_path, s, "--json")
    assert r.returncode == 0, r.stderr
    assert "warning: traffic[1] goes from channel 1 to a node on channel 6: every attempt will fail" in r.stderr
    assert "traffic[0]" not in r.stderr  # a broadcast reaches whom it reaches
    uni = json.loads(r.stdout)["flows"][1]
    assert uni["acked"] == 0 and uni["failed"] == uni["sent"] > 0
    assert "warning" not in run(tmp_path, base(), "--json").stderr


def test_a_file_that_is_not_json_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{nodes: ")
    r = subprocess.run([CLI, "sim", str(path)], capture_output=True, text=True)
    assert r.returncode == 2 and "not JSON" in r.stderr


def test_receptions_are_what_the_receivers_links_delivered(tmp_path):
    # Messages go through SoftLink: a receiver counts what its link delivers,
    # so a group address other than broadcast reaches nobody (no interface
    # owns one, as on every air and on a chip), though the MAC receives it.
    s = base()
    s["traffic"] = [{"from": A, "to": "01:00:5e:00:00:01", "bytes": 50, "interval_ms": 20},
                    {"from": A, "to": "ff:ff:ff:ff:ff:ff", "bytes": 50, "interval_ms": 20}]
    out = json.loads(run(tmp_path, s, "--json").stdout)
    group, bcast = out["flows"]
    assert group["sent"] > 50 and group["received"] == {}
    assert bcast["received"] == {B: bcast["sent"], C: bcast["sent"]}
    assert {n["mac"]: n["receptions"] for n in out["nodes"]}[B] == group["sent"] + bcast["sent"]


def test_short_messages_are_told_apart_by_their_sender(tmp_path):
    # A message under 4 bytes cannot carry its flow's index: its sender's
    # flows are told apart by what it carries, their place among them.
    s = base()
    s["traffic"] = [{"from": A, "to": B, "bytes": 1, "interval_ms": 20},
                    {"from": A, "to": B, "bytes": 1, "interval_ms": 40},
                    {"from": C, "to": B, "bytes": 2, "interval_ms": 50},
                    {"from": A, "to": "ff:ff:ff:ff:ff:ff", "bytes": 3, "interval_ms": 100}]
    out = json.loads(run(tmp_path, s, "--json").stdout)
    for f in out["flows"][:3]:
        assert f["received"] == {B: f["acked"]} and f["acked"] >= f["offered"] - 1
    assert out["flows"][3]["received"] == {B: out["flows"][3]["sent"], C: out["flows"][3]["sent"]}
