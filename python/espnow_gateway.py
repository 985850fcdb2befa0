"""The consumer's side of several `espnow gateway`s on one broker
(docs/gateway.md, "Many gateways, one broker").

Each gateway that hears a frame publishes it under its own id on
PREFIX/GW/rx/SRC/json with its own RSSI and the frame's `seq`, which is the
same at every gateway. This module merges those copies into one Frame per
`seq`, and remembers which gateway hears each sender best, so that a reply
goes out through that one (PREFIX/GW/tx/DST/json).

It needs no MQTT library: feed it the topic and payload of each message
from whichever client you use, subscribed to `rx_json_subscription()`:

    merger = espnow_gateway.Merger()
    def on_message(client, userdata, msg):           # paho-mqtt, for example
        frame = merger.add(msg.topic, msg.payload)
        if frame and frame.first:
            topic, payload = merger.reply(frame.src, text="got it")
            client.publish(topic, payload, qos=1)
"""
import base64
import collections
import json
import time

__all__ = ["Frame", "Merger", "rx_json_subscription", "parse_rx_json_topic"]


def rx_json_subscription(prefix="espnow"):
    """The MQTT pattern that carries every gateway's received messages."""
    return f"{prefix}/+/rx/+/json"


def parse_rx_json_topic(topic, prefix="espnow"):
    """(gw, src) of a PREFIX/GW/rx/SRC/json topic, or None for any other."""
    head = prefix + "/"
    if not topic.startswith(head):
        return None
    parts = topic[len(head):].split("/")
    if len(parts) != 4 or parts[1] != "rx" or parts[3] != "json" or not parts[0] or not parts[2]:
        return None
    return parts[0], parts[2]


class Frame:
    """One frame on the air, as one or more gateways heard it."""

    __slots__ = ("seq", "src", "dst", "data", "copies", "first", "heard_at")

    def __init__(self, seq, src, dst, data, heard_at):
        self.seq, self.src, self.dst, self.data = seq, src, dst, data
        self.copies = {}      # gw -> rssi (dBm)
        self.first = True     # True only in the answer to the first copy
        self.heard_at = heard_at

    @property
    def best_gw(self):
        """The gateway that heard this frame loudest (ties: the lowest id)."""
        return min(self.copies, key=lambda gw: (-self.copies[gw], gw))

    @property
    def rssi(self):
        return self.copies[self.best_gw]

    def __repr__(self):
        return f"Frame({self.seq!r}, src={self.src!r}, copies={self.copies!r})"


class Merger:
    """Merges the copies of each frame by `seq`, and tracks, per sender, the
    gateway that hears it best.

    `window_s` is how long a seq is remembered (a later copy with the same
    seq is merged into the same Frame); `max_frames` bounds the memory.
    A sender's best gateway is the one with the strongest RSSI over its
    last `history` frames heard by any gateway."""

    def __init__(self, prefix="espnow", window_s=10.0, max_frames=10000, history=8, clock=time.monotonic):
        self.prefix = prefix
        self.window_s = window_s
        self.max_frames = max_frames
        self.clock = clock
        self._frames = collections.OrderedDict()   # seq -> Frame, oldest first
        self._recent = {}                          # src -> deque of Frames
        self._history = history

    def add(self, topic, payload):
        """Takes one message of PREFIX/GW/rx/SRC/json; returns its Frame
        (`first` says whether this copy was the first), or None when the
        message is not a received message of a gateway."""
        where = parse_rx_json_topic(topic, self.prefix)
        if where is None:
            return None
        try:
            j = json.loads(payload)
            gw, seq, rssi = j.get("gw", where[0]), j["seq"], int(j["rssi"])
            data = base64.b64decode(j["data_b64"], validate=True)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        now = self.clock()
        self._forget(now)
        frame = self._frames.get(seq)
        if frame is None:
            frame = Frame(seq, j.get("src", where[1]), j.get("dst"), data, now)
            self._frames[seq] = frame
            recent = self._recent.setdefault(frame.src, collections.deque(maxlen=self._history))
            recent.append(frame)
        else:
            frame.first = False
        frame.copies[gw] = max(rssi, frame.copies.get(gw, rssi))  # a QoS 1 repeat changes nothing
        return frame

    def frame(self, seq):
        return self._frames.get(seq)

    def best_gateway(self, src):
        """The gateway to send to `src` through: the strongest copy of its
        recent frames; None for a sender no gateway has heard."""
        loudest = {}
        for frame in self._recent.get(src, ()):
            for gw, rssi in frame.copies.items():
                loudest[gw] = max(rssi, loudest.get(gw, rssi))
        return min(loudest, key=lambda gw: (-loudest[gw], gw)) if loudest else None

    def reply(self, dst, data=None, text=None, id=None, sync=True):
        """(topic, payload) of a command to `dst` through its best gateway.
        Raises LookupError when no gateway has heard `dst`."""
        gw = self.best_gateway(dst)
        if gw is None:
            raise LookupError(f"no gateway has heard {dst}")
        if (data is None) == (text is None):
            raise ValueError("give exactly one of data and text")
        command = {"text": text} if text is not None else {"data_b64": base64.b64encode(bytes(data)).decode()}
        if id is not None:
            command["id"] = id
        if not sync:
            command["sync"] = False
        return f"{self.prefix}/{gw}/tx/{dst}/json", json.dumps(command)

    def _forget(self, now):
        while self._frames:
            seq, frame = next(iter(self._frames.items()))
            if now - frame.heard_at <= self.window_s and len(self._frames) < self.max_frames:
                break
            del self._frames[seq]

