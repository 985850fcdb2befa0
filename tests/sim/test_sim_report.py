"""`espnow sim --report FILE.html`: a self-contained page whose pictures
render in headless Chromium (Debian's `chromium`): the DOM Chromium builds
has the three SVG pictures with a circle per node, a line per link and a
curve per channel, each node named in the topology and under its bars, and
its screenshot shows them, in colour."""
import json
import os
import re
import struct
import subprocess
import zlib

CLI = os.environ["ESPNOW_CLI"]
CHROMIUM = os.environ.get("ESPNOW_CHROMIUM", "chromium")

A, B, C, H = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03", "02:00:00:00:00:04"
D, E = "02:00:00:00:00:05", "02:00:00:00:00:06"
SCENARIO = {
    "seed": 1, "duration_s": 3,
    "nodes": [{"mac": A, "pos": [0, 0]}, {"mac": B, "pos": [400, 0]}, {"mac": H, "pos": [200, 0]},
              {"mac": C, "pos": [200, 30]},
              {"mac": D, "pos": [0, 300], "channel": 6}, {"mac": E, "pos": [20, 300], "channel": 6}],
    # A and B cannot hear each other and both saturate H: their links fail
    # often; C broadcasts; D and E are alone on channel 6.
    "traffic": [{"from": A, "to": H, "bytes": 250, "arrival": "saturated"},
                {"from": B, "to": H, "bytes": 250, "arrival": "saturated"},
                {"from": C, "to": "ff:ff:ff:ff:ff:ff", "bytes": 50, "interval_ms": 50, "arrival": "poisson"},
                {"from": D, "to": E, "bytes": 100, "interval_ms": 20, "arrival": "periodic"}]}


def chromium(tmp_path, *args):
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={tmp_path / 'profile'}", *args],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def svg(dom, name):
    """The picture `name` in Chromium's DOM."""
    start = dom.index(f'id="{name}"')
    return dom[start:dom.index("</svg>", start)]


def labels(picture):
    return re.findall(r'<text class="label"[^>]*>([^<]*)</text>', picture)


def make_report(tmp_path, scenario_json=SCENARIO):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(scenario_json))
    page = tmp_path / "report.html"
    r = subprocess.run([CLI, "sim", str(scenario), "--json", "--report", str(page)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), page


def test_the_page_fetches_nothing(tmp_path):
    _, page = make_report(tmp_path)
    html = page.read_text()
    assert not re.search(r"""(src|href)\s*=|url\(|@import|<script|<link""", html, re.I)
    assert set(re.findall(r"https?://[^\s\"']+", html)) <= {"http://www.w3.org/2000/svg"}


def test_the_pictures_render_in_headless_chromium(tmp_path):
    report, page = make_report(tmp_path)
    flows = report["flows"]
    # The hidden pair lose frames at H: the picture has something to show.
    assert any(f["failed"] > 0 or f["received"].get(H, 0) < f["sent"] for f in flows[:2])

    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.count("<svg") == 3
    topology = dom[dom.index('id="topology"'):dom.index("</svg>")]
    assert topology.count("<circle") == len(SCENARIO["nodes"])
    links = sum(len(f["received"]) for f in flows)
    assert topology.count("<line") == links
    assert dom.count('<polyline class="channel"') == len(report["channels"]) == 2
    assert dom.count('<g class="node">') == len(SCENARIO["nodes"])
    # Each node named by its MAC's last two bytes, by its circle and under its bars.
    names = [n["mac"][-5:] for n in SCENARIO["nodes"]]
    assert labels(topology) == names
    assert labels(svg(dom, "counters")) == names
    # D and E stand 20 m apart: their names do not cover each other.
    font = float(re.search(r'<g class="labels"[^>]*font-size="([0-9.]+)"', topology).group(1))
    at = {name: (float(x), float(y)) for x, y, name in
          re.findall(r'<text class="label" x="([-0-9.]+)" y="([-0-9.]+)">([^<]*)</text>', topology)}
    (xd, yd), (xe, ye) = at[D[-5:]], at[E[-5:]]
    assert abs(yd - ye) >= font or abs(xd - xe) >= 0.62 * font * 5, (at[D[-5:]], at[E[-5:]], font)

    png = tmp_path / "page.png"
    chromium(tmp_path, "--window-size=800,1400", f"--screenshot={png}", page.as_uri())
    width, height, rows = read_png(png)
    assert (width, height) == (800, 1400)
    pixels = [p for row in rows for p in row]
    not_white = sum(1 for r, g, b in pixels if r + g + b < 720)
    green = sum(1 for r, g, b in pixels if g > r + 60 and g > b + 60)
    red = sum(1 for r, g, b in pixels if r > 150 and r > g + 60 and r > b + 60)
    blue = sum(1 for r, g, b in pixels if b > 150 and b > r + 60)
    assert not_white > 0.05 * len(pixels), not_white
    assert green > 500 and red > 50 and blue > 500, (green, red, blue)


def test_nodes_are_named_by_as_many_bytes_as_tell_them_apart(tmp_path):
    # The last two bytes are the same: the names take three.
    nodes = [{"mac": "02:00:00:00:00:01", "pos": [0, 0]}, {"mac": "02:00:00:01:00:01", "pos": [50, 0]}]
    _, page = make_report(tmp_path, {"seed": 1, "duration_s": 1, "nodes": nodes})
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert labels(svg(dom, "topology")) == ["00:00:01", "01:00:01"]


def test_a_crowded_topology_is_not_named(tmp_path):
    # Past 60 nodes names would cover the picture: hovering still tells.
    nodes = [{"mac": f"02:00:00:00:00:{i:02x}", "pos": [10 * i, 0]} for i in range(1, 62)]
    _, page = make_report(tmp_path, {"seed": 1, "duration_s": 1, "nodes": nodes})
    html = page.read_text()
    assert labels(svg(html, "topology")) == [] and html.count("<title>02:00:00:00:00:") >= 61


def test_an_unwritable_report_is_an_error_before_the_run(tmp_path):
    # Found unwritable only after the run, the page and the run's counts
    # were lost: here the run would take years.
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({**SCENARIO, "duration_s": 9e8}))
    r = subprocess.run([CLI, "sim", str(scenario), "--report", str(tmp_path / "no" / "such" / "page.html")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "--report" in r.stderr and "No such file or directory" in r.stderr
    assert r.stdout == ""
