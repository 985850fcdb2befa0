"""`espnow sim --pcap FILE`: every frame on the air in one time-ordered
capture that tshark reads, with radiotap channel, rate and signal."""
import json
import math
import os
import struct
import subprocess

CLI = os.environ["ESPNOW_CLI"]

A, B, C = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03"
D, E = "02:00:00:00:00:04", "02:00:00:00:00:05"
BROADCAST = "ff:ff:ff:ff:ff:ff"

SCENARIO = {
    "seed": 3, "duration_s": 2,
    "air": {"path_loss_exponent": 3.0, "reference_loss_db": 40.0},
    "nodes": [{"mac": A, "pos": [0, 0]}, {"mac": B, "pos": [5, 0]}, {"mac": C, "pos": [0, 5]},
              {"mac": D, "pos": [3000, 0], "channel": 6}, {"mac": E, "pos": [3010, 0], "channel": 6}],
    "traffic": [{"from": A, "to": BROADCAST, "bytes": 250, "interval_ms": 20, "arrival": "poisson"},
                {"from": B, "to": A, "bytes": 100, "interval_ms": 10, "arrival": "poisson"},
                {"from": C, "to": A, "bytes": 100, "interval_ms": 10, "arrival": "poisson"},
                {"from": D, "to": E, "bytes": 50, "interval_ms": 100, "arrival": "periodic", "rate": "11M"}]}

FIELDS = ["frame.time_epoch", "radiotap.channel.freq", "radiotap.datarate", "radiotap.dbm_antsignal",
          "wlan.fc.type_subtype", "wlan.ta", "wlan.ra", "wlan.fc.retry", "wlan.fcs.status", "radiotap.mactime"]


def rx_dbm(distance_m):
    return round(20 - (40 + 30 * math.log10(distance_m)))


def simulate(tmp_path, name, scenario):
    """Runs `scenario` with --pcap: its JSON report and the capture's path."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(scenario))
    pcap = tmp_path / f"{name}.pcap"
    r = subprocess.run([CLI, "sim", str(path), "--json", "--pcap", str(pcap)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), pcap


def tshark_rows(pcap, fields, preference):
    """Each frame of `pcap` as tshark reads it with `preference`: {field: text}."""
    t = subprocess.run(["tshark", "-r", str(pcap), "-o", preference, "-T", "fields", "-E", "separator=|",
                        *sum((["-e", f] for f in fields), [])], capture_output=True, text=True, timeout=120)
    assert t.returncode == 0, t.stderr
    return [dict(zip(fields, line.split("|"))) for line in t.stdout.splitlines()]


def capture(tmp_path):
    report, pcap = simulate(tmp_path, "air", SCENARIO)
    return report, tshark_rows(pcap, FIELDS, "wlan.check_checksum:TRUE")


def test_every_frame_on_the_air_in_time_order_with_channel_rate_and_signal(tmp_path):
    report, rows = capture(tmp_path)
    nodes = {n["mac"]: n for n in report["nodes"]}
    flows = report["flows"]
    data = [r for r in rows if r["wlan.fc.type_subtype"] in ("13", "0x000d", "0x0d")]
    acks = [r for r in rows if r["wlan.fc.type_subtype"] in ("29", "0x001d", "0x1d")]
    assert len(data) + len(acks) == len(rows)

    # Every attempt, retries included, is a frame; every ACKed attempt has its ACK.
    assert len(data) == sum(n["transmissions"] for n in report["nodes"])
    for mac in (A, B, C, D):
        assert sum(r["wlan.ta"] == mac for r in data) == nodes[mac]["transmissions"]
    acked = sum(f["acked"] for f in flows)
    assert acked <= len(acks) <= len(data)
    # A unicast's first attempt has no retry bit, its retries have it. `sent`
    # counts the reported messages; a sender's message on the air when the
    # run ends was attempted but not reported (at most one per sender).
    unicast = [r for r in data if r["wlan.ta"] in (B, C, D)]
    firsts = sum(r["wlan.fc.retry"] not in ("1", "True") for r in unicast)
    sent = sum(f["sent"] for f in flows[1:])
    assert sent <= firsts <= sent + 3
    assert len(unicast) > firsts  # retries: B and C collide at A now and then
    assert not any(r["wlan.fc.retry"] in ("1", "True") for r in data if r["wlan.ta"] == A)  # broadcasts: one attempt

    # One file in time order (each frame stamped with its start); the radiotap
    # TSFT, as radiotap defines it, when the first bit of the MPDU arrived:
    # after the 192 µs long preamble and PLCP header.
    times = [float(r["frame.time_epoch"]) for r in rows]
    assert times == sorted(times) and times[-1] <= 2.01
    for r in rows:
        assert abs(int(r["radiotap.mactime"]) - round(float(r["frame.time_epoch"]) * 1e6) - 192) <= 1
        assert r["wlan.fcs.status"] in ("1", "Good")

    # Channel and rate as the scenario says; the signal at the addressee, a
    # group frame's at the nearest radio.
    for r in data:
        ta = r["wlan.ta"]
        assert r["radiotap.channel.freq"] == ("2437" if ta == D else "2412")
        assert r["radiotap.datarate"] == ("11" if ta == D else "1")
        expected = {A: rx_dbm(5), B: rx_dbm(5), C: rx_dbm(5), D: rx_dbm(10)}[ta]
        assert int(r["radiotap.dbm_antsignal"]) == expected
    assert {r["wlan.ra"] for r in data if r["wlan.ta"] == A} == {BROADCAST}
    for r in acks:  # ACKs at the basic rate (1 Mbps after 11 Mbps too: SPEC §3), to the data frame's sender
        assert r["wlan.ra"] in (B, C, D)
        assert r["radiotap.datarate"] == "1"
    assert any(r["wlan.ra"] == D for r in acks)


TIMING_FIELDS = ["wlan.fc.type_subtype", "wlan_radio.start_tsf", "wlan_radio.end_tsf", "wlan_radio.ifs"]


def timing_rows(tmp_path, rate):
    """One sender keeping its queue full of unicasts at `rate` to a radio 5 m
    away, as tshark's radio timing reads it (TSFT at the MPDU's start)."""
    _, pcap = simulate(tmp_path, f"timing_{rate}", {
        "seed": 5, "duration_s": 0.2, "nodes": [{"mac": A, "pos": [0, 0]}, {"mac": B, "pos": [5, 0]}],
        "traffic": [{"from": A, "to": B, "bytes": 250, "arrival": "saturated", "rate": rate}]})
    rows = tshark_rows(pcap, TIMING_FIELDS, "wlan_radio.tsf_at_end:FALSE")
    assert len(rows) > 50
    return rows[1:]  # the first frame has no frame before it


def test_wireshark_times_the_frame_exchange_as_802_11_does(tmp_path):
    # Wireshark works out each frame's airtime from its rate and length and
    # the gap (IFS) since the frame before: an ACK follows its data frame
    # after SIFS, a data frame follows the ACK after DIFS and whole backoff
    # slots. At 54 Mbps Wireshark's airtime leaves out the 6 µs signal
    # extension that ends every ERP-OFDM frame, so its gaps are 6 µs longer.
    # TSFT counts whole µs and the frames start on the ns (propagation), so a
    # gap may read 1 µs long or short.
    for rate, extension in (("1M", 0), ("11M", 0), ("54M", 6)):
        for r in timing_rows(tmp_path, rate):
            gap = int(r["wlan_radio.ifs"]) - extension
            if r["wlan.fc.type_subtype"] in ("29", "0x001d", "0x1d"):
                assert abs(gap - 10) <= 1, (rate, r)
            else:
                assert gap >= 49 and min((gap - 50) % 20, -(gap - 50) % 20) <= 1, (rate, r)


def test_an_unwritable_pcap_is_an_error(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO))
    r = subprocess.run([CLI, "sim", str(scenario), "--pcap", str(tmp_path / "no" / "such" / "dir.pcap")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "--pcap" in r.stderr


def data_frames(path):
    """The 802.11 frames of the capture's data attempts (radiotap stripped), in order."""
    raw = path.read_bytes()
    assert struct.unpack_from("<I", raw)[0] == 0xA1B2C3D4 and struct.unpack_from("<I", raw, 20)[0] == 127
    frames, at = [], 24
    while at < len(raw):
        incl = struct.unpack_from("<I", raw, at + 8)[0]
        packet = raw[at + 16:at + 16 + incl]
        at += 16 + incl
        frame = packet[struct.unpack_from("<H", packet, 2)[0]:]
        if frame[0] == 0xD0:  # action frames; ACKs are 0xD4
            frames.append(frame)
    return frames


def test_the_frames_are_the_real_esp_now_frames_of_the_flows(tmp_path):
    # Each flow's messages went through its sender's SoftLink: every data
    # frame on the air is an ESP-NOW vendor action frame (Espressif's OUI,
    # element type 4) carrying the flow's payload length, its message naming
    # the flow (4 bytes) and its number (4 bytes); the 802.11 sequence number
    # is the sender link's, one per message, repeated by its retries.
    report, _ = capture(tmp_path)
    frames = data_frames(tmp_path / "air.pcap")
    assert len(frames) == sum(n["transmissions"] for n in report["nodes"])
    lengths = [f["bytes"] for f in SCENARIO["traffic"]]
    senders = [f["from"] for f in SCENARIO["traffic"]]
    numbers = {k: set() for k in range(len(lengths))}
    last_seq = {}
    for frame in frames:
        src = ":".join(f"{b:02x}" for b in frame[10:16])
        seq, retry = struct.unpack_from("<H", frame, 22)[0] >> 4, bool(frame[1] & 0x08)
        assert frame[24] == 127 and frame[25:28] == b"\x18\xfe\x34"  # vendor-specific action, Espressif
        element = frame[32:]
        assert element[0] == 0xDD and element[2:6] == b"\x18\xfe\x34\x04"
        message = element[7:2 + element[1]]
        flow, number = struct.unpack_from("<II", message)
        assert senders[flow] == src and len(message) == lengths[flow]
        assert message[8:] == bytes(len(message) - 8)
        if retry:
            assert last_seq[src] == (seq, number)
        else:
            assert src not in last_seq or seq == (last_seq[src][0] + 1) % 4096
            numbers[flow].add(number)
        last_seq[src] = (seq, number)
    # `sent` counts the messages whose send was reported; the one a sender
    # has on the air when the run ends is on the capture but not reported.
    for k, f in enumerate(report["flows"]):
        assert f["sent"] <= len(numbers[k]) <= f["sent"] + 1 and max(numbers[k]) < f["offered"]
