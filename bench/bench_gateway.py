#!/usr/bin/env python3
"""`espnow gateway` against mosquitto alone, on one private broker, in one run
(issue 20 part 7). Prints BENCH rows:
- gateway.air_to_broker: messages/s from a UDP-air sender through the gateway
  to a mosquitto_sub, against mosquitto_pub -> mosquitto_sub alone (target
  ratio >= 0.5);
- gateway.broker_to_air: commands/s from mosquitto_pub through the gateway
  to an `espnow listen` device, against the same baseline (target >= 0.5);
  each rate is the stream's, from the first message's arrival to the last's
  by the receiving program's own time stamps, so neither side's start-up is
  counted (mosquitto_pub sleeps up to 100 ms while it connects, which made
  the baseline jump from run to run); each is the best of three trials,
  the three sides interleaved, and the note gives every trial and the best
  rates with the start-up counted too;
- gateway.added_latency_{median,p99}_ms: from the gateway's receipt (its
  `ts`) to the subscriber's, one message at a time, against mosquitto_pub
  -> mosquitto_sub alone (recorded).
Every wait has a deadline, and every process is stopped at the end."""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
from mosquitto_stop import stop_mosquitto  # noqa: E402

N = 20000          # messages per throughput run: long enough that a stream's rate is steady
TRIALS = 3         # of each rate; the best of each is reported, as bench_udp does
LATENCY_N = 200    # messages, one at a time, per latency run
DEADLINE_S = 120   # per run
# A stream is over when this long passes with no message: on a loaded
# machine ESP-NOW loses some (no ACK within the retries), as on a crowded
# channel; the rate counts what arrived and the note says how many were lost.
QUIET_S = 3
GW, DEV = "02:00:00:00:00:01", "02:00:00:00:00:0a"
GW_ID, DEV_ID = "020000000001", "02000000000a"


def report(name, value, unit, baseline=None, target=None, note=None):
    ratio = value / baseline if baseline and value is not None else None
    met = ratio is not None and ratio >= target if target is not None else True
    text = "ratio >= %.2f" % target if target is not None else "(recorded)"
    row = {"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio, "target": text,
           "met": met}
    if note:
        row["note"] = note
    print("BENCH " + json.dumps(row), flush=True)


class Lines:
    """A process whose stdout lines are collected, with their arrival times."""

    def __init__(self, cmd, **kw):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
        self.lines, self.cond = [], threading.Condition()
        self.last = time.monotonic()  # when the last line came
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.last = time.monotonic()
                self.cond.notify_all()

    def wait(self, count, deadline, quiet_s=None):
        """Until `count` lines came; with `quiet_s`, also over once lines
        came and then none for that long (the rest were lost)."""
        with self.cond:
            while len(self.lines) < count:
                if quiet_s and len(self.lines) > 1 and time.monotonic() - self.last >= quiet_s:
                    return
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and len(self.lines) < count:
                    raise TimeoutError(f"{len(self.lines)} of {count} lines from {self.proc.args[0]}")
                self.cond.wait(min(left, 0.5))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline):
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)  # a poll step under the deadline
    raise TimeoutError(f"no broker on port {port}")


def subscriber(port, topic, fmt="%p"):
    """mosquitto_sub on `topic`, returned once subscribed: its first line is a
    retained probe of its own (so the measured lines start at index 1)."""
    probe = f"bench/ready/{random.getrandbits(64):016x}"
    pub(port, probe, ["ready"], retain=True)
    sub = Lines(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", probe, "-t", topic,
                 "-F", fmt])
    sub.wait(1, time.monotonic() + 30)
    return sub


def pub(port, topic, lines, retain=False):
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic, "-l"]
                   + (["-r"] if retain else []), input="\n".join(lines) + "\n", text=True, check=True,
                   timeout=DEADLINE_S)


def stream_rate(stamps):
    """Messages per second from the first arrival to the last, by the
    receiver's own clock (seconds, in arrival order)."""
    span = stamps[-1] - stamps[0]
    if span < 0:  # an HH:MM:SS clock passed midnight
        span += 86400
    return (len(stamps) - 1) / span if span > 0 else None


def sub_stamps(sub):
    """The arrival times mosquitto_sub wrote (-F "%U %p"), probe excluded."""
    return [float(line.split(" ", 1)[0]) for line in sub.lines[1:]]


def listen_stamps(listener):
    """The arrival times `espnow --json listen` wrote ("time": HH:MM:SS.mmm)."""
    stamps = []
    for line in listener.lines:
        h, m, sec = json.loads(line)["time"].split(":")
        stamps.append(int(h) * 3600 + int(m) * 60 + float(sec))
    return stamps


class Rate:
    """A stream's rate (first to last arrival) and the rate counted from
    before its sender started (start-up included)."""

    def __init__(self, stamps, started):
        self.stream = stream_rate(stamps)
        self.delivered = len(stamps)
        self.total = len(stamps) / (time.perf_counter() - started)

    def text(self, who):
        lost = f", {N - self.delivered} of {N} lost" if self.delivered < N else ""
        return f"{who}: {self.stream:,.0f} msg/s as a stream, {self.total:,.0f} msg/s with start-up{lost}"


def stream_to_subscriber(port, topic, send):
    """A stream of N messages that `send()` starts, to a subscriber of `topic`."""
    sub = subscriber(port, topic, "%U %p")
    try:
        t0 = time.perf_counter()
        send()
        sub.wait(1 + N, time.monotonic() + DEADLINE_S, QUIET_S)
        return Rate(sub_stamps(sub), t0)
    finally:
        sub.stop()


def broker_only_rate(port):
    """mosquitto_pub to mosquitto_sub alone: the baseline."""
    return stream_to_subscriber(port, "bench/base", lambda: pub(port, "bench/base", [f"m{i}" for i in range(N)]))


def air_to_broker(cli, air, port):
    """A device's stream of N messages through the gateway to a subscriber."""
    return stream_to_subscriber(port, f"espnow/{GW_ID}/rx/{DEV_ID}", lambda: subprocess.run(
        [cli, "--air", air, "--mac", DEV, "send", GW, "m{n}", "--count", str(N), "--no-sync"],
        capture_output=True, text=True, timeout=DEADLINE_S))


def broker_to_air(cli, air, port, running):
    """N commands published at once, through the gateway to a listening device."""
    listener = Lines([cli, "--air", air, "--mac", DEV, "--json", "listen"])
    running.append(listener)
    try:
        listener.proc.stderr.readline()  # listening
        t0 = time.perf_counter()
        pub(port, f"espnow/{GW_ID}/tx/{DEV_ID}", [f"c{i}" for i in range(N)])
        listener.wait(N, time.monotonic() + DEADLINE_S, QUIET_S)
        return Rate(listen_stamps(listener), t0)
    finally:
        listener.stop()


def broker_only_latency(port):
    sub = subscriber(port, "bench/lat", "%U %p")
    feeder = subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", "bench/lat", "-l"],
                              stdin=subprocess.PIPE, text=True)
    try:
        for i in range(LATENCY_N):  # one at a time: each waits for the last
            feeder.stdin.write(f"{time.time():.6f}\n")
            feeder.stdin.flush()
            sub.wait(2 + i, time.monotonic() + 30)
        return [(float(a) - float(b)) * 1000 for a, b in (l.split(" ") for l in sub.lines[1:])]
    finally:
        feeder.stdin.close()
        feeder.wait(timeout=30)
        sub.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--espnow", required=True)
    cli = ap.parse_args().espnow
    for tool in ("mosquitto", "mosquitto_pub", "mosquitto_sub"):
        if not shutil.which(tool):
            print(f"bench_gateway: {tool} is not installed (apt-get install mosquitto mosquitto-clients)", file=sys.stderr)
            return 1
    tmp = tempfile.mkdtemp(prefix="bench-gateway-")
    port = free_port()
    with open(os.path.join(tmp, "mosquitto.conf"), "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nlog_dest none\nmax_queued_messages 0\n"
                + ("user root\n" if os.geteuid() == 0 else ""))
    air = f"udp://239.255.{random.randint(1, 254)}.{random.randint(1, 254)}:{random.randint(20000, 60000)}"
    running = []
    try:
        broker = subprocess.Popen(["mosquitto", "-c", os.path.join(tmp, "mosquitto.conf")])
        running.append(type("B", (), {"stop": lambda self: stop_mosquitto(broker)})())
        wait_port(port, time.monotonic() + 30)
        gw = Lines([cli, "--air", air, "--mac", GW, "gateway", "--mqtt", f"mqtt://127.0.0.1:{port}",
                    "--allow-tx", "all", "--queue", str(4 * N), "--stats-interval", "0"])
        running.append(gw)
        status = subscriber(port, f"espnow/{GW_ID}/status")
        status.wait(2, time.monotonic() + 30)  # the probe and "online" (retained, or when it connects)
        status.stop()

        base, up, down = [], [], []
        for _ in range(TRIALS):  # interleaved, so that a burst of load meets each side alike
            base.append(broker_only_rate(port))
            up.append(air_to_broker(cli, air, port))
            down.append(broker_to_air(cli, air, port, running))
        best = lambda rates: max(rates, key=lambda r: r.stream or 0)
        b, u, d = best(base), best(up), best(down)
        trials = lambda rates: ", ".join(f"{r.stream:,.0f}" + (f" ({N - r.delivered} lost)" if r.delivered < N else "")
                                        for r in rates)
        base_note = f"mosquitto alone: {trials(base)} msg/s ({b.text('best')})"
        report("gateway.air_to_broker", u.stream, "msg/s", b.stream, 0.5,
               note=f"gateway: {trials(up)} msg/s ({u.text('best')}); {base_note}")
        report("gateway.broker_to_air", d.stream, "msg/s", b.stream, 0.5,
               note=f"gateway: {trials(down)} msg/s ({d.text('best')}); {base_note}")

        lat = subscriber(port, f"espnow/{GW_ID}/rx/{DEV_ID}/json", "%U %p")
        sender = subprocess.run([cli, "--air", air, "--mac", DEV, "send", GW, "l{n}", "--count", str(LATENCY_N),
                                 "--interval", "5"], capture_output=True, text=True, timeout=DEADLINE_S)
        lat.wait(1 + LATENCY_N, time.monotonic() + DEADLINE_S)
        gw_ms = [(float(l.split(" ", 1)[0]) - json.loads(l.split(" ", 1)[1])["ts"]) * 1000 for l in lat.lines[1:]]
        lat.stop()
        base_ms = broker_only_latency(port)
        q = lambda xs: statistics.quantiles(xs, n=100)[98]
        report("gateway.added_latency_median_ms", statistics.median(gw_ms), "ms", statistics.median(base_ms))
        report("gateway.added_latency_p99_ms", q(gw_ms), "ms", q(base_ms))
        return 0
    except (TimeoutError, subprocess.SubprocessError) as e:
        print(f"bench_gateway: {e}", file=sys.stderr)
        return 1
    finally:
        for r in reversed(running):
            try:
                r.stop()
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
