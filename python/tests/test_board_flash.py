"""Each board's own flash under espnow-python --sim: the script's folder as
uploaded to every board, what a copy writes its own, through its resets;
--fs keeps it after the run. And os.ilistdir in a process."""
import os
import subprocess
import textwrap
from pathlib import Path

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))

BOARD = """\
import machine, os
if machine.reset_cause() != machine.SOFT_RESET:  # the first boot
    with open("config.txt") as f:
        print("uploaded", f.read().strip(), sorted(os.listdir()))
    os.remove("config.txt")  # from this board's flash only
    os.mkdir("data")
    with open("/data/log.txt", "a") as f:
        f.write("boot of %s\\n" % machine.unique_id().hex()[-2:])
    os.rename("data/log.txt", "data/first.txt")
    os.chdir("data")
    print("in", os.getcwd(), list(os.ilistdir()), os.stat("first.txt")[6])
    for call in (lambda: open("/config.txt"), lambda: os.remove("nope"), lambda: os.mkdir("/data"),
                 lambda: open("/main.py", "x")):
        try:
            call()
        except OSError as e:
            print("OSError", e.errno)
    machine.reset()
else:
    print("after the reset", sorted(os.listdir("/")), open("/data/first.txt").read().strip())
"""


def run(tmp_path, *args):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.py").write_text(BOARD)
    (folder / "config.txt").write_text("hello\n")
    r = subprocess.run([LAUNCHER, "--sim", "2", "--sim-seconds", "2", *args, str(folder / "main.py")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return folder, r.stdout.splitlines()


def test_each_board_has_its_own_flash_with_the_uploaded_folder_and_keeps_it_through_resets(tmp_path):
    folder, out = run(tmp_path, "--fs", tmp_path / "flash")
    for n in ("01", "02"):
        mine = [line.split(" ", 1)[1] for line in out if line.startswith("02:00:00:00:00:%s " % n)]
        assert mine == [
            "uploaded hello ['config.txt', 'main.py']",
            "in /data [('first.txt', 32768, 0, 11)] 11",  # "boot of NN\\n"
            "OSError 2",  # the file it removed
            "OSError 2",
            "OSError 17",  # EEXIST
            "OSError 17",  # main.py was uploaded: it is there to create exclusively
            "after the reset ['data', 'main.py'] boot of %s" % n,  # each its own log, config.txt gone
        ], out
        assert (tmp_path / "flash" / ("02-00-00-00-00-" + n) / "data" / "first.txt").read_text() == "boot of %s\n" % n
    assert sorted(p.name for p in folder.iterdir()) == ["config.txt", "main.py"]  # the host's folder untouched


def test_without_fs_the_flash_is_temporary(tmp_path):
    before = {p for p in Path("/tmp").iterdir() if p.name.startswith("espnow-sim-flash-")}
    _, out = run(tmp_path)
    assert len(out) == 14
    assert {p for p in Path("/tmp").iterdir() if p.name.startswith("espnow-sim-flash-")} <= before


def test_a_process_has_the_hosts_folder_and_micropythons_ilistdir(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "f.txt").write_text("abc")
    r = subprocess.run([LAUNCHER, "-c", textwrap.dedent("""\
        import os
        print(sorted((n, t, s) for n, t, _, s in os.ilistdir()))
        """)], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                       env=dict(os.environ, ESPNOW_AIR="udp://239.255.77.201:%d" % (30000 + os.getpid() % 20000)))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[('f.txt', 32768, 3), ('sub', 16384, 0)]\n"
