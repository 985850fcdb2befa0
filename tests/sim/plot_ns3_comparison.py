#!/usr/bin/env python3
"""Runs every comparison point of compare_ns3.py and draws docs/sim_ns3_comparison.svg
(with the numbers in docs/sim_ns3_comparison.json) for docs/simulation.md.

    /usr/bin/python3 tests/sim/plot_ns3_comparison.py --espnow build/espnow \\
        --ns3 build/tests/ns3_scenario --bianchi build/tests/bianchi_table --out docs

Needs python3-matplotlib (scripts/install-deps.sh python3-matplotlib); no test needs it.
"""
import argparse
import json
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import compare_ns3  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--espnow", required=True)
    parser.add_argument("--ns3", required=True)
    parser.add_argument("--bianchi", required=True)
    parser.add_argument("--out", default="docs")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as work:
        for point in compare_ns3.POINTS:
            result, failures = compare_ns3.compare(point, args.espnow, args.ns3, args.bianchi, work)
            result["failures"] = failures
            results.append(result)
            print(json.dumps(result))
    out = pathlib.Path(args.out)
    (out / "sim_ns3_comparison.json").write_text(json.dumps(results, indent=1) + "\n")
    by = {r["point"]: r for r in results}

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 4.5))
    bpoints = list(compare_ns3.BROADCAST)
    labels = [f"N={compare_ns3.BROADCAST[p][0]}\n{compare_ns3.BROADCAST[p][1]}/s each" for p in bpoints]
    x = range(len(bpoints))
    ax1.plot(x, [by[p]["ours"]["delivery_ratio"] for p in bpoints], "o-", label="espnow sim")
    ax1.plot(x, [by[p]["ns3"]["delivery_ratio"] for p in bpoints], "s--", label="ns-3 3.37")
    ax1.set_xticks(list(x), labels)
    ax1.set_ylim(0, 1.05)
    ax1.set_ylabel("delivery ratio per transmitted frame")
    ax1.set_title("Broadcast, Poisson, 250 B at 1 Mbps")
    ax1.legend()

    spoints = list(compare_ns3.SATURATED)
    ns = [compare_ns3.SATURATED[p] for p in spoints]
    ax2.plot(ns, [by[p]["ours"]["throughput"] for p in spoints], "o-", label="espnow sim")
    ax2.plot(ns, [by[p]["ns3"]["throughput"] for p in spoints], "s--", label="ns-3 3.37")
    ax2.plot(ns, [by[p]["bianchi"]["throughput"] for p in spoints], "^:", label="Bianchi (collisions lose all)")
    ax2.set_xlabel("saturated senders to one sink")
    ax2.set_ylabel("aggregate throughput (share of 1 Mbps)")
    ax2.set_ylim(0.4, 0.75)
    ax2.set_title("Saturated unicast, 250 B at 1 Mbps")
    ax2.legend()

    h = by["hidden"]
    keys = ["delivered", "retries"]
    width = 0.35
    ax3.bar([i - width / 2 for i in range(2)], [h["ours"][k] for k in keys], width, label="espnow sim")
    ax3.bar([i + width / 2 for i in range(2)], [h["ns3"][k] for k in keys], width, label="ns-3 3.37")
    ax3.set_xticks(range(2), ["messages delivered", "retries"])
    ax3.set_title(f"Hidden stations, 2 x 50/s for {compare_ns3.HIDDEN_SECONDS} s")
    ax3.legend()
    fig.tight_layout()
    fig.savefig(out / "sim_ns3_comparison.svg")
    return 1 if any(r["failures"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
