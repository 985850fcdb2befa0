"""micropython-lib's requests (urequests), the HTTP client MicroPython
gateways use to hand readings to a web service, over the host's network.

request(method, url, data=None, json=None, headers=None, stream=None,
auth=None, timeout=None, parse_headers=True) and get/head/post/put/patch/
delete(url, **kw) return a Response: status_code, reason (bytes), headers (a
dict), content (bytes), text, json(), close(). http and https; redirects
(301, 302, 303, 307, 308) are followed, 303 as a GET; auth=(user, password)
is HTTP Basic. A connection that fails raises OSError, as on a board.
"""
import base64
import http.client
import json as _json
from urllib.parse import urljoin, urlsplit

_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 10


class Response:
    def __init__(self, status_code, reason, headers, body):
        self.status_code = status_code
        self.reason = reason
        self.headers = headers
        self.encoding = "utf-8"
        self._content = body

    def close(self):
        self._content = None

    @property
    def content(self):
        return self._content

    @property
    def text(self):
        return str(self.content, self.encoding)

    def json(self):
        return _json.loads(self.content)


def request(method, url, data=None, json=None, headers=None, stream=None, auth=None, timeout=None,
            parse_headers=True):
    headers = dict(headers or {})
    if json is not None:
        data = _json.dumps(json)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(data, str):
        data = data.encode()
    if auth is not None:
        token = base64.b64encode(("%s:%s" % auth).encode()).decode()
        headers["Authorization"] = "Basic " + token
    for _ in range(_MAX_REDIRECTS):
        connection, response = _exchange(method, url, data, headers, timeout)
        body = response.read()
        connection.close()
        location = response.getheader("Location")
        if response.status not in _REDIRECTS or location is None:
            return Response(response.status, response.reason.encode(),
                            dict(response.getheaders()) if parse_headers else {}, body)
        url = urljoin(url, location)
        if response.status == 303:
            method, data = "GET", None
    raise OSError("too many redirects")


def _exchange(method, url, data, headers, timeout):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError("Unsupported protocol: " + parts.scheme)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    connection.request(method, path, body=data, headers=headers)
    return connection, connection.getresponse()


def head(url, **kw):
    return request("HEAD", url, **kw)


def get(url, **kw):
    return request("GET", url, **kw)


def post(url, **kw):
    return request("POST", url, **kw)


def put(url, **kw):
    return request("PUT", url, **kw)


def patch(url, **kw):
    return request("PATCH", url, **kw)


def delete(url, **kw):
    return request("DELETE", url, **kw)
