"""Python irecv(0) loop draining 250-byte messages that a C++ thread sent on
the same in-process air, against a Python loop popping 250-byte bytes objects
from a collections.deque (the baseline, same run). Prints BENCH rows."""
import collections
import json
import statistics
import time

import espnow_sim

N = 60_000          # fits the largest rxbuf (16 MiB) with each record's overhead
ROUNDS = 5
A, B = b"\x02\xaa\xaa\xaa\xaa\xaa", b"\x02\xbb\xbb\xbb\xbb\xbb"


def report(name, value, unit, baseline=None, target=None, floor=None):
    ratio = value / baseline if baseline else None
    if target is not None:
        met, text = ratio >= target, "ratio >= %.2f" % target
    elif floor is not None:
        met, text = value >= floor, ">= %g" % floor
    else:
        met, text = True, "(recorded)"
    print("BENCH " + json.dumps({"name": name, "value": value, "unit": unit, "baseline": baseline,
                                 "ratio": ratio, "target": text, "met": met}), flush=True)


def drain(e):
    irecv = e.irecv
    n = 0
    t0 = time.perf_counter()
    while True:
        mac, msg = irecv(0)
        if mac is None:
            break
        n += 1
    return n, time.perf_counter() - t0


def deque_baseline():
    dq = collections.deque(bytes(250) for _ in range(N))
    popleft = dq.popleft
    n = 0
    t0 = time.perf_counter()
    while True:
        try:
            msg = popleft()
        except IndexError:
            break
        n += 1
    return n, time.perf_counter() - t0


def main():
    air = espnow_sim.Air()
    a, b = air.add_device(mac=A), air.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    eb.config(rxbuf=16 * 1024 * 1024)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    ours, base = [], []
    for _ in range(ROUNDS):
        flood = espnow_sim.Flood(a, B, N, 250)
        flood.join()
        n, dt = drain(eb)
        assert n == N and flood.failed == 0, (n, flood.failed)
        ours.append(n / dt)
        n, dt = deque_baseline()
        base.append(n / dt)
    rate, baseline = statistics.median(ours), statistics.median(base)
    report("python irecv(0) drain, 250 B", rate, "msg/s", baseline, target=0.25)
    report("python irecv(0) drain, 250 B (absolute)", rate, "msg/s", floor=1e6)

    # The same loop while the C++ thread is still sending (a stream).
    flood = espnow_sim.Flood(a, B, N, 250)
    got, t0 = 0, time.perf_counter()
    irecv = eb.irecv
    while got < N:
        mac, msg = irecv(0)
        if mac is not None:
            got += 1
        elif flood.sent + flood.failed == N and not eb.any():
            break
    dt = time.perf_counter() - t0
    flood.join()
    report("python irecv(0) stream from a C++ thread, 250 B", got / dt, "msg/s")
    ea.active(False)
    eb.active(False)


if __name__ == "__main__":
    main()
