#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/).
Run: fuzz/make_corpus.py build/tests/wire_tool"""
import os
import subprocess
import sys
import zlib

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

TOOL = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
SRC, DST, BC = "02:00:00:00:00:10", "02:00:00:00:00:11", "ff:ff:ff:ff:ff:ff"
FUZZ_TK = bytes([0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 1, 2, 3, 4, 5, 6, 7, 8])  # fuzz_ccmp_unprotect's key


def tool(*args):
    return subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, check=True).stdout.strip()


def frame(dst, version, body):
    return bytes.fromhex(tool("encode", SRC, dst, 5, 1234, version, 0, 0, body.hex()))


def protect(plain, tk, pn):
    plain = plain[:-4]
    header = bytearray(plain[:24])
    header[1] |= 0x40
    pnb = pn.to_bytes(6, "little")
    nonce = b"\x00" + bytes(header[10:16]) + pn.to_bytes(6, "big")
    aad = bytes([header[0] & 0x8F, (header[1] & ~0x38) | 0x40]) + bytes(header[4:22]) + bytes([header[22] & 15, 0])
    sealed = AESCCM(tk, tag_length=8).encrypt(nonce, plain[24:], aad)
    out = bytes(header) + bytes([pnb[0], pnb[1], 0, 0xE0, *pnb[2:]]) + sealed
    return out + zlib.crc32(out).to_bytes(4, "little")


def air(frame_bytes, channel=1):
    return b"ESPN" + bytes([1, 0, channel, 0, 20, 0, 0, 0]) + bytes(8) + (7).to_bytes(8, "little") + frame_bytes


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


v1, v2, bc = frame(DST, 1, b"hello"), frame(DST, 2, bytes(range(256)) * 2), frame(BC, 1, b"")
enc = protect(v1, FUZZ_TK, 9)
for name, data in [("v1_unicast", v1), ("v2_chain", v2), ("broadcast_empty", bc), ("protected", enc)]:
    write("fuzz_frame_decode", name, data)
write("fuzz_ccmp_unprotect", "v1", enc)
write("fuzz_ccmp_unprotect", "v2", protect(v2, FUZZ_TK, 0x123456789A))
write("fuzz_radiotap", "espnow_rx", bytes.fromhex("00000f002e0000001002" "6c09a000d8"))
write("fuzz_radiotap", "ext_bitmaps", bytes.fromhex("00001800" "2f0000a0" "20080000" "0000000000000000" "1002"))
ack = bytes([0xD4, 0, 0, 0]) + bytes.fromhex(SRC.replace(":", ""))
write("fuzz_air_datagram", "frame", air(v1))
write("fuzz_air_datagram", "ack", air(ack + zlib.crc32(ack).to_bytes(4, "little")))
pcap = os.path.join(HERE, "corpus", "tmp.pcap")
tool("pcap", pcap, 2, 2412, 0xA0, -40, v1.hex(), v2.hex(), enc.hex())
with open(pcap, "rb") as f:
    write("fuzz_pcap_read", "three_frames", f.read())
os.remove(pcap)
# API sequences: (device, op, args...) bytes; activate all, add peers, send, receive.
write("fuzz_api_sequence", "activate_send_recv",
      bytes([0, 0, 1, 1, 0, 1, 2, 0, 1, 0, 3, 0, 1, 0, 3, 1, 0, 6, 0, 1, 40, 0, 1, 1, 8, 1, 9, 1, 10, 40, 1]))
write("fuzz_api_sequence", "encrypted_peers",
      bytes([0, 0, 1, 1, 0, 1, 0, 3, 0, 1, 3, 1, 3, 0, 0, 3, 0, 6, 0, 1, 16, 0, 1, 1, 8, 0, 14, 1, 1, 9]))
write("fuzz_api_sequence", "v2_and_loss", bytes([0, 2, 2, 1, 2, 2, 0, 0, 1, 1, 0, 1, 0, 3, 0, 1, 0, 13, 128, 0, 6, 0, 1, 0xdc, 5, 1]))
