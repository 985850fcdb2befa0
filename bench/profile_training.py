#!/usr/bin/env python3
"""The runs the release build's profile is made from (`make release`,
scripts/build-release.sh): an instrumented `espnow` simulates a mix of
fields, and GCC's -fprofile-use then lays out the release build's code by
what these runs did most.

The mix is what `espnow sim` users run, not the benchmark's fields
themselves: sparse fields of many devices (capacity planning), dense ones
with collisions, unicast streams with retries at every
rate family, several channels, the project's example scenarios, each a few
seconds of an instrumented binary. (The UDP air is left out: trained on a
stream between two processes, `bench_udp`'s row moved within its noise,
0.55-0.79 either way, and the training would need multicast on the host.)

    profile_training.py --espnow BUILD/espnow
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench_sim import field, mac, write  # noqa: E402  (the benchmark's field shape, other sizes and traffic)

AIR = {"path_loss_exponent": 3.0, "reference_loss_db": 40.0}


def streams(seed=7):
    """Unicast streams at each rate family on three channels, and one to a node out of range."""
    rnd = random.Random(seed)
    rates = ["1M", "2M", "5.5M", "11M", "6M", "24M", "54M", "LR250K", "LR500K"]
    nodes, traffic = [], []
    for i, rate in enumerate(rates):
        channel = (1, 6, 11)[i % 3]
        a, b = mac(100 + 2 * i), mac(101 + 2 * i)
        lr = rate.startswith("LR")
        nodes.append({"mac": a, "pos": [rnd.uniform(0, 300), rnd.uniform(0, 300)], "channel": channel,
                      "long_range": lr})
        nodes.append({"mac": b, "pos": [rnd.uniform(0, 300), rnd.uniform(0, 300)], "channel": channel,
                      "long_range": lr})
        traffic.append({"from": a, "to": b, "bytes": 250, "interval_ms": 5, "arrival": "saturated", "rate": rate})
    far = mac(99)
    nodes.append({"mac": far, "pos": [50_000, 50_000]})
    traffic.append({"from": nodes[0]["mac"], "to": far, "bytes": 100, "interval_ms": 20, "arrival": "periodic"})
    return {"seed": seed, "duration_s": 5, "air": AIR, "nodes": nodes, "traffic": traffic}


def collisions(n=60, interval_ms=100):
    """n stations in one room broadcasting 250 bytes: frames collide."""
    rnd = random.Random(3)
    nodes = [{"mac": mac(i), "pos": [rnd.uniform(0, 30), rnd.uniform(0, 30)]} for i in range(1, n + 1)]
    traffic = [{"from": x["mac"], "to": "ff:ff:ff:ff:ff:ff", "bytes": 250, "interval_ms": interval_ms,
                "arrival": "poisson"} for x in nodes]
    return {"seed": 3, "duration_s": 10, "air": AIR, "nodes": nodes, "traffic": traffic}


def scenario_files(work):
    """The training's scenarios, the generated ones written into `work`."""
    yield write(work, "sparse_2000.json", field(2000, 60, 120, arrival="periodic", seed=11))
    yield write(work, "poisson_1000.json", field(1000, 10, 20, seed=12))
    yield write(work, "collisions.json", collisions())
    yield write(work, "streams.json", streams())
    yield os.path.join(ROOT, "examples", "sim", "shop_floor.json")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--espnow", required=True, help="the instrumented espnow program")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for path in scenario_files(work):
            # --pcap and --json too: their writers are part of what users run.
            proc = subprocess.run([args.espnow, "sim", path, "--json", "--pcap", os.path.join(work, "air.pcap")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
            if proc.returncode != 0:
                print(f"profile training: espnow sim {os.path.basename(path)} failed:\n{proc.stderr}",
                      file=sys.stderr)
                return 1
            print(f"profile training: {os.path.basename(path)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
