"""ESP-NOW frames and captures built without our code, for the tests that check
our code against them: scapy builds the frames, Python's `cryptography`
encrypts them (SPEC §4 "Encryption", written out byte by byte), and captures
are written the way Wi-Fi drivers write them (SPEC §4 "Captures")."""
import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM
from scapy.layers.dot11 import Dot11, Dot11FCS, Dot11EltVendorSpecific, RadioTap
from scapy.packet import Raw
from scapy.utils import PcapWriter

OUI = 0x18FE34
BCAST = "ff:ff:ff:ff:ff:ff"


def scapy_frame(dst, src, seq, random, version, body, fcs):
    """An ESP-NOW frame built by scapy alone: Action header, vendor elements."""
    layer = Dot11FCS if fcs else Dot11
    chunks = [body[i:i + 250] for i in range(0, len(body), 250)] or [b""]
    pkt = layer(type=0, subtype=13, addr1=dst, addr2=src, addr3=BCAST, SC=seq << 4) / Raw(
        bytes([127]) + OUI.to_bytes(3, "big") + random.to_bytes(4, "little"))
    for i, chunk in enumerate(chunks):
        more = 0x10 if i + 1 < len(chunks) else 0
        pkt = pkt / Dot11EltVendorSpecific(oui=OUI, info=bytes([4, version | more]) + chunk)
    return bytes(pkt)


def with_fcs(frame):
    return frame + zlib.crc32(frame).to_bytes(4, "little")


def temporal_key(pmk, lmk):
    enc = Cipher(algorithms.AES(pmk), modes.ECB()).encryptor()
    return enc.update(lmk) + enc.finalize()


def nonce(frame, pn):
    return b"\x00" + frame[10:16] + pn.to_bytes(6, "big")  # 0x00 | A2 | PN5..PN0


def aad(frame):
    fc0 = frame[0] & 0x8F                            # subtype bits cleared: D0 -> 80
    fc1 = (frame[1] & ~(0x08 | 0x10 | 0x20)) | 0x40  # Retry, PwrMgt, MoreData cleared; Protected
    return bytes([fc0, fc1]) + frame[4:22] + bytes([frame[22] & 0x0F, 0])


def protect(plain_with_fcs, tk, pn):
    """The protected form of an unprotected frame (both with their FCS)."""
    plain = plain_with_fcs[:-4]
    header = bytearray(plain[:24])
    header[1] |= 0x40
    pnb = pn.to_bytes(6, "little")
    ccmp = bytes([pnb[0], pnb[1], 0, 0xE0, pnb[2], pnb[3], pnb[4], pnb[5]])
    sealed = AESCCM(tk, tag_length=8).encrypt(nonce(bytes(header), pn), plain[24:], aad(bytes(header)))
    return with_fcs(bytes(header) + ccmp + sealed)


# How drivers hand received frames to a capture. Each takes a frame with its
# FCS (and the channel's frequency) and returns (link type, packet).
def _radiotap(flags=None, mhz=2412):
    fields = dict(present="Rate+Channel+dBm_AntSignal", Rate=1, ChannelFrequency=mhz, ChannelFlags="CCK+2GHz",
                  dBm_AntSignal=-40)
    if flags is not None:
        fields.update(present="Flags+" + fields["present"], Flags=flags)
    return bytes(RadioTap(**fields))


DRIVER_STYLES = {
    # Most drivers: the FCS stripped, no Flags field at all.
    "no flags field": lambda f, mhz=2412: (127, _radiotap(mhz=mhz) + f[:-4]),
    # A Flags field (short preamble) with the FCS bit clear: no FCS.
    "fcs bit clear": lambda f, mhz=2412: (127, _radiotap(flags="ShortPreamble", mhz=mhz) + f[:-4]),
    # A driver that keeps the FCS and says so.
    "fcs kept": lambda f, mhz=2412: (127, _radiotap(flags="FCS", mhz=mhz) + f),
    # Link type 105: bare 802.11, no radiotap header, no FCS.
    "bare 802.11": lambda f, mhz=2412: (105, f[:-4]),
}


def bad_fcs_flagged(frame_with_fcs):
    """A frame the driver received with a bad FCS: flagged 0x40, FCS stripped, a byte garbled."""
    garbled = bytearray(frame_with_fcs[:-4])
    garbled[-1] ^= 0xFF
    return 127, _radiotap(flags="badFCS") + bytes(garbled)


def write_capture(path, packets):
    """Writes (link type, packet) pairs, all of one link type, to a pcap."""
    link_types = {lt for lt, _ in packets}
    assert len(link_types) == 1, link_types
    w = PcapWriter(path, linktype=link_types.pop(), sync=True)
    for _, pkt in packets:
        w.write(pkt)
    w.close()
