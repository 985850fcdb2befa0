"""Every shell command in README.md, run as the README gives it, so the README
stays true.

What counts as a command:
- each line of a ```sh block (a trailing backslash continues it);
- each `$ ` line of a ```console block, whose following lines are the output
  the README shows for it.

How they run: section by section (a `#` heading starts one), in README order,
in a scratch folder where `build/` is the build tree and `examples/` the
source's, with `sh -c`, on an air of the test's own (ESPNOW_AIR; the output is
compared as if it were the default air). A command that never ends by itself
(`espnow listen|echo|bridge`, `espnow capture -w`, or one whose shown output
has all appeared) goes on in the background, as in a second terminal, and gets
Ctrl-C (SIGINT to its process group) when its section ends. Every other
command must end by itself, with status 0.

The shown output must appear in the command's output, line by line and in
order (stdout and stderr each keep their order), after normalizing what
cannot repeat: clock times, durations, pcap timestamps, and MACs that no
command of the section names (random ones). `...` stands for lines left out.

A server is stopped too when a later command of its section starts a server
with the same `--mac`, as a person stops a device before reusing its address.

A line whose comment says `(not run by the doc-test: REASON)` is not run (a
real Wi-Fi card, sudo, a full build); such a comment on a line of its own
marks the rest of its ```sh block. A `make TARGET` line must be marked (the
doc-test never builds, and never runs `make test` from inside `make test`);
it is still checked to be a target of the Makefile (`make -n`). Files the
README reads but a reader brings (`esp32.pcap`, a capture of real ESP32s) are
made here.

And the README and docs/ stand alone in a clone: every relative link leads to
a file (and heading) of the repository, and nothing cites the project's
internal notes (`../shared`, "SPEC §").
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import pytest

SRC = os.environ["ESPNOW_SOURCE_DIR"]
BUILD = os.environ["ESPNOW_BUILD_DIR"]
README = os.path.join(SRC, "README.md")
DEFAULT_AIR = "udp://239.255.0.1:47474"
NOT_RUN = re.compile(r"\(not run by the doc-test: ([^)]*)\)")
CLI_SUBCOMMANDS = {"listen", "send", "echo", "ping", "capture", "bridge", "demo"}
SERVERS = {"listen", "echo", "bridge"}  # they run until Ctrl-C (and `capture -w`)
DEADLINE_S = 30                          # for any one command, or one wait

sys.path.insert(0, os.path.join(SRC, "tests", "wire"))


@dataclass
class Command:
    line: int                 # in README.md, 1-based
    text: str
    expected: list = field(default_factory=list)
    not_run: str = ""         # the reason, for a marked line

    def __str__(self):
        return f"README.md:{self.line}: {self.text}"


@dataclass
class Section:
    title: str
    commands: list = field(default_factory=list)


def parse_readme(path=README):
    """The sections of README.md that hold commands, in order."""
    sections, title, fence, current, block_not_run = [], "(top)", None, None, ""
    for n, raw in enumerate(open(path, encoding="utf-8").read().splitlines(), 1):
        line = raw.rstrip()
        if fence is None:
            if line.startswith("```"):
                fence, block_not_run = line[3:].strip(), ""
            elif line.startswith("#"):
                title = line.lstrip("#").strip()
            continue
        if line.startswith("```"):
            fence, current = None, None
            continue
        if fence not in ("sh", "console"):
            continue
        if not sections or sections[-1].title != title:
            sections.append(Section(title))
        cmds = sections[-1].commands
        if fence == "sh":
            if current is not None and current.text.endswith("\\"):
                current.text = current.text[:-1] + " " + line.strip()
            elif line.lstrip().startswith("#"):
                m = NOT_RUN.search(line)
                block_not_run = m.group(1) if m else block_not_run
            elif line.strip():
                current = Command(n, line.strip(), not_run=block_not_run)
                cmds.append(current)
        elif line.startswith("$ "):
            current = Command(n, line[2:].strip())
            cmds.append(current)
        elif current is not None:
            current.expected.append(line)
    for s in sections:
        for c in s.commands:
            m = NOT_RUN.search(c.text)
            if m:
                c.not_run = m.group(1)
    return [s for s in sections if s.commands]


def cli_argv(cmd):
    """The arguments of an `espnow` CLI command, or None for anything else."""
    try:
        argv = shlex.split(cmd, comments=True)
    except ValueError:
        return None
    return argv if argv and os.path.basename(argv[0]) == "espnow" else None


def is_server(cmd):
    """`espnow ... listen|echo|bridge`, `espnow capture -w` with no --duration or
    --count: they end on Ctrl-C only."""
    argv = cli_argv(cmd) or []
    sub = next((a for a in argv[1:] if a in CLI_SUBCOMMANDS), None)
    if sub == "capture":
        return "-w" in argv and "--duration" not in argv and "--count" not in argv
    return sub in SERVERS


def mac_of(cmd):
    argv = cli_argv(cmd) or []
    return argv[argv.index("--mac") + 1] if "--mac" in argv[:-1] else None


# ---- comparing shown output with real output

MAC = re.compile(r"\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b")


def normalizer(section, air):
    named = {m for c in section.commands for m in MAC.findall(c.text)} | {"ff:ff:ff:ff:ff:ff"}

    def norm(text):
        text = text.replace(air, DEFAULT_AIR)
        text = re.sub(r"\b\d{2}:\d{2}:\d{2}\.\d{3}\b", "<clock>", text)      # 00:16:16.876
        text = re.sub(r"\b\d+\.\d{6}\b", "<t>", text)                        # pcap time 0.000029
        text = re.sub(r"\b\d+(?:\.\d+)? ?(?:ms|µs|us|s)\b", "<duration>", text)
        text = MAC.sub(lambda m: m.group(0) if m.group(0) in named else "<mac>", text)
        return " ".join(text.split())
    return norm


def missing_lines(expected, out_lines, err_lines, norm):
    """The shown lines not found in order in stdout or stderr; [] when all are."""
    streams = [[norm(x) for x in out_lines], [norm(x) for x in err_lines]]
    pos = [0, 0]
    missing = []
    for want in (norm(e) for e in expected if e.strip() not in ("...", "…")):
        for i, lines in enumerate(streams):
            try:
                pos[i] = lines.index(want, pos[i]) + 1
                break
            except ValueError:
                continue
        else:
            missing.append(want)
    return missing


# ---- running

class Running:
    """One command in its own process group, stdout and stderr read as they come."""

    def __init__(self, cmd, cwd, env):
        self.cmd = cmd
        # A server is the shell's one command: exec'd, so that its own exit status is the one seen.
        text = "exec " + cmd.text if is_server(cmd.text) else cmd.text
        self.proc = subprocess.Popen(["sh", "-c", text], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
        self.out, self.err = [], []
        self.changed = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(s, d), daemon=True)
                        for s, d in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for r in self.readers:
            r.start()
        self.interrupted = False

    def _read(self, stream, dest):
        for line in stream:
            with self.changed:
                dest.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_until(self, pred, timeout=DEADLINE_S):
        """Waits until pred() or the process has ended (and its output is read); True if pred()."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not pred():
                if self.proc.poll() is not None and not any(r.is_alive() for r in self.readers):
                    return pred()
                left = deadline - time.monotonic()
                if left <= 0:
                    return pred()
                self.changed.wait(min(left, 0.2))
        return True

    def finish(self, timeout=DEADLINE_S):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            threads = subprocess.run(["ps", "-L", "-o", "pid,tid,stat,wchan:32,args", "-g", str(self.proc.pid)],
                                     capture_output=True, text=True).stdout
            self.kill()
            pytest.fail(f"{self.cmd}: still running after {timeout} s\n{self.transcript()}\n--- threads:\n{threads}")
        for r in self.readers:
            r.join(timeout)
        return self.proc.returncode

    def interrupt(self):
        """Ctrl-C, as a terminal sends it: SIGINT to the whole process group."""
        if self.proc.poll() is None:
            self.interrupted = True
            os.killpg(self.proc.pid, signal.SIGINT)
        return self.finish(10)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def transcript(self):
        return "--- stdout:\n" + "\n".join(self.out) + "\n--- stderr:\n" + "\n".join(self.err)


def check_output(run, norm):
    missing = missing_lines(run.cmd.expected, run.out, run.err, norm)
    assert not missing, f"{run.cmd}\nshown but not printed: {missing}\n{run.transcript()}"


def check_ended_well(run, norm):
    rc = run.finish()
    assert rc == 0, f"{run.cmd}\nexit status {rc}\n{run.transcript()}"
    check_output(run, norm)


def stop_and_check(run, norm):
    """Ctrl-C for a command left running; then its status and output."""
    ended_by_itself = run.proc.poll() is not None
    rc = run.interrupt()
    if ended_by_itself or is_server(run.cmd.text):  # the CLI exits 0 on Ctrl-C
        assert rc == 0, f"{run.cmd}\nexit status {rc}\n{run.transcript()}"
    check_output(run, norm)


def check_not_run(cmd):
    """A marked `make TARGET` line must still name a target of the Makefile."""
    assert cmd.not_run.strip(), f"{cmd}: say why it is not run"
    argv = shlex.split(cmd.text, comments=True)
    if argv and argv[0] == "make":
        targets = [a for a in argv[1:] if not a.startswith("-") and "=" not in a]
        r = subprocess.run(["make", "-n", "-C", SRC, *targets], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"{cmd}: not a target of the Makefile\n{r.stderr}"


def run_section(section, workdir, env, air):
    norm = normalizer(section, air)
    background = []
    try:
        for cmd in section.commands:
            if cmd.not_run:
                check_not_run(cmd)
                continue
            assert not cmd.text.startswith(("make ", "sudo ")), f"{cmd}: mark it (not run by the doc-test: why)"
            if is_server(cmd.text) and mac_of(cmd.text):
                for old in [r for r in background if is_server(r.cmd.text) and mac_of(r.cmd.text) == mac_of(cmd.text)]:
                    background.remove(old)
                    stop_and_check(old, norm)
            run = Running(cmd, workdir, env)
            if is_server(cmd.text):
                assert run.wait_until(lambda r=run: r.out or r.err), f"{cmd}: no banner within {DEADLINE_S} s"
                assert run.proc.poll() is None, f"{cmd}: ended at once\n{run.transcript()}"
                background.append(run)
            elif cmd.expected:
                if run.wait_until(lambda r=run: not missing_lines(cmd.expected, r.out, r.err, norm)) \
                        and run.proc.poll() is None:
                    background.append(run)  # all it shows is out, and it goes on: a second terminal
                else:
                    check_ended_well(run, norm)
            else:
                check_ended_well(run, norm)
        while background:
            stop_and_check(background.pop(0), norm)
    finally:
        for run in background:
            if run.proc.poll() is None:
                run.kill()


# ---- files a reader brings

def write_esp32_capture(path):
    """A short capture of two ESP32s, as the README's `capture -r esp32.pcap`
    listing shows it: 24:6f:28:11:22:33 sends to 24:6f:28:aa:bb:cc a plain
    message, a v2 broadcast, an encrypted one (LMK "my local master!", the
    default PMK), one that is never acknowledged and retried, and one whose MIC
    fails; no FCS and no radiotap Flags, as most drivers write captures."""
    import reference_frames as ref  # scapy and cryptography: frames built without our code
    a, b = "24:6f:28:11:22:33", "24:6f:28:aa:bb:cc"
    tk = ref.temporal_key(b"pmk1234567890123", b"my local master!")

    def ack(ra):
        return ref.with_fcs(bytes([0xD4, 0, 0, 0]) + bytes.fromhex(ra.replace(":", "")))

    def retried(frame):
        f = bytearray(frame[:-4])
        f[1] |= 0x08
        return ref.with_fcs(bytes(f))

    again = ref.scapy_frame(b, a, 4, 40, 1, b"again", True)
    tampered = bytearray(ref.protect(ref.scapy_frame(b, a, 5, 50, 1, b"tampered", True), tk, 2))
    tampered[40] ^= 1
    frames = [ref.scapy_frame(b, a, 1, 10, 1, b"hello", True), ack(a),
              ref.scapy_frame(ref.BCAST, a, 2, 20, 2, b"v2 " * 333 + b"!", True),
              ref.protect(ref.scapy_frame(b, a, 3, 30, 1, b"secret", True), tk, 1), ack(a),
              again, retried(again),
              ref.with_fcs(bytes(tampered[:-4])), ack(a)]
    ref.write_capture(path, [ref.DRIVER_STYLES["no flags field"](f) for f in frames])


SECTIONS = parse_readme()


@pytest.fixture
def workdir(tmp_path):
    os.symlink(BUILD, tmp_path / "build")
    os.symlink(os.path.join(SRC, "examples"), tmp_path / "examples")
    write_esp32_capture(str(tmp_path / "esp32.pcap"))
    return str(tmp_path)


@pytest.fixture
def air():
    """An air of this test's own, so parallel tests and other people's devices stay apart."""
    return f"udp://239.255.{os.getpid() % 200 + 40}.{time.monotonic_ns() % 250 + 1}:{47600 + os.getpid() % 900}"


@pytest.fixture
def ctrl_c_reaches_commands():
    """The commands must see Ctrl-C as in a terminal; a test run started in the
    background by a script inherits SIGINT ignored, and passes that on."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("section", SECTIONS, ids=[s.title for s in SECTIONS])
def test_readme_section_commands(section, workdir, air, ctrl_c_reaches_commands):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESPNOW_")}
    env.update(ESPNOW_AIR=air, PYTHONUNBUFFERED="1")
    run_section(section, workdir, env, air)


# ---- the test's own rules, on made-up READMEs

def test_the_parser_finds_sh_lines_console_commands_their_output_and_marks(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# A\n```sh\nmake demo   # (not run by the doc-test: it builds)\n# a comment\n"
                      "build/espnow send a \\\n  b\n```\n## B\n```console\n$ build/espnow listen\nbanner\n"
                      "line\n$ true\n```\n```cpp\nint main();\n```\n"
                      "```sh\n# (not run by the doc-test: a card)\nsudo x\n```\n```sh\ny\n```\n")
    a, b = parse_readme(str(readme))
    assert (a.title, [(c.text, c.not_run) for c in a.commands]) == \
        ("A", [("make demo   # (not run by the doc-test: it builds)", "it builds"), ("build/espnow send a  b", "")])
    assert [(c.text, c.not_run) for c in b.commands[2:]] == [("sudo x", "a card"), ("y", "")]
    assert (b.title, [(c.text, c.expected) for c in b.commands[:2]]) == \
        ("B", [("build/espnow listen", ["banner", "line"]), ("true", [])])


def test_servers_are_the_cli_subcommands_that_run_until_ctrl_c():
    assert is_server("build/espnow --lmk 02:00:00:00:00:01=\"x y\" --mac 02:00:00:00:00:02 listen")
    assert is_server("build/espnow capture -w air.pcap   # sniff")
    assert not is_server("build/espnow capture -r air.pcap")
    assert not is_server("build/espnow capture -w air.pcap --duration 2")
    assert mac_of("build/espnow --mac 02:00:00:00:00:02 echo   # an echo server") == "02:00:00:00:00:02"
    assert not is_server("build/espnow send 02:00:00:00:00:02 listen")


def test_shown_output_must_appear_in_order_with_what_cannot_repeat_normalized():
    section = Section("s", [Command(1, "build/espnow --mac 02:00:00:00:00:01 send")])
    norm = normalizer(section, "udp://239.255.9.9:1234")
    shown = ["listening as 02:00:00:00:00:01 on udp://239.255.0.1:47474", "...",
             "00:16:16.876 02:5e:13:a0:7c:91 len=3 in 181 ms"]
    out = ["listening as 02:00:00:00:00:01 on udp://239.255.9.9:1234", "x",
           "10:01:02.003 02:11:22:33:44:55 len=3 in 0.5 s"]
    assert missing_lines(shown, out, [], norm) == []
    assert missing_lines(shown, out[::-1], [], norm) != []
    assert missing_lines(["len=4"], out, [], norm) == ["len=4"]
    assert missing_lines(["listening as 02:00:00:00:00:09 on udp://239.255.0.1:47474"], out, [], norm) != []


# ---- the docs stand alone in a clone

def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path):
    text = re.sub(r"```.*?```", "", open(path, encoding="utf-8").read(), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.*)$", text, flags=re.M)}


DOCS = [README] + sorted(os.path.join(SRC, "docs", f) for f in os.listdir(os.path.join(SRC, "docs")) if f.endswith(".md"))


@pytest.mark.parametrize("doc", DOCS, ids=[os.path.relpath(d, SRC) for d in DOCS])
def test_every_link_of_the_docs_leads_somewhere_in_the_clone(doc):
    text = re.sub(r"```.*?```", "", open(doc, encoding="utf-8").read(), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        if not full.startswith(SRC + os.sep) or not os.path.exists(full):
            broken.append(target)
        elif anchor and full.endswith(".md") and anchor not in anchors(full):
            broken.append(target)
    assert not broken, f"{doc}: links to nothing in the clone: {broken}"
    assert not re.search(r"\.\./shared|SPEC §", text), f"{doc}: cites a file a clone does not have"


def test_slugs_are_githubs():
    assert slug("ESP-NOW v1 and v2") == "esp-now-v1-and-v2"
    assert slug("Configuration: `config()`") == "configuration-config"
    assert slug("Two devices talking: two terminals, one PC") == "two-devices-talking-two-terminals-one-pc"


# ---- the CMake the README shows links targets that exist

def cmake_targets_linked(text):
    """What each target_link_libraries of a ```cmake block links."""
    linked = []
    for block in re.findall(r"```cmake\n(.*?)```", text, flags=re.S):
        for args in re.findall(r"target_link_libraries\(([^)]*)\)", block):
            linked += [a for a in args.split()[1:] if a not in ("PRIVATE", "PUBLIC", "INTERFACE")]
    return linked


def package_targets():
    """The espnow:: names both ways of using the project give: add_subdirectory
    (the ALIAS targets) and find_package on an install (the EXPORT_NAMEs)."""
    aliases, exported = set(), set()
    for folder, dirs, files in os.walk(SRC):
        dirs[:] = [d for d in dirs if not d.startswith(("build", "."))]  # build trees, .git
        if "CMakeLists.txt" not in files:
            continue
        text = open(os.path.join(folder, "CMakeLists.txt"), encoding="utf-8").read()
        layers = set(re.findall(r"^espnow_layer\((\w+)", text, flags=re.M))
        aliases |= layers | set(re.findall(r"add_library\(espnow::(\w+) ALIAS", text))
        exported |= layers | set(re.findall(r"EXPORT_NAME (\w+)\)", text))
    exported.add("espnow")  # the umbrella library exports as itself
    return {f"espnow::{name}" for name in aliases & exported}


def test_the_readme_links_cmake_targets_that_work_in_tree_and_installed():
    known = package_targets()
    assert {"espnow::espnow", "espnow::idf_emul", "espnow::idf_emul_main"} <= known
    text = open(README, encoding="utf-8").read()
    linked = cmake_targets_linked(text)
    assert "espnow::idf_emul" in linked
    assert [t for t in linked if t not in known] == []


def test_the_readme_makes_firmware_with_the_function_both_ways_provide():
    """espnow_add_firmware, which README's CMake calls, is defined for a build
    tree (the top-level CMakeLists includes it) and for an install (the
    package's config includes the installed file)."""
    blocks = "".join(re.findall(r"```cmake\n(.*?)```", open(README, encoding="utf-8").read(), flags=re.S))
    assert "espnow_add_firmware(" in blocks
    defined = open(os.path.join(SRC, "cmake", "EspnowFirmware.cmake"), encoding="utf-8").read()
    assert "function(espnow_add_firmware " in defined
    assert "include(cmake/EspnowFirmware.cmake)" in open(os.path.join(SRC, "CMakeLists.txt"), encoding="utf-8").read()
    assert "EspnowFirmware.cmake" in open(os.path.join(SRC, "cmake", "espnowConfig.cmake.in"), encoding="utf-8").read()
    assert "EspnowFirmware.cmake" in open(os.path.join(SRC, "cmake", "EspnowInstall.cmake"), encoding="utf-8").read()
