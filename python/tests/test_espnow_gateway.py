"""espnow_gateway: merging several gateways' copies of one frame by seq, and
the best gateway for a reply (a manual clock: nothing waits)."""
import base64
import json

import pytest

import espnow_gateway

SRC = "02000000000a"


def rx(gw, seq, rssi, data=b"hi", src=SRC, prefix="espnow"):
    payload = json.dumps({"src": src, "dst": "ffffffffffff", "gw": gw, "rssi": rssi, "seq": seq,
                          "data_b64": base64.b64encode(data).decode()})
    return f"{prefix}/{gw}/rx/{src}/json", payload


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_copies_of_one_seq_make_one_frame_with_each_gateways_rssi():
    m = espnow_gateway.Merger()
    f1 = m.add(*rx("gw1", "s1", -70))
    assert f1.first and f1.data == b"hi" and f1.src == SRC and f1.copies == {"gw1": -70}
    f2 = m.add(*rx("gw2", "s1", -40))
    f3 = m.add(*rx("gw3", "s1", -55))
    assert f2 is f1 and f3 is f1 and not f1.first
    assert f1.copies == {"gw1": -70, "gw2": -40, "gw3": -55}
    assert (f1.best_gw, f1.rssi) == ("gw2", -40)
    assert m.add(*rx("gw1", "s2", -60)) is not f1


def test_the_best_gateway_for_replies_is_the_loudest_over_recent_frames():
    m = espnow_gateway.Merger(history=2)
    assert m.best_gateway(SRC) is None
    with pytest.raises(LookupError):
        m.reply(SRC, text="x")
    m.add(*rx("gw1", "s1", -80))
    m.add(*rx("gw2", "s1", -50))
    assert m.best_gateway(SRC) == "gw2"
    topic, payload = m.reply(SRC, text="back", id=3)
    assert topic == f"espnow/gw2/tx/{SRC}/json" and json.loads(payload) == {"text": "back", "id": 3}
    topic, payload = m.reply(SRC, data=b"\x00\x01", sync=False)
    assert json.loads(payload) == {"data_b64": "AAE=", "sync": False}
    # The sender moved: newer frames heard better by gw1 push s1 out of the history.
    m.add(*rx("gw1", "s2", -55))
    m.add(*rx("gw2", "s2", -75))
    assert m.best_gateway(SRC) == "gw2"  # s1 still counts
    m.add(*rx("gw1", "s3", -46))
    assert m.best_gateway(SRC) == "gw1"


def test_ties_go_to_the_lowest_gateway_id():
    m = espnow_gateway.Merger()
    m.add(*rx("gwb", "s1", -50))
    m.add(*rx("gwa", "s1", -50))
    assert m.frame("s1").best_gw == "gwa" and m.best_gateway(SRC) == "gwa"


def test_seqs_are_forgotten_after_the_window_and_past_the_bound():
    clock = Clock()
    m = espnow_gateway.Merger(window_s=5, max_frames=3, clock=clock)
    m.add(*rx("gw1", "s1", -50))
    clock.t = 6
    assert m.add(*rx("gw2", "s1", -40)).first  # too late to merge: a new frame
    for seq in ("s2", "s3", "s4"):
        m.add(*rx("gw1", seq, -50))
    assert m.frame("s1") is None and m.frame("s4") is not None


def test_other_topics_and_bad_payloads_are_ignored():
    m = espnow_gateway.Merger(prefix="home/espnow")
    assert m.add("espnow/gw1/rx/x/json", "{}") is None
    assert m.add("home/espnow/gw1/rx/x", "raw") is None
    assert m.add("home/espnow/gw1/stats", "{}") is None
    assert m.add("home/espnow/gw1/rx/x/json", "{not json") is None
    assert m.add("home/espnow/gw1/rx/x/json", '{"seq": "a"}') is None
    assert m.add("home/espnow/gw1/rx/x/json", '{"seq": "a", "rssi": -1, "data_b64": "***"}') is None
    assert m.add(*rx("gw1", "s1", -50, prefix="home/espnow")).copies == {"gw1": -50}
    assert espnow_gateway.rx_json_subscription("home/espnow") == "home/espnow/+/rx/+/json"
