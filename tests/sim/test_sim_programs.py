"""`espnow sim` with programs: a node that names a MicroPython script runs it
as that device, every node a whole device of one Simulation in virtual time."""
import json
import os
import subprocess
import textwrap

CLI = os.environ["ESPNOW_CLI"]

A, B, C = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03"
LISTENER = textwrap.dedent("""\
    import network, espnow, time
    network.WLAN(network.STA_IF).active(True)
    e = espnow.ESPNow()
    e.active(True)
    n = 0
    while n < 10:
        mac, msg = e.recv()
        n += 1
    print("heard", n, "messages by", time.ticks_ms(), "ms")
    """)


def scenario(**changes):
    s = {"seed": 3, "duration_s": 20,
         "nodes": [{"mac": A, "pos": [0, 0], "program": "listener.py"}, {"mac": B, "pos": [5, 0]},
                   {"mac": C, "pos": [10, 0]}],
         "traffic": [{"from": B, "to": "ff:ff:ff:ff:ff:ff", "bytes": 50, "interval_ms": 1000},
                     {"from": C, "to": B, "bytes": 100, "interval_ms": 500, "arrival": "poisson"}]}
    s.update(changes)
    return s


def run(tmp_path, s, *extra):
    (tmp_path / "listener.py").write_text(LISTENER)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(s))
    return subprocess.run([CLI, "sim", str(path), *extra], capture_output=True, text=True, timeout=120)


def test_a_program_node_runs_its_script_among_synthetic_traffic(tmp_path):
    r = run(tmp_path, scenario(), "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)  # one object: the program's lines go to stderr with --json
    heard = [line for line in r.stderr.splitlines() if line.startswith(A + " heard 10 messages by ")]
    assert len(heard) == 1, r.stderr          # the broadcasts, one a second, with the random phase
    assert 9000 <= int(heard[0].split()[-2]) < 10100
    bcast, uni = summary["flows"]
    assert summary["mode"] == "devices" and summary["sim_seconds"] == 20.0
    assert bcast["offered"] == bcast["sent"] == 20 and bcast["received"] == {C: 20}
    assert uni["acked"] == uni["sent"] == uni["offered"] > 20 and uni["received"] == {B: uni["acked"]}


def test_the_same_scenario_gives_the_same_run_and_pcap(tmp_path):
    first = run(tmp_path, scenario(), "--pcap", str(tmp_path / "a.pcap"))
    second = run(tmp_path, scenario(), "--pcap", str(tmp_path / "b.pcap"))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    drop_wall = lambda out: [line for line in out.splitlines() if "wall s" not in line]  # noqa: E731
    assert drop_wall(first.stdout) == drop_wall(second.stdout)
    assert (tmp_path / "a.pcap").read_bytes() == (tmp_path / "b.pcap").read_bytes()
    other = run(tmp_path, scenario(seed=4), "--pcap", str(tmp_path / "c.pcap"))
    assert (tmp_path / "c.pcap").read_bytes() != (tmp_path / "a.pcap").read_bytes()
    assert other.returncode == 0


def test_what_programs_cannot_have_is_named_with_exit_2(tmp_path):
    missing = scenario()
    missing["nodes"][0]["program"] = "nowhere.py"
    short = scenario()
    short["traffic"][0]["bytes"] = 4
    fast = scenario()
    fast["traffic"][1]["rate"] = "11M"
    for s, extra, message in [(missing, (), "nodes[0].program: cannot read "),
                              (short, (), "traffic[0].bytes: with programs, at least 8"),
                              (fast, (), "traffic[1].rate: with programs every node is a whole device"),
                              (scenario(), ("--report", str(tmp_path / "r.html")), "--report: not for a scenario with programs")]:
        r = run(tmp_path, s, *extra)
        assert r.returncode == 2, (message, r.stdout, r.stderr)
        assert message in r.stderr


def test_without_json_the_programs_lines_come_before_the_summary_on_stdout(tmp_path):
    r = run(tmp_path, scenario())
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(A + " heard 10 messages by ") and lines[-1].endswith("wall s"), lines


def test_a_program_that_does_not_compile_is_named_before_the_run_with_exit_2(tmp_path):
    (tmp_path / "broken.py").write_text('import espnow\nprint("hi"\n')
    s = scenario()
    s["nodes"][0]["program"] = "broken.py"
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(s))
    r = subprocess.run([CLI, "sim", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == "", (r.stdout, r.stderr)
    assert r.stderr.startswith(f"espnow sim: {path}: nodes[0].program: broken.py line 2: "), r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr


def test_a_program_that_raises_ends_its_node_only_and_is_warned_of(tmp_path):
    (tmp_path / "crash.py").write_text("import time\ntime.sleep(2)\nprint(undefined)\n")
    s = scenario()
    s["nodes"][0]["program"] = "crash.py"
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(s))
    r = subprocess.run([CLI, "sim", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr  # the others ran on, as boards would
    assert f"{A} NameError: name 'undefined' is not defined" in r.stderr, r.stderr
    assert r.stderr.splitlines()[-1] == (f"espnow sim: warning: nodes[0].program ({A}) ended with NameError (its "
                                         "traceback is above); what it would have sent or counted after that is missing")
    assert json.loads(r.stdout)["flows"][0]["offered"] == 20
    assert "warning" not in run(tmp_path, scenario(), "--json").stderr


def test_a_pcap_that_cannot_be_written_is_one_line_and_exit_1(tmp_path):
    for where in (tmp_path / "no" / "such" / "r.pcap", tmp_path):
        r = run(tmp_path, scenario(), "--pcap", str(where))
        assert r.returncode == 1 and r.stdout == "", (r.stdout, r.stderr)
        assert r.stderr.startswith("espnow sim: --pcap: cannot write ") and "Traceback" not in r.stderr, r.stderr


def test_macs_spelled_with_dashes_or_none_run_with_programs(tmp_path):
    s = scenario()
    s["nodes"][1]["mac"], s["nodes"][2]["mac"] = "02-00-00-00-00-02", "020000000003"
    s["traffic"][0]["from"], s["traffic"][1]["from"], s["traffic"][1]["to"] = "02-00-00-00-00-02", "020000000003", B
    r = run(tmp_path, s, "--json")
    assert r.returncode == 0, r.stderr
    bcast, uni = json.loads(r.stdout)["flows"]
    assert bcast["offered"] == 20 and uni["acked"] > 20 and uni["received"] == {"02-00-00-00-00-02": uni["acked"]}


def test_the_launcher_run_directly_refers_to_espnow_sim_which_checks_the_scenario(tmp_path):
    # Run directly, the launcher ran a flow from an unknown node as nothing.
    s = scenario()
    s["traffic"][0]["from"] = "02:00:00:00:00:09"
    (tmp_path / "listener.py").write_text(LISTENER)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(s))
    launcher = os.path.join(os.path.dirname(CLI), "espnow-python")
    r = subprocess.run([launcher, "--sim-scenario", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and f"run the scenario with `espnow sim {path}`" in r.stderr and r.stdout == ""
    r = run(tmp_path, s)
    assert r.returncode == 2 and "traffic[0].from: 02:00:00:00:00:09 is not a node" in r.stderr
