"""umqtt.simple: an MQTT 3.1.1 client with micropython-lib's API, over the
host's sockets.

MQTTClient(client_id, server, port=0, user=None, password=None, keepalive=0,
ssl=None, ssl_params={}) (port 0: 1883, or 8883 with TLS; ssl True, or an
ssl.SSLContext as newer versions take), connect(clean_session=True,
timeout=None), disconnect(), ping(), publish(topic, msg, retain=False,
qos=0), subscribe(topic, qos=0), set_callback(f) (f(topic, msg), both
bytes), set_last_will(topic, msg, retain=False, qos=0), wait_msg() and
check_msg(). QoS 0 and 1, as micropython-lib's; no automatic keepalive pings
(call ping()). A refused connection or subscription raises MQTTException
with the broker's code; a broken connection, OSError.
"""
import socket
import ssl as _ssl
import struct

# A non-blocking socket with nothing to read (a TLS one says so its own way).
_NOTHING_YET = (BlockingIOError, _ssl.SSLWantReadError)
# MQTT 3.1.1 control packet types, in the fixed header's high nibble.
_CONNECT = 0x10
_CONNACK = 0x20
_PUBLISH = 0x30
_PUBACK = 0x40
_SUBSCRIBE = 0x82  # with its required flags
_SUBACK = 0x90
_PINGREQ = 0xC0
_PINGRESP = 0xD0
_DISCONNECT = 0xE0


class MQTTException(Exception):
    """The broker refused (CONNACK's return code, or 0x80 from SUBACK), or spoke out of turn."""


def _bytes(value):
    return value.encode() if isinstance(value, str) else bytes(value)


def _field(value):
    """A UTF-8 string or binary field: its 16-bit length, then its bytes."""
    data = _bytes(value)
    return struct.pack("!H", len(data)) + data


def _remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=None,
                 ssl_params=None):
        if port == 0:
            port = 8883 if ssl else 1883
        self.client_id = _bytes(client_id)
        self.server = server
        self.port = port
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.ssl = ssl
        self.ssl_params = ssl_params or {}
        self.sock = None
        self.cb = None
        self.pid = 0
        self.lw_topic = None
        self.lw_msg = None
        self.lw_qos = 0
        self.lw_retain = False

    # --- the connection

    def set_callback(self, f):
        """f(topic, msg) for each message a subscription brings."""
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        if not 0 <= qos <= 2 or not topic:
            raise ValueError("a last will needs a topic and a QoS of 0..2")
        self.lw_topic, self.lw_msg, self.lw_qos, self.lw_retain = _bytes(topic), _bytes(msg), qos, retain

    def connect(self, clean_session=True, timeout=None):
        """Connects and says whether the broker kept a session (CONNACK's flag)."""
        self.sock = socket.socket()
        self.sock.settimeout(timeout)
        self.sock.connect(socket.getaddrinfo(self.server, self.port)[0][-1])
        if self.ssl:
            self.sock = self._wrap_tls(self.sock)
        self.sock.settimeout(None)
        self._send(_CONNECT, self._connect_body(clean_session))
        kind, body = self._read_packet()
        if kind != _CONNACK or len(body) != 2:
            raise MQTTException("expected CONNACK, got packet type 0x%02x" % kind)
        if body[1] != 0:
            raise MQTTException(body[1])
        return body[0] & 1

    def _wrap_tls(self, sock):
        context = self.ssl if isinstance(self.ssl, _ssl.SSLContext) else _ssl.create_default_context()
        params = dict(self.ssl_params)
        server_hostname = params.pop("server_hostname", self.server)
        return context.wrap_socket(sock, server_hostname=server_hostname, **params)

    def _connect_body(self, clean_session):
        flags = 0x02 if clean_session else 0
        payload = _field(self.client_id)
        if self.lw_topic:
            flags |= 0x04 | self.lw_qos << 3 | (0x20 if self.lw_retain else 0)
            payload += _field(self.lw_topic) + _field(self.lw_msg)
        if self.user is not None:
            flags |= 0x80
            payload += _field(self.user)
            if self.pswd is not None:
                flags |= 0x40
                payload += _field(self.pswd)
        return _field(b"MQTT") + bytes([4, flags]) + struct.pack("!H", self.keepalive) + payload

    def disconnect(self):
        self._send(_DISCONNECT, b"")
        self.sock.close()

    def ping(self):
        """A PINGREQ; its PINGRESP comes through wait_msg()."""
        self._send(_PINGREQ, b"")

    # --- messages

    def publish(self, topic, msg, retain=False, qos=0):
        """QoS 1 waits for its PUBACK (handling what arrives meanwhile)."""
        if qos not in (0, 1):
            raise ValueError("QoS %r: umqtt.simple publishes at QoS 0 or 1" % (qos,))
        body = _field(topic)
        if qos:
            pid = self._next_pid()
            body += struct.pack("!H", pid)
        self._send(_PUBLISH | qos << 1 | (1 if retain else 0), body + _bytes(msg))
        if qos:
            self._wait_for(_PUBACK, pid)

    def subscribe(self, topic, qos=0):
        if self.cb is None:
            raise MQTTException("Subscribe callback is not set")
        pid = self._next_pid()
        self._send(_SUBSCRIBE, struct.pack("!H", pid) + _field(topic) + bytes([qos]))
        granted = self._wait_for(_SUBACK, pid)
        if granted[0] == 0x80:
            raise MQTTException(granted[0])

    def wait_msg(self):
        """Reads one packet: a message for the callback (returns None), a PINGRESP or another
        packet (returns its type). With the socket non-blocking and nothing there, None."""
        try:
            kind, body = self._read_packet()
        except _NOTHING_YET:
            return None
        return self._handle(kind, body)

    def check_msg(self):
        """wait_msg() without waiting: what has arrived, or None."""
        self.sock.setblocking(False)
        try:
            return self.wait_msg()
        finally:
            self.sock.setblocking(True)

    # --- the wire

    def _next_pid(self):
        self.pid = self.pid % 0xFFFF + 1  # 1..65535: 0 is not a packet identifier
        return self.pid

    def _wait_for(self, kind, pid):
        """The acknowledgement of packet `pid`; messages that come first go to the callback."""
        while True:
            got, body = self._read_packet()
            if got == kind and struct.unpack("!H", body[:2])[0] == pid:
                return body[2:]
            self._handle(got, body)

    def _handle(self, kind, body):
        if kind & 0xF0 != _PUBLISH:
            return kind if kind != _PINGRESP else None
        qos = kind >> 1 & 3
        (length,) = struct.unpack("!H", body[:2])
        topic, at = body[2:2 + length], 2 + length
        if qos:
            (pid,) = struct.unpack("!H", body[at:at + 2])
            at += 2
        if self.cb is not None:
            self.cb(topic, body[at:])
        if qos == 1:
            self._send(_PUBACK, struct.pack("!H", pid))
        elif qos == 2:
            raise MQTTException("QoS 2 message: umqtt.simple does not take them")
        return None

    def _send(self, kind, body):
        self.sock.sendall(bytes([kind]) + _remaining_length(len(body)) + body)

    def _read_packet(self):
        """(type byte, body); BlockingIOError when a non-blocking socket has nothing yet."""
        first = self._read(1, first=True)
        length, shift = 0, 0
        while True:
            byte = self._read(1)[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        return first[0], self._read(length)

    def _read(self, n, first=False):
        data = bytearray()
        while len(data) < n:
            try:
                chunk = self.sock.recv(n - len(data))
            except _NOTHING_YET:
                if first and not data:
                    raise
                self.sock.setblocking(True)  # a packet begun is read whole
                continue
            if not chunk:
                raise OSError(-1, "the broker closed the connection")
            data += chunk
        return bytes(data)
