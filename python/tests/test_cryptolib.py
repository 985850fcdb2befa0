"""MicroPython's cryptolib (and its old name ucryptolib) under the launcher:
AES in ECB, CBC and CTR mode, as scripts use it to encrypt what ESP-NOW's own
keys cannot (broadcasts, more peers than a chip holds keys for). Checked
against the known answers of FIPS-197 and NIST SP 800-38A, and the port's
errors."""
import subprocess
import textwrap

from conftest import LAUNCHER

# NIST SP 800-38A, F.1.1 / F.2.1 / F.5.1 (AES-128): key, IV or initial counter, two plaintext blocks, and each mode's ciphertext.
KEY = "2b7e151628aed2a6abf7158809cf4f3c"
PLAIN = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
CBC_IV = "000102030405060708090a0b0c0d0e0f"
CTR_IV = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
ECB = "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
CBC = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
CTR = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
# FIPS-197 C.3: AES-256.
KEY256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
PLAIN256 = "00112233445566778899aabbccddeeff"
ECB256 = "8ea2b7ca516745bfeafc49904b496089"


def run(code):
    r = subprocess.run([LAUNCHER, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60,
                       env={"ESPNOW_AIR": "udp://239.255.77.79:47979"})
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_each_mode_gives_the_standards_known_answers_and_decrypts_them_back():
    out = run(f"""\
        from cryptolib import aes
        from ucryptolib import aes as old_name
        import binascii, cryptolib
        h, u = binascii.hexlify, binascii.unhexlify
        key, plain = u("{KEY}"), u("{PLAIN}")
        print(h(aes(key, 1).encrypt(plain)).decode())
        cbc = aes(key, cryptolib.MODE_CBC, u("{CBC_IV}"))
        print(h(cbc.encrypt(plain[:16]) + cbc.encrypt(plain[16:])).decode())   # the chain goes on across calls
        ctr = aes(key, 6, u("{CTR_IV}"))
        print(h(ctr.encrypt(plain[:5]) + ctr.encrypt(plain[5:])).decode())     # a stream: any length
        print(h(old_name(u("{KEY256}"), 1).encrypt(u("{PLAIN256}"))).decode())
        print(aes(key, 2, u("{CBC_IV}")).decrypt(u("{CBC}")) == plain,
              aes(key, 6, u("{CTR_IV}")).decrypt(u("{CTR}")) == plain,
              aes(key, 1).decrypt(u("{ECB}")) == plain)
        buf = bytearray(plain)
        aes(key, 1).encrypt(buf, buf)                                          # in place
        print(h(buf).decode() == "{ECB}", cryptolib.MODE_ECB, cryptolib.MODE_CBC, cryptolib.MODE_CTR)
        """)
    assert out == [ECB, CBC, CTR, ECB256, "True True True", "True 1 2 6"]


def test_the_ports_errors():
    out = run("""\
        from cryptolib import aes
        key = bytes(16)
        def show(call):
            try:
                call()
            except (ValueError, TypeError) as e:
                print(type(e).__name__, e)
        show(lambda: aes(bytes(15), 1))
        show(lambda: aes(key, 3))
        show(lambda: aes(key, 1).encrypt(bytes(15)))
        once = aes(key, 1)
        once.encrypt(bytes(16))
        show(lambda: once.decrypt(bytes(16)))
        show(lambda: aes(key, 1).encrypt(bytes(32), bytearray(16)))
        show(lambda: aes(key, 2, bytes(8)))
        """)
    assert out == ["ValueError key", "ValueError mode", "ValueError blksize % 16", "ValueError can't encrypt & decrypt",
                   "ValueError output too small", "ValueError IV"]
