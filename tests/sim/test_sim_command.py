"""`espnow sim SCENARIO.json`: the report's shape, determinism, and bad scenarios named with exit 2."""
import json
import os
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
