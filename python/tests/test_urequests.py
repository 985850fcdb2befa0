"""urequests (and `import requests` under the launcher) against a real HTTP
server on this host: what a MicroPython gateway posting readings to a web
service does."""
import http.server
import json
import os
import subprocess
import textwrap
import threading
from pathlib import Path

import pytest

LAUNCHER = os.environ.get("ESPNOW_PYTHON", str(Path(__file__).resolve().parents[2] / "build" / "espnow-python"))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/moved":
            return self._reply(302, headers=[("Location", "/readings?x=1")])
        self._reply(200, json.dumps({"path": self.path, "auth": self.headers.get("Authorization")}).encode(),
                    [("Content-Type", "application/json")])

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/submit":
            return self._reply(303, headers=[("Location", "/done")])
        self._reply(201, json.dumps({"got": body.decode(), "type": self.headers.get("Content-Type")}).encode())


@pytest.fixture
def server():
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=s.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % s.server_address[1]
    s.shutdown()
    s.server_close()


def test_get_post_json_auth_and_redirects(server):
    r = subprocess.run([LAUNCHER, "-c", textwrap.dedent("""\
        import sys, requests
        base = sys.argv[1]
        r = requests.post(base + "/readings", json={"t": 21.5})
        print(r.status_code, r.reason, r.json())
        r = requests.get(base + "/moved", auth=("gw", "secret"), headers={"X-Id": "1"})
        print(r.status_code, r.json(), r.headers["Content-Type"])
        r = requests.post(base + "/submit", data="a=1")
        print(r.status_code, r.json()["path"])
        r.close()
        for call in (lambda: requests.get("ftp://x/"), lambda: requests.get("http://127.0.0.1:1/")):
            try:
                call()
            except OSError as e:  # on a board an OSError itself; here a subclass names the errno too
                print("OSError", e.errno)
            except ValueError as e:
                print("ValueError", e)
        """), server], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, ESPNOW_AIR="udp://239.255.77.202:%d" % (30000 + os.getpid() % 20000)))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "201 b'Created' {'got': '{\"t\": 21.5}', 'type': 'application/json'}",
        "200 {'path': '/readings?x=1', 'auth': 'Basic Z3c6c2VjcmV0'} application/json",  # the 302 followed
        "200 /done",  # the 303 followed with a GET
        "ValueError Unsupported protocol: ftp",
        "OSError 111",  # ECONNREFUSED
    ], r.stdout
