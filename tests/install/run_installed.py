"""Runs each part of an installed espnow from its prefix (check.cmake calls
this after `cmake --install` and building consumer/ against the prefix):
the C++ consumer, the C program on the emulated esp_now API (two processes),
a script through PREFIX/bin/espnow-python (directly and through a symlink),
and PREFIX/bin/espnow (--help, then listen and send). Each step prints one
"ok" line; the first failure stops the run with what went wrong."""
import argparse
import os
import queue
import random
import signal
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 120  # seconds for any one process; a loaded machine runs the suite in parallel


def fail(what, proc_output=""):
    sys.exit(f"FAILED {what}\n{proc_output}")


def a_fresh_air():
    """Its own multicast group and port, so parallel tests do not hear it."""
    return f"udp://239.255.{random.randint(1, 254)}.{random.randint(1, 254)}:{random.randint(20000, 60000)}"


def clean_env(**extra):
    """The caller's environment without anything that could point back at the build tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("ESPNOW_")}
    env.update(extra)
    return env


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=kw.pop("env", clean_env()), **kw)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} exited {r.returncode}", r.stdout + r.stderr)
    return r.stdout


def check_cpp_consumer(consumer, work):
    out = run([os.path.join(consumer, "consumer"), os.path.join(work, "consumer.pcap")])
    for target in ("espnow::espnow", "espnow::host", "espnow::async", "espnow::idf_emul"):
        if f"ok {target}\n" not in out:
            fail(f"the C++ consumer did not check {target}", out)
    print("ok C++ consumer: espnow::espnow, espnow::host, espnow::async, espnow::idf_emul")


def check_c_program(consumer):
    """The ESP-IDF-style C program as two processes on an air of their own:
    they discover each other by broadcast and exchange 10 encrypted unicasts."""
    env = clean_env(ESPNOW_AIR=a_fresh_air())
    program = os.path.join(consumer, "espnow_c_program")
    procs = [subprocess.Popen([program], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=TIMEOUT)[0] for p in procs]
    for p, out in zip(procs, outs):
        if p.returncode != 0 or "sent 10 received 10 error 0" not in out:
            fail(f"the C program on the installed emulation (exit {p.returncode})", "\n".join(outs))
    print("ok C program on espnow::idf_emul: two processes, 10 messages each way")


def check_launcher(prefix, build_tree, work):
    launcher = os.path.join(prefix, "bin", "espnow-python")
    with open(launcher) as f:
        if os.path.realpath(build_tree) in f.read():
            fail(f"{launcher} names the build tree {build_tree}")
    link = os.path.join(work, "elsewhere", "espnow-python")  # as a user's ~/bin symlink would
    os.makedirs(os.path.dirname(link), exist_ok=True)
    os.symlink(launcher, link)
    for path in (launcher, link):
        out = run([path, os.path.join(HERE, "launcher_script.py"), prefix], cwd=work)
        if not out.startswith("ok python"):
            fail(f"{path} printed no result", out)
    print(f"ok {launcher} (and a symlink to it): {out.strip()[3:]}")


def first_line(pipe):
    """The pipe's first line, or a failure after TIMEOUT seconds."""
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(pipe.readline()), daemon=True).start()
    try:
        return lines.get(timeout=TIMEOUT)
    except queue.Empty:
        fail(f"no line from the process in {TIMEOUT} s")


def check_cli(prefix):
    cli = os.path.join(prefix, "bin", "espnow")
    if "listen" not in run([cli, "--help"]):
        fail(f"{cli} --help does not list `listen`")
    air, a, b = a_fresh_air(), "02:00:00:00:00:0a", "02:00:00:00:00:0b"
    listener = subprocess.Popen([cli, "--air", air, "--mac", b, "listen"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=clean_env())
    try:
        banner = first_line(listener.stderr)  # "listening as ...": its radio is on the air
        if "listening as" not in banner:
            fail(f"{cli} listen started with {banner!r}")
        sent = run([cli, "--air", air, "--mac", a, "send", b, "hello from the prefix"])
        if ": True" not in sent:
            fail("the listener did not acknowledge the send", sent)
    finally:
        listener.send_signal(signal.SIGINT)
        out, err = listener.communicate(timeout=TIMEOUT)
    if "hello from the prefix" not in out:
        fail("the listener did not print the message", out + err)
    print(f"ok {cli}: --help, and a send acknowledged and printed by a listener")


def check_firmware_copies(consumer):
    """Firmware made by the installed espnow_add_firmware, as 4 chips of one
    simulation: each chip has its own copy of the firmware's static globals,
    so each names its own MAC."""
    out = run([os.path.join(consumer, "globals_firmware"), "--sim", "4", "--sim-seconds", "3"],
              env=clean_env(ESPNOW_NVS_DIR="", ESPNOW_VERSION=""))
    for n in range(1, 5):
        if f"02:00:00:00:00:0{n} me 02:00:00:00:00:0{n} sent 5 ok 5" not in out:
            fail(f"chip {n} of the installed espnow_add_firmware's program", out)
    print("ok espnow_add_firmware: 4 chips, each with its own globals")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--consumer", required=True, help="the build folder of consumer/")
    ap.add_argument("--build-tree", required=True, help="the build tree the prefix was installed from")
    ap.add_argument("--work", required=True, help="a scratch folder")
    args = ap.parse_args()
    for name in ("prefix", "consumer", "build_tree", "work"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    check_cpp_consumer(args.consumer, args.work)
    check_c_program(args.consumer)
    check_firmware_copies(args.consumer)
    check_launcher(args.prefix, args.build_tree, args.work)
    check_cli(args.prefix)
    print(f"ok: every part of the install works from {args.prefix}")


if __name__ == "__main__":
    main()
