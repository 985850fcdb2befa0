"""Our wire codec against independent implementations: scapy builds and parses
ESP-NOW frames, tshark reads the pcaps our writer produces."""
import os
import subprocess

import pytest
from scapy.layers.dot11 import Dot11FCS, Dot11Elt, Dot11EltVendorSpecific
from scapy.packet import Raw

from reference_frames import OUI, scapy_frame

TOOL = os.environ["ESPNOW_WIRE_TOOL"]
TMP = os.environ.get("ESPNOW_TMP", "/tmp")
SRC, DST, BCAST = "24:0a:c4:11:22:33", "24:0a:c4:aa:bb:cc", "ff:ff:ff:ff:ff:ff"


def tool(*args):
    out = subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines()) if "=" in out else out.strip()


@pytest.mark.parametrize("fcs", [True, False])
@pytest.mark.parametrize("version,size", [(1, 0), (1, 1), (1, 250), (2, 251), (2, 1000), (2, 1470)])
@pytest.mark.parametrize("dst", [DST, BCAST])
def test_our_decoder_reads_scapy_frames(dst, version, size, fcs):
    body = bytes((i * 7) & 0xFF for i in range(size))
    frame = scapy_frame(dst, SRC, 1234, 0xCAFEBABE, version, body, fcs)
    d = tool("decode", frame.hex(), *([] if fcs else ["nofcs"]))
    assert d["dst"] == dst and d["src"] == SRC and d["bssid"] == BCAST
    assert int(d["sequence"]) == 1234
    assert int(d["random"]) == 0xCAFEBABE
    assert int(d["version"]) == version
    assert bytes.fromhex(d["message"]) == body


@pytest.mark.parametrize("version,size", [(1, 5), (1, 250), (2, 600), (2, 1470)])
@pytest.mark.parametrize("dst", [DST, BCAST])
@pytest.mark.parametrize("retry", [0, 1])
def test_scapy_reads_our_frames(dst, version, size, retry):
    body = bytes((i * 3 + 1) & 0xFF for i in range(size))
    frame = bytes.fromhex(tool("encode", SRC, dst, 77, 0x01020304, version, 0, retry, body.hex()))
    pkt = Dot11FCS(frame)
    assert pkt.type == 0 and pkt.subtype == 13
    assert pkt.addr1 == dst and pkt.addr2 == SRC and pkt.addr3 == BCAST
    assert pkt.SC >> 4 == 77
    assert bool(pkt.FCfield & 0x08) == bool(retry)
    # scapy's Dot11 declares Duration ("ID") big-endian; on the air it is little-endian.
    duration = int.from_bytes(pkt.ID.to_bytes(2, "big"), "little")
    assert duration == (0 if dst == BCAST else 314)
    action = bytes(pkt[Raw].load) if pkt.haslayer(Raw) else bytes(pkt.payload)
    assert action[0] == 127 and int.from_bytes(action[1:4], "big") == OUI
    assert int.from_bytes(action[4:8], "little") == 0x01020304
    # scapy parses each vendor element; we only walk from one to the next.
    got, versions, rest = b"", [], action[8:]
    while rest:
        elt = Dot11Elt(rest)
        assert isinstance(elt, Dot11EltVendorSpecific)
        assert elt.ID == 221 and elt.oui == OUI
        info = elt.getfieldval("info")  # after the OUI (elt.info is the raw element body)
        assert info[0] == 4  # ESP-NOW type
        versions.append(info[1])
        got += info[2:]
        rest = rest[2 + elt.len:]
    assert got == body
    assert [v & 0x0F for v in versions] == [version] * len(versions)
    assert [bool(v & 0x10) for v in versions] == [True] * (len(versions) - 1) + [False]


def test_scapy_fcs_matches_ours():
    import zlib
    frame = bytes.fromhex(tool("encode", SRC, DST, 1, 2, 1, 0, 0, "68656c6c6f"))
    assert int.from_bytes(frame[-4:], "little") == zlib.crc32(frame[:-4])
    assert Dot11FCS(frame).fcs == int.from_bytes(frame[-4:], "little")


def tshark_fields(path):
    # Wireshark 4.0 validates the FCS under wlan.check_checksum (the older
    # name wlan.check_fcs is accepted but no longer switches validation on).
    out = subprocess.run(["tshark", "-r", path, "-o", "wlan.check_checksum:TRUE", "-T", "fields",
                          "-E", "separator=|", *sum((["-e", f] for f in TSHARK_FIELDS), [])],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()
    assert len(out) == 1, out
    return out[0].split("|")


def test_tshark_flags_a_corrupted_fcs():
    frame = bytearray.fromhex(tool("encode", SRC, DST, 1, 2, 1, 0, 0, "00112233"))
    frame[-1] ^= 0xFF
    path = os.path.join(TMP, "crosscheck_badfcs.pcap")
    tool("pcap", path, 2, 2412, 0xA0, -40, frame.hex())
    assert tshark_fields(path)[2] == "0"  # bad


TSHARK_FIELDS = ["wlan.fixed.category_code", "wlan.tag.oui", "wlan.fcs.status", "radiotap.datarate",
                 "radiotap.channel.freq", "radiotap.dbm_antsignal", "wlan.sa", "wlan.da"]


@pytest.mark.parametrize("name,dst,version,size,rate500k,freq,flags,signal", [
    ("v1", DST, 1, 100, 2, 2412, 0x00A0, -42),
    ("v2", DST, 2, 700, 108, 2437, 0x0140, -60),
    ("broadcast", BCAST, 1, 250, 22, 2484, 0x00A0, -71),
])
def test_tshark_reads_our_pcaps(name, dst, version, size, rate500k, freq, flags, signal):
    body = bytes(range(256))[:size] * (size // 256 + 1)
    frame = tool("encode", SRC, dst, 9, 42, version, 0, 0, body[:size].hex())
    path = os.path.join(TMP, f"crosscheck_{name}.pcap")
    tool("pcap", path, rate500k, freq, flags, signal, frame)
    cat, oui, fcs_status, rate, fr, sig, sa, da = tshark_fields(path)
    assert cat == "127"
    assert int(oui.split(",")[0], 0) == 0x18FE34  # tshark 4.0 shows the action's OUI
    assert fcs_status == "1"  # good
    assert float(rate) == rate500k / 2
    assert int(fr) == freq
    assert int(sig) == signal
    assert sa == SRC and da == dst


@pytest.mark.parametrize("protected", [True, False])
def test_scapy_and_tshark_read_our_beacons(protected):
    """A router's beacon (wire/beacon.hpp), as the simulated air's routers send it."""
    from scapy.layers.dot11 import Dot11Beacon
    bssid = "02:a9:00:00:00:01"
    frame = bytes.fromhex(tool("beacon", bssid, "home-router", 6, int(protected), 123456789, 77))
    pkt = Dot11FCS(frame)
    assert pkt.fcs == int.from_bytes(frame[-4:], "little")
    assert pkt.type == 0 and pkt.subtype == 8 and pkt.addr1 == BCAST and pkt.addr2 == pkt.addr3 == bssid
    assert pkt.SC >> 4 == 77
    beacon = pkt[Dot11Beacon]
    assert beacon.timestamp == 123456789 and beacon.beacon_interval == 100
    stats = beacon.network_stats()  # scapy's reading of the elements
    assert stats["ssid"] == "home-router" and stats["channel"] == 6
    assert ("WPA2/PSK" in stats["crypto"]) == protected and ("OPN" in stats["crypto"]) != protected
    path = os.path.join(TMP, "crosscheck_beacon_%d.pcap" % protected)
    tool("pcap", path, 2, 2437, 0xA0, -50, frame.hex())
    out = subprocess.run(["tshark", "-r", path, "-o", "wlan.check_checksum:TRUE", "-T", "fields", "-E", "separator=|",
                          "-e", "wlan.fc.type_subtype", "-e", "wlan.ssid", "-e", "wlan.ds.current_channel",
                          "-e", "wlan.fixed.capabilities.privacy", "-e", "wlan.fcs.status", "-e", "wlan.rsn.akms.type",
                          "-e", "wlan.ht.info.primarychannel", "-e", "wlan.tim.dtim_period"],
                         capture_output=True, text=True, check=True).stdout.strip().split("|")
    subtype, ssid, channel, privacy, fcs_status, akm, ht_primary, dtim_period = out
    assert int(subtype, 0) == 8 and channel == "6" and ht_primary == "6"
    assert bytes.fromhex(ssid) == b"home-router"  # tshark 4.0 gives an SSID's bytes
    assert fcs_status == "1" and dtim_period == "1"
    assert privacy == ("1" if protected else "0") and akm == ("2" if protected else "")  # PSK
