#!/usr/bin/env python3
"""The discrete-event air against ns-3 3.37 on one scenario (issue 17, part 8).

    compare_ns3.py POINT --espnow build/espnow --ns3 build/tests/ns3_scenario
                   [--bianchi build/tests/bianchi_table] [--work DIR]

Both simulators run the same scenario file (docs/simulation.md, "Checked
against ns-3"). POINT is one of:

- n10_10hz, n30_10hz, n60_10hz, n60_50hz: N stations in a 10 m x 10 m square
  (all in range of each other, every signal above energy detect), each
  broadcasting 250-byte messages with Poisson arrivals at 10 or 50 per second.
  The broadcast delivery ratio per transmitted frame, receptions /
  (transmissions x (N - 1)), must agree within 0.05.
- hidden: two senders 400 m apart (each below the other's -97 dBm
  sensitivity, so hidden from each other) unicasting 250-byte messages, 50 per
  second each (Poisson), to a station half way. The messages delivered and the
  retries (attempts beyond each frame's first) must agree within 10%.
- saturated_n2, _n5, _n10, _n20: N senders on a 4 m circle around a sink, each
  keeping its 16-frame queue full of 250-byte unicasts to it. The aggregate
  throughput (the share of time carrying messages) must agree within 5%; with
  --bianchi, Bianchi's model is printed beside them (and checked within 5% for
  N = 2: from 5 senders 1 Mbps DBPSK captures one frame of most collisions,
  which the model counts as lost; docs/simulation.md).
Prints one JSON line with both results.
"""
import argparse
import json
import math
import pathlib
import random
import subprocess
import sys

BROADCAST = {"n10_10hz": (10, 10, 20), "n30_10hz": (30, 10, 10), "n60_10hz": (60, 10, 8), "n60_50hz": (60, 50, 4)}
SATURATED = {"saturated_n2": 2, "saturated_n5": 5, "saturated_n10": 10, "saturated_n20": 20}
POINTS = [*BROADCAST, "hidden", *SATURATED]
HIDDEN_SECONDS, SATURATED_SECONDS = 200, 20


def mac(i):
    return f"02:00:00:00:{i >> 8:02x}:{i & 0xff:02x}"


def broadcast_scenario(n, rate_hz, seconds, seed=1):
    rnd = random.Random(seed)
    nodes = [{"mac": mac(i), "pos": [round(rnd.uniform(0, 10), 3), round(rnd.uniform(0, 10), 3)]} for i in range(1, n + 1)]
    traffic = [{"from": node["mac"], "to": "ff:ff:ff:ff:ff:ff", "bytes": 250, "interval_ms": 1000.0 / rate_hz,
                "arrival": "poisson"} for node in nodes]
    return {"seed": seed, "duration_s": seconds, "air": {"path_loss_exponent": 3.0, "reference_loss_db": 40.0},
            "nodes": nodes, "traffic": traffic}


def hidden_scenario(seed=1):
    nodes = [{"mac": mac(1), "pos": [0, 0]}, {"mac": mac(2), "pos": [200, 0]}, {"mac": mac(3), "pos": [400, 0]}]
    traffic = [{"from": mac(k), "to": mac(2), "bytes": 250, "interval_ms": 20, "arrival": "poisson"} for k in (1, 3)]
    return {"seed": seed, "duration_s": HIDDEN_SECONDS, "nodes": nodes, "traffic": traffic}


def saturated_scenario(n, seed=1):
    nodes = [{"mac": mac(1), "pos": [5, 5]}]
    for i in range(n):
        a = 2 * math.pi * i / n
        nodes.append({"mac": mac(i + 2), "pos": [round(5 + 4 * math.cos(a), 3), round(5 + 4 * math.sin(a), 3)]})
    traffic = [{"from": x["mac"], "to": mac(1), "bytes": 250, "arrival": "saturated"} for x in nodes[1:]]
    return {"seed": seed, "duration_s": SATURATED_SECONDS, "nodes": nodes, "traffic": traffic}


def scenario(point):
    if point in BROADCAST:
        return broadcast_scenario(*BROADCAST[point])
    if point == "hidden":
        return hidden_scenario()
    return saturated_scenario(SATURATED[point])


def received(report):
    return sum(sum(f["received"].values()) for f in report["flows"])


def transmissions(report):
    return sum(node["transmissions"] for node in report["nodes"])


def retries(report):
    # Attempts beyond each finished frame's first: ours counts finished frames
    # per flow, ns3_scenario per node.
    if "acked" in report["flows"][0]:
        done = sum(f["acked"] + f["failed"] for f in report["flows"])
    else:
        done = sum(n["acked"] + n["failed"] for n in report["nodes"])
    return transmissions(report) - done


def measure(point, report, s):
    """The compared quantity (or quantities) of one simulator's report."""
    if point in BROADCAST:
        n = len(s["nodes"])
        return {"delivery_ratio": received(report) / (transmissions(report) * (n - 1))}
    if point == "hidden":
        return {"delivered": received(report), "retries": retries(report)}
    return {"throughput": received(report) * 250 * 8 / 1e6 / s["duration_s"]}  # share of 1 Mbps


def compare(point, espnow, ns3, bianchi=None, work="."):
    """Runs both simulators on POINT; returns (result dict, list of failures)."""
    s = scenario(point)
    path = pathlib.Path(work) / f"sim_ns3_{point}.json"
    path.write_text(json.dumps(s))
    ours = json.loads(subprocess.run([espnow, "sim", str(path), "--json"], check=True, capture_output=True, text=True).stdout)
    theirs = json.loads(subprocess.run([ns3, str(path)], check=True, capture_output=True, text=True).stdout)
    a, b = measure(point, ours, s), measure(point, theirs, s)
    result = {"point": point, "ours": a, "ns3": b, "transmissions": {"ours": transmissions(ours), "ns3": transmissions(theirs)},
              "wall_seconds": {"ours": round(ours["wall_seconds"], 3), "ns3": round(theirs["wall_seconds"], 3)}}
    failures = []
    if point in BROADCAST:
        if abs(a["delivery_ratio"] - b["delivery_ratio"]) > 0.05:
            failures.append(f"delivery ratio {a['delivery_ratio']:.4f} vs ns-3's {b['delivery_ratio']:.4f}: more than 0.05 apart")
    elif point == "hidden":
        for key in ("delivered", "retries"):
            if abs(a[key] / b[key] - 1) > 0.10:
                failures.append(f"{key}: {a[key]} vs ns-3's {b[key]}: more than 10% apart")
    else:
        if abs(a["throughput"] / b["throughput"] - 1) > 0.05:
            failures.append(f"throughput {a['throughput']:.4f} vs ns-3's {b['throughput']:.4f}: more than 5% apart")
        if bianchi:
            n = SATURATED[point]
            model = json.loads(subprocess.run([bianchi, str(n)], check=True, capture_output=True, text=True).stdout)[str(n)]
            result["bianchi"] = {"throughput": model}
            if n == 2 and abs(a["throughput"] / model - 1) > 0.05:
                failures.append(f"throughput {a['throughput']:.4f} vs Bianchi's {model:.4f}: more than 5% apart")
    return result, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("point", choices=POINTS)
    parser.add_argument("--espnow", required=True)
    parser.add_argument("--ns3", required=True)
    parser.add_argument("--bianchi")
    parser.add_argument("--work", default=".")
    args = parser.parse_args()
    result, failures = compare(args.point, args.espnow, args.ns3, args.bianchi, args.work)
    print(json.dumps(result))
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
