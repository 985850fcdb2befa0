"""MicroPython's cryptolib: aes(key, mode[, IV]) in ECB (1), CBC (2) and CTR
(6) mode, with the port's errors, on the core's AES (mbedTLS, as on an
ESP32). Scripts use it to encrypt what ESP-NOW's own keys cannot: broadcasts,
or more peers than a chip keeps keys for. An object encrypts or decrypts,
not both; CBC's chain and CTR's counter go on from one call to the next."""
import _espnow

MODE_ECB = 1
MODE_CBC = 2
MODE_CTR = 6

_BLOCK = 16


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


class aes:  # noqa: N801  (MicroPython's name)
    def __init__(self, key, mode, IV=None):  # noqa: N803
        key = bytes(key)
        if len(key) not in (16, 32):
            raise ValueError("key")
        if mode not in (MODE_ECB, MODE_CBC, MODE_CTR):
            raise ValueError("mode")
        iv = bytes(_BLOCK) if IV is None else bytes(IV)
        if len(iv) != _BLOCK:
            raise ValueError("IV")
        self._key, self._mode, self._iv = key, mode, iv
        self._direction = None  # True once it has encrypted, False once it has decrypted
        self._stream = b""      # CTR: what is left of the last counter block's key stream

    def encrypt(self, in_buf, out_buf=None):
        return self._crypt(in_buf, out_buf, True)

    def decrypt(self, in_buf, out_buf=None):
        return self._crypt(in_buf, out_buf, False)

    def _crypt(self, in_buf, out_buf, encrypt):
        data = bytes(in_buf)
        if self._mode != MODE_CTR and len(data) % _BLOCK:
            raise ValueError("blksize % 16")
        if out_buf is not None and len(out_buf) < len(data):
            raise ValueError("output too small")
        if self._direction is None:
            self._direction = encrypt
        elif self._direction != encrypt:
            raise ValueError("can't encrypt & decrypt")
        result = {MODE_ECB: self._ecb, MODE_CBC: self._cbc, MODE_CTR: self._ctr}[self._mode](data, encrypt)
        if out_buf is None:
            return result
        out_buf[:len(result)] = result
        return None

    def _ecb(self, data, encrypt):
        return _espnow.aes_ecb(self._key, data, encrypt)

    def _cbc(self, data, encrypt):
        out = bytearray()
        for at in range(0, len(data), _BLOCK):
            block = data[at:at + _BLOCK]
            if encrypt:
                self._iv = _espnow.aes_ecb(self._key, _xor(block, self._iv), True)
                out += self._iv
            else:
                out += _xor(_espnow.aes_ecb(self._key, block, False), self._iv)
                self._iv = block
        return bytes(out)

    def _ctr(self, data, encrypt):
        # The key stream: the counter block (the IV, then +1 per block, as a
        # 128-bit big-endian number) through AES; the same both ways.
        while len(self._stream) < len(data):
            self._stream += _espnow.aes_ecb(self._key, self._iv, True)
            self._iv = ((int.from_bytes(self._iv, "big") + 1) % (1 << 128)).to_bytes(_BLOCK, "big")
        out, self._stream = _xor(data, self._stream), self._stream[len(data):]
        return out
