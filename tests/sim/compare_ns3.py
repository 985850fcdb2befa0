#!/usr/bin/env python3
"""The discrete-event air against ns-3 3.37 on one scenario (issue 17, part 8).

    compare_ns3.py POINT --espnow build/espnow --ns3 build/tests/ns3_scenario [--work DIR]

POINT is n10_10hz, n60_10hz or n60_50hz: N stations in a 10 m x 10 m square
(all in range of each other, every signal above energy detect), each
broadcasting 250-byte messages with Poisson arrivals at 10 or 50 per second.
Both simulators run the same scenario file; the broadcast delivery ratio per
transmitted frame, receptions / (transmissions x (N - 1)), must agree within
0.05. Prints both, and the air's events per second.
"""
import argparse
import json
import pathlib
import random
import subprocess
import sys

POINTS = {  # N, messages per second each, simulated seconds (ns-3 is slow)
    "n10_10hz": (10, 10, 20),
    "n60_10hz": (60, 10, 8),
    "n60_50hz": (60, 50, 4),
}
TOLERANCE = 0.05


def scenario(n, rate_hz, seconds, seed=1):
    rnd = random.Random(seed)
    nodes = [{"mac": f"02:00:00:00:{i >> 8:02x}:{i & 0xff:02x}", "pos": [round(rnd.uniform(0, 10), 3), round(rnd.uniform(0, 10), 3)]}
             for i in range(1, n + 1)]
    traffic = [{"from": node["mac"], "to": "ff:ff:ff:ff:ff:ff", "bytes": 250, "interval_ms": 1000.0 / rate_hz,
                "arrival": "poisson"} for node in nodes]
    return {"seed": seed, "duration_s": seconds, "air": {"path_loss_exponent": 3.0, "reference_loss_db": 40.0},
            "nodes": nodes, "traffic": traffic}


def delivery_ratio(report, n):
    tx = sum(node["transmissions"] for node in report["nodes"])
    rx = sum(node["receptions"] for node in report["nodes"])
    return rx / (tx * (n - 1)), tx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("point", choices=POINTS)
    parser.add_argument("--espnow", required=True)
    parser.add_argument("--ns3", required=True)
    parser.add_argument("--work", default=".")
    args = parser.parse_args()
    n, rate_hz, seconds = POINTS[args.point]
    path = pathlib.Path(args.work) / f"sim_ns3_{args.point}.json"
    path.write_text(json.dumps(scenario(n, rate_hz, seconds)))

    ours = json.loads(subprocess.run([args.espnow, "sim", str(path), "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    ns3 = json.loads(subprocess.run([args.ns3, str(path)], check=True, capture_output=True, text=True).stdout)
    r_ours, tx_ours = delivery_ratio(ours, n)
    r_ns3, tx_ns3 = delivery_ratio(ns3, n)
    print(json.dumps({"point": args.point, "ours": round(r_ours, 4), "ns3": round(r_ns3, 4),
                      "transmissions": {"ours": tx_ours, "ns3": tx_ns3},
                      "wall_seconds": {"ours": round(ours["wall_seconds"], 3), "ns3": round(ns3["wall_seconds"], 3)},
                      "events_per_second": round(ours["events"] / max(ours["wall_seconds"], 1e-9))}))
    if abs(r_ours - r_ns3) > TOLERANCE:
        print(f"delivery ratio {r_ours:.4f} differs from ns-3's {r_ns3:.4f} by more than {TOLERANCE}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
