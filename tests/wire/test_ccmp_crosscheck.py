"""CCMP against an independent implementation: Python's `cryptography`
(AES-ECB for the temporal key, AESCCM with an 8-byte tag), following the
construction of SPEC §4 written out byte by byte in reference_frames.py."""
import os
import random
import subprocess
import zlib

import pytest

from reference_frames import protect, temporal_key

TOOL = os.environ["ESPNOW_WIRE_TOOL"]
SRC, DST = "24:0a:c4:11:22:33", "24:0a:c4:aa:bb:cc"


def tool(*args):
    return subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("size,version", [(1, 1), (250, 1), (600, 2), (1470, 2)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_our_ciphertext_and_mic_match_byte_for_byte(size, version, seed):
    rng = random.Random(seed * 1000 + size)
    pmk, lmk = rng.randbytes(16), rng.randbytes(16)
    pn = rng.randrange(1, 1 << 48)
    body = rng.randbytes(size)
    plain = bytes.fromhex(tool("encode", SRC, DST, rng.randrange(4096), rng.randrange(1 << 32), version, 0,
                               rng.randrange(2), body.hex()))
    ours = bytes.fromhex(tool("protect", pmk.hex(), lmk.hex(), pn, plain.hex()))
    assert ours == protect(plain, temporal_key(pmk, lmk), pn)


@pytest.mark.parametrize("size", [1, 250])
def test_we_decrypt_what_the_independent_implementation_encrypted(size):
    rng = random.Random(size)
    pmk, lmk = rng.randbytes(16), rng.randbytes(16)
    plain = bytes.fromhex(tool("encode", SRC, DST, 12, 34, 1, 0, 0, rng.randbytes(size).hex()))
    theirs = protect(plain, temporal_key(pmk, lmk), 0x0102030405)
    assert bytes.fromhex(tool("unprotect", pmk.hex(), lmk.hex(), theirs.hex())) == plain[:-4]  # no FCS
    tampered = bytearray(theirs)
    tampered[40] ^= 1
    out = subprocess.run([TOOL, "unprotect", pmk.hex(), lmk.hex(), tampered.hex()], capture_output=True, text=True)
    assert out.returncode == 1 and "MIC failure" in out.stdout


def test_capture_read_decrypts_the_frames_it_has_keys_for():
    cli = os.environ["ESPNOW_CLI"]
    pmk, lmk = b"pmk1234567890123", bytes(range(16))  # ESP-IDF's default PMK
    tk = temporal_key(pmk, lmk)
    frames = []
    for n, text in enumerate([b"first secret", b"second secret"]):
        plain = bytes.fromhex(tool("encode", SRC, DST, n, 1000 + n, 1, 0, 0, text.hex()))
        frames.append(protect(plain, tk, n + 1).hex())
    tampered = bytearray.fromhex(frames[1])
    tampered[40] ^= 1  # ciphertext
    tampered[-4:] = zlib.crc32(bytes(tampered[:-4])).to_bytes(4, "little")  # a good FCS, a bad MIC
    frames.append(tampered.hex())
    path = os.path.join(os.environ.get("ESPNOW_TMP", "/tmp"), "encrypted.pcap")
    tool("pcap", path, 2, 2412, 0xA0, -40, *frames)

    def read(*keys):
        return subprocess.run([cli, "capture", "-r", path, *keys], capture_output=True, text=True, check=True).stdout

    no_keys = read()
    assert no_keys.count("ESP-NOW (encrypted, no key)") == 3 and "secret" not in no_keys
    keyed = read("--lmk", f"{DST}={lmk.hex()}")  # the default PMK applies
    assert "(decrypted, pn=1) seq=0 retry len=12 first secret" not in keyed
    assert "(decrypted, pn=1) seq=0 len=12 first secret" in keyed
    assert "(decrypted, pn=2) seq=1 len=13 second secret" in keyed
    assert "MIC failure pn=2" in keyed
    wrong = read("--pmk", "another pmk 1234", "--lmk", f"{SRC}={lmk.hex()}")
    assert wrong.count("MIC failure") == 3 and "secret" not in wrong
    bad = subprocess.run([cli, "capture", "-r", path, "--lmk", "nonsense"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--lmk: 'nonsense' is not MAC=KEY" in bad.stderr
