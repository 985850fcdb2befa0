"""A Simulation's air as a pcap (sim_fleet's pcap argument): the same seed
gives the same file byte for byte, another seed another, and tshark reads
every frame as an ESP-NOW action frame or an ACK."""
import os
import subprocess

FLEET = os.environ["ESPNOW_SIM_FLEET"]


def run(tmp_path, seed):
    path = tmp_path / ("run-%d-%d.pcap" % (seed, len(list(tmp_path.iterdir()))))
    r = subprocess.run([FLEET, "10", "60", str(seed), "0.1", str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "frames written to" in r.stdout
    return path


def tshark(path, *fields):
    r = subprocess.run(["tshark", "-r", str(path), "-T", "fields", *[a for f in fields for a in ("-e", f)]],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return [line.split("\t") for line in r.stdout.splitlines()]


def test_the_same_seed_gives_the_same_pcap_and_another_seed_another(tmp_path):
    a, b, c = run(tmp_path, 3), run(tmp_path, 3), run(tmp_path, 4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_tshark_reads_every_frame_with_its_rate_channel_and_virtual_time(tmp_path):
    rows = tshark(run(tmp_path, 3), "wlan.fc.type_subtype", "wlan_radio.channel", "radiotap.datarate",
                  "frame.time_relative", "wlan.fixed.category_code")
    kinds = {}
    for subtype, channel, rate, _, _ in rows:
        kinds[subtype] = kinds.get(subtype, 0) + 1
        assert channel == "1" and rate == "1"
    actions = [r for r in rows if r[0] == "0x000d"]
    acks = kinds.get("0x001d", 0)
    assert set(kinds) == {"0x000d", "0x001d"}, kinds  # action frames and their ACKs, nothing else
    assert all(r[4] == "127" for r in actions)        # vendor specific: ESP-NOW
    assert len(actions) >= 2 * 9 * 55 and acks >= 2 * 9 * 55  # nine clients' heartbeats and their echoes, a minute
    assert 59.0 < float(rows[-1][3]) <= 60.0           # stamped with virtual time: the run's last minute ends at 60 s
