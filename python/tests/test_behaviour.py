"""The behaviour table in Python: one test per sentence of SPEC §1, with the
Python types and exceptions checked exactly. Devices are on an in-process air
(conftest.py)."""
import select
import selectors
import threading
import time

import pytest

import espnow
import espnow_sim
from conftest import A, ABSENT, B, BROADCAST, C, DEADLINE_S, GROUP, oserror_name


def raises_os(name, fn, *args, **kwargs):
    with pytest.raises(OSError) as info:
        fn(*args, **kwargs)
    # An OSError named OSError (a subclass: it prints its args as a board does)
    assert isinstance(info.value, OSError) and type(info.value).__name__ == "OSError"
    assert str(info.value) == repr(info.value.args)
    assert info.value.args[1] == "ESP_ERR_ESPNOW_" + name
    assert info.value.args[0] < 0  # -(ESP-IDF's code)
    return info.value


# ---- singleton and module

def test_every_ESPNow_of_a_device_is_the_same_object(a, b):
    assert espnow_sim.espnow(a) is espnow_sim.espnow(a)
    assert espnow_sim.espnow(a) is not espnow_sim.espnow(b)
    assert isinstance(espnow_sim.espnow(a), espnow.ESPNow)


def test_module_constants_are_the_seeds():
    assert (espnow.ADDR_LEN, espnow.KEY_LEN, espnow.MAX_DATA_LEN) == (6, 16, 250)
    assert (espnow.MAX_TOTAL_PEER_NUM, espnow.MAX_ENCRYPT_PEER_NUM) == (20, 6)
    rates = {n: getattr(espnow, n) for n in dir(espnow) if n.startswith("RATE_")}
    assert rates == {"RATE_1M": 0, "RATE_2M": 1, "RATE_5M": 2, "RATE_11M": 3, "RATE_24M": 9, "RATE_12M": 10,
                     "RATE_6M": 11, "RATE_54M": 12, "RATE_LORA_250K": 0x29, "RATE_LORA_500K": 0x2A}


def test_error_codes_are_esp_idf_numbers(ea):
    err = raises_os("NOT_INIT", ea.any)
    assert err.args[0] == -0x3065


# ---- active()

def test_every_call_that_needs_activation_raises_NOT_INIT(ea):
    for call in (lambda: ea.add_peer(B), lambda: ea.mod_peer(B), lambda: ea.get_peer(B), ea.get_peers,
                 lambda: ea.del_peer(B), ea.peer_count, lambda: ea.send(B, b"x"), lambda: ea.send(b"x"),
                 lambda: ea.recv(0), lambda: ea.irecv(0), lambda: ea.recvinto([None, bytearray(9)], 0), ea.any):
        raises_os("NOT_INIT", call)


def test_active_returns_the_state_as_a_bool_and_true_twice_is_harmless(ea):
    assert ea.active() is False
    assert ea.active(True) is True
    assert ea.active(1) is True
    assert ea.active() is True
    assert ea.active(0) is False


def test_active_false_discards_messages_and_peers_but_stats_survive(pair):
    ea, eb = pair
    assert ea.send(B, b"hi")
    eb.active(False)
    eb.active(True)
    assert eb.any() is False
    ea.active(False)
    ea.active(True)
    assert ea.get_peers() == ()
    assert ea.stats()[:3] == (1, 1, 0)
    assert eb.stats()[3] == 1


def test_active_false_clears_the_irq_callback(pair):
    ea, eb = pair
    calls = []
    eb.irq(calls.append)
    eb.active(False)
    eb.active(True)
    ea.send(B, b"x")
    time.sleep(0.1)
    assert calls == []


# ---- config()

def test_config_defaults(ea):
    assert ea.config("rxbuf") == 526
    assert ea.config("timeout_ms") == 300000
    assert type(ea.config("rxbuf")) is int


def test_config_get_takes_one_name_and_anything_else_is_ValueError(ea):
    for bad in ("rate", "nope", ""):
        with pytest.raises(ValueError):
            ea.config(bad)
    with pytest.raises(ValueError):
        ea.config("rxbuf", "timeout_ms")
    with pytest.raises(ValueError):
        ea.config(nope=3)


def test_config_sets_several_values_whether_active_or_not(ea):
    assert ea.config(rxbuf=1000, timeout_ms=5) is None
    assert (ea.config("rxbuf"), ea.config("timeout_ms")) == (1000, 5)
    ea.active(True)
    ea.config(timeout_ms=-1)
    assert ea.config("timeout_ms") == -1


def test_config_negative_rxbuf_is_ValueError_and_nothing_changes(ea):
    with pytest.raises(ValueError):
        ea.config(rxbuf=-1)
    assert ea.config("rxbuf") == 526


def test_config_values_must_be_ints(ea):
    with pytest.raises(TypeError):
        ea.config(rxbuf="big")


def test_config_rxbuf_takes_effect_at_the_next_activation(pair):
    ea, eb = pair
    eb.config(rxbuf=100)  # still the default ring until active(True)
    for _ in range(2):
        ea.send(B, b"m" * 250)
    assert eb.stats()[3:] == (2, 0)
    eb.active(False)
    eb.active(True)
    ea.add_peer(B) if not ea.get_peers() else None
    ea.send(B, b"m" * 250)
    assert eb.stats()[4] == 1  # 250 bytes do not fit in 100


def test_config_rate_must_be_a_table_value(ea):
    ea.active(True)
    ea.config(rate=espnow.RATE_11M)
    with pytest.raises(ValueError):
        ea.config(rate=4)


def test_config_rate_needs_an_active_wlan_interface_otherwise_ENOENT(air):
    d = air.add_device(mac=C, sta_active=False)
    e = espnow_sim.espnow(d)
    with pytest.raises(OSError) as info:
        e.config(rate=espnow.RATE_1M)
    assert info.value.errno == 2


# ---- recv / irecv / recvinto

def test_recv_zero_timeout_returns_at_once_the_tuple_None_None(pair):
    _, eb = pair
    t = time.monotonic()
    assert eb.recv(0) == (None, None)
    assert type(eb.recv(0)) is tuple
    assert time.monotonic() - t < 0.5  # no wait: a wait would be the default timeout (300 s)


def test_recv_positive_timeout_waits_that_long(pair):
    _, eb = pair
    t = time.monotonic()
    assert eb.recv(100) == (None, None)
    assert 0.09 <= time.monotonic() - t < 2


def test_recv_None_uses_the_configured_default(pair):
    _, eb = pair
    eb.config(timeout_ms=80)
    t = time.monotonic()
    assert eb.recv() == (None, None)
    assert eb.recv(None) == (None, None)
    assert 0.15 <= time.monotonic() - t < 3


def test_recv_negative_timeout_waits_forever_until_a_message(pair):
    ea, eb = pair
    threading.Timer(0.2, lambda: ea.send(B, b"late")).start()
    mac, msg = eb.recv(-1)
    assert msg == b"late"


def test_recv_returns_a_new_list_of_bytes(pair):
    ea, eb = pair
    ea.send(B, b"one")
    ea.send(B, b"two")
    r1, r2 = eb.recv(0), eb.recv(0)
    assert type(r1) is list and r1 is not r2
    assert [type(x) for x in r1] == [bytes, bytes]
    assert r1 == [A, b"one"] and r2 == [A, b"two"]


def test_recv_raises_IF_when_no_wlan_interface_is_active(pair, b):
    _, eb = pair
    espnow_sim.wlan(b).active(False)
    raises_os("IF", eb.recv, 0)
    raises_os("IF", eb.irecv, 0)


def test_irecv_reuses_one_list_with_a_bytearray(pair):
    ea, eb = pair
    ea.send(B, b"first")
    r1 = eb.irecv(0)
    assert type(r1) is list and type(r1[0]) is bytes and type(r1[1]) is bytearray
    assert r1 == [A, bytearray(b"first")]
    ea.send(B, b"second message")
    r2 = eb.irecv(0)
    assert r2 is r1 and r1[1] == bytearray(b"second message")
    assert eb.irecv(0) == (None, None)
    assert r1[1] == bytearray(b"second message")  # a timeout leaves it alone


def test_irecv_holds_a_full_size_message_after_a_short_one(pair):
    ea, eb = pair
    ea.send(B, b"s")
    assert eb.irecv(0)[1] == b"s"
    ea.send(B, b"L" * 250)
    assert eb.irecv(0)[1] == b"L" * 250


def test_recvinto_returns_the_length_and_fills_mac_rssi_and_time(pair):
    ea, eb = pair
    ea.send(B, b"hello")
    data = [None, bytearray(250), None, None]
    assert eb.recvinto(data, 0) == 5
    assert data[0] == A and data[1] == b"hello"
    assert type(data[2]) is int and -127 <= data[2] <= 0
    assert type(data[3]) is int and data[3] >= 0
    assert data[0] is next(iter(eb.peers_table))


def test_recvinto_two_element_form_needs_no_rssi_or_time(pair):
    ea, eb = pair
    ea.send(B, b"hi")
    data = [None, bytearray(250)]
    assert eb.recvinto(data, 0) == 2 and len(data) == 2 and data == [A, b"hi"]


def test_recvinto_returns_zero_on_timeout(pair):
    _, eb = pair
    assert eb.recvinto([None, bytearray(250)], 0) == 0


def test_recvinto_needs_a_list_of_two(pair):
    _, eb = pair
    with pytest.raises(TypeError):
        eb.recvinto((None, bytearray(250)), 0)
    with pytest.raises(ValueError):
        eb.recvinto([bytearray(250)], 0)


def test_recvinto_too_small_is_ValueError_and_the_message_stays_buffered(pair):
    ea, eb = pair
    ea.send(B, b"x" * 100)
    with pytest.raises(ValueError):
        eb.recvinto([None, bytearray(10)], 0)
    assert eb.any()
    data = [None, bytearray(100)]
    assert eb.recvinto(data, 0) == 100 and data[1] == b"x" * 100


def test_recvinto_keeps_the_bytearrays_storage_for_a_longer_message_next(pair):
    ea, eb = pair
    data = [None, bytearray(250)]
    ea.send(B, b"ab")
    assert eb.recvinto(data, 0) == 2 and data[1] == b"ab"
    ea.send(B, b"z" * 250)
    assert eb.recvinto(data, 0) == 250 and data[1] == b"z" * 250


# ---- peers_table

def test_peers_table_is_updated_only_when_a_message_is_read(pair):
    ea, eb = pair
    ea.send(B, b"x")
    assert dict(eb.peers_table) == {}
    eb.recv(0)
    table = eb.peers_table
    assert list(table) == [A]
    rssi, time_ms = table[A]
    assert -127 <= rssi <= 0 and type(time_ms) is int


def test_peers_table_is_a_dict_as_the_seeds_show(pair):
    ea, eb = pair
    ea.send(B, b"x")
    eb.recv(0)
    table = eb.peers_table
    assert type(table) is dict and table is eb.peers_table
    rssi, time_ms = table[A]
    assert repr(table) == "{%r: [%d, %d]}" % (A, rssi, time_ms)


def test_what_the_application_writes_in_peers_table_is_undone_as_messages_are_read(pair):
    ea, eb = pair
    ea.send(B, b"x")
    key = eb.recv(0)[0]
    table = eb.peers_table
    del table[A]
    table[b"junk"] = "mine"  # a board keeps what the application adds, too
    ea.send(B, b"y")
    assert eb.recv(0)[0] is key and [k is key for k in table if k == A] == [True] and len(table[A]) == 2
    table[A].clear()
    ea.send(B, b"z")
    data = [None, bytearray(9), None, None]
    eb.recvinto(data, 0)
    assert table[A] == data[2:] and table[b"junk"] == "mine"


def test_peers_table_has_one_key_object_per_mac(pair):
    ea, eb = pair
    for _ in range(3):
        ea.send(B, b"x")
    macs = [eb.recv(0)[0], eb.irecv(0)[0]]
    data = [None, bytearray(9)]
    eb.recvinto(data, 0)
    macs.append(data[0])
    key = next(iter(eb.peers_table))
    assert all(m is key for m in macs)


# ---- any() and irq()

def test_any_is_true_only_while_a_message_is_buffered(pair):
    ea, eb = pair
    assert eb.any() is False
    ea.send(B, b"x")
    assert eb.any() is True
    eb.recv(0)
    assert eb.any() is False


def test_irq_is_called_with_the_object_once_per_buffered_message(pair):
    ea, eb = pair
    got = []
    done = threading.Event()

    def cb(e):
        got.append((e, e.irecv(0)[1].decode()))
        if len(got) == 3:
            done.set()

    eb.irq(cb)
    for m in ("a", "b", "c"):
        ea.send(B, m)
    assert done.wait(DEADLINE_S)
    assert [e for e, _ in got] == [eb] * 3 and [m for _, m in got] == ["a", "b", "c"]


def test_irq_never_runs_for_a_dropped_message(pair):
    ea, eb = pair
    eb.active(False)
    eb.config(rxbuf=0)
    eb.active(True)
    calls = []
    eb.irq(calls.append)
    ea.active(False); ea.active(True); ea.add_peer(B)  # noqa: E702
    assert ea.send(B, b"dropped") is True  # the radio still ACKs
    time.sleep(0.1)
    assert calls == [] and eb.stats()[4] == 1


def test_irq_the_seeds_pattern_drains_with_irecv_zero(pair):
    ea, eb = pair
    seen = []

    def recv_cb(e):
        while True:
            mac, msg = e.irecv(0)
            if mac is None:
                return
            seen.append(bytes(msg))

    eb.irq(recv_cb)
    for i in range(20):
        ea.send(B, b"%d" % i, False)
    deadline = time.monotonic() + DEADLINE_S
    while len(seen) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen == [b"%d" % i for i in range(20)]


def test_irq_None_removes_it_and_a_non_callable_is_ValueError(pair):
    ea, eb = pair
    calls = []
    eb.irq(calls.append)
    eb.irq(None)
    ea.send(B, b"x")
    time.sleep(0.1)
    assert calls == []
    with pytest.raises(ValueError):
        eb.irq(42)


# ---- send()

def test_send_sync_to_a_present_peer_is_True(pair):
    ea, _ = pair
    assert ea.send(B, b"x") is True
    assert ea.send(B, b"x", True) is True


def test_send_sync_to_an_absent_peer_is_False_after_retries(pair):
    ea, _ = pair
    ea.add_peer(ABSENT)
    assert ea.send(ABSENT, b"x") is False
    assert ea.stats()[:3] == (1, 1, 1)


def test_send_sync_None_is_sync_as_on_a_board(pair):
    ea, _ = pair
    ea.add_peer(ABSENT)
    assert ea.send(ABSENT, b"x", None) is False  # waited for the (missing) ACK
    assert ea.send(ABSENT, b"x", sync=None) is False
    assert ea.stats()[:3] == (2, 2, 2)


def test_a_peer_whose_espnow_is_off_but_whose_radio_is_on_acknowledges(pair):
    ea, eb = pair
    eb.active(False)
    assert ea.send(B, b"x") is True


def test_send_async_returns_True_at_once_and_stats_count_later(pair):
    ea, _ = pair
    ea.add_peer(ABSENT)
    assert ea.send(ABSENT, b"x", False) is True
    deadline = time.monotonic() + DEADLINE_S
    while ea.stats()[1] < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ea.stats()[:3] == (1, 1, 1)


def test_send_msg_alone_goes_to_every_unicast_peer_and_skips_groups(air, pair):
    ea, eb = pair
    ec = espnow_sim.espnow(air.add_device(mac=C))
    ec.active(True)
    ea.add_peer(C)
    ea.add_peer(BROADCAST)
    ea.add_peer(GROUP)
    assert ea.send(b"all") is True
    assert eb.recv(0)[1] == b"all" and ec.recv(0)[1] == b"all"
    assert ea.stats()[0] == 2
    assert ea.send(None, b"again", True) is True


def test_broadcast_needs_add_peer_first_and_is_always_True(pair):
    ea, eb = pair
    raises_os("NOT_FOUND", ea.send, BROADCAST, b"x")
    ea.add_peer(BROADCAST)
    assert ea.send(BROADCAST, b"x") is True
    assert eb.recv(0) == [A, b"x"]


def test_a_group_peer_is_always_True_even_with_nobody_on_the_air(air):
    e = espnow_sim.espnow(air.add_device(mac=C))
    e.active(True)
    e.add_peer(GROUP)
    assert e.send(GROUP, b"ping") is True


def test_a_devices_own_mac_cannot_be_a_group_address(air):
    with pytest.raises(OSError):
        air.add_device(mac=GROUP)


def test_send_length_zero_or_over_max_is_ARG(pair):
    ea, _ = pair
    raises_os("ARG", ea.send, B, b"")
    raises_os("ARG", ea.send, B, b"x" * 251)
    assert ea.send(B, b"x" * 250) is True


def test_send_takes_str_and_every_bytes_like(pair):
    ea, eb = pair
    for msg in ("text", b"text", bytearray(b"text"), memoryview(b"text")):
        assert ea.send(B, msg) is True
        assert eb.recv(0)[1] == b"text"
    assert ea.send(bytearray(B), b"m") and ea.send(memoryview(B), b"m")


def test_send_to_an_unregistered_peer_is_NOT_FOUND(pair):
    ea, _ = pair
    raises_os("NOT_FOUND", ea.send, C, b"x")


def test_send_to_a_peer_on_another_channel_is_CHAN(pair):
    ea, _ = pair
    ea.add_peer(C, channel=6)
    raises_os("CHAN", ea.send, C, b"x")


def test_send_to_a_peer_on_an_inactive_interface_is_IF(pair):
    ea, _ = pair
    ea.add_peer(C, ifidx=1)  # the AP interface is down
    raises_os("IF", ea.send, C, b"x")


def test_sync_waits_at_most_100ms_for_earlier_responses_then_ETIMEDOUT(air):
    slow = espnow_sim.Air(timing=True)
    a = slow.add_device(mac=A)
    e = espnow_sim.espnow(a)
    e.active(True)
    e.add_peer(ABSENT)
    for _ in range(8):  # ~8 x 6 retries x 3 ms of airtime: far over 100 ms
        e.send(ABSENT, b"x" * 250, False)
    with pytest.raises(OSError) as info:
        e.send(ABSENT, b"x")
    assert info.value.errno == 110
    e.active(False)


def test_no_mem_is_retried_until_the_radio_has_room(air):
    slow = espnow_sim.Air(timing=True)
    a, b = slow.add_device(mac=A), slow.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    ea.active(True)
    eb.active(True)
    eb.config(rxbuf=100000)
    eb.active(False)
    eb.active(True)
    ea.add_peer(B)
    for i in range(40):  # more than the radio's 16-frame queue
        assert ea.send(B, b"%d" % i, False) is True
    deadline = time.monotonic() + DEADLINE_S
    while ea.stats()[1] < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ea.stats()[:3] == (40, 40, 0)
    ea.active(False)
    eb.active(False)


# ---- channels

def test_a_device_on_channel_3_never_hears_channel_8(air):
    x, y = air.add_device(mac=A, channel=3), air.add_device(mac=B, channel=8)
    ex, ey = espnow_sim.espnow(x), espnow_sim.espnow(y)
    ex.active(True)
    ey.active(True)
    ex.add_peer(B)
    assert ex.send(B, b"x") is False
    assert ey.recv(0) == (None, None)
    espnow_sim.wlan(y).config(channel=3)
    assert ex.send(B, b"x") is True
    assert ey.recv(0)[1] == b"x"


# ---- peers

def test_the_21st_peer_is_FULL_and_the_7th_encrypted_is_FULL(pair):
    ea, _ = pair
    for i in range(6):
        ea.add_peer(bytes([2, 1, 0, 0, 0, i]), b"k" * 16)
    raises_os("FULL", ea.add_peer, bytes([2, 1, 0, 0, 0, 99]), b"k" * 16)
    for i in range(13):
        ea.add_peer(bytes([2, 2, 0, 0, 0, i]))
    assert ea.peer_count() == (20, 6)
    raises_os("FULL", ea.add_peer, bytes([2, 3, 0, 0, 0, 0]))


def test_a_duplicate_is_EXIST(pair):
    ea, _ = pair
    raises_os("EXIST", ea.add_peer, B)


def test_an_unknown_mac_in_get_mod_del_is_NOT_FOUND(pair):
    ea, _ = pair
    raises_os("NOT_FOUND", ea.get_peer, C)
    raises_os("NOT_FOUND", ea.mod_peer, C)
    raises_os("NOT_FOUND", ea.del_peer, C)


def test_add_peer_starts_with_no_key_channel_0_sta_and_no_encryption(pair):
    ea, _ = pair
    peer = ea.get_peer(B)
    assert type(peer) is tuple and len(peer) == 5
    mac, lmk, channel, ifidx, encrypt = peer
    assert (mac, channel, ifidx, encrypt) == (B, 0, 0, False)
    assert type(mac) is bytes and type(lmk) is bytes and type(encrypt) is bool


def test_a_truthy_lmk_sets_encrypt_and_encrypt_overrides_it(pair):
    ea, _ = pair
    ea.add_peer(C, b"0123456789abcdef")
    assert ea.get_peer(C)[1] == b"0123456789abcdef" and ea.get_peer(C)[4] is True
    ea.del_peer(C)
    ea.add_peer(C, "0123456789abcdef", encrypt=False)
    assert ea.get_peer(C)[4] is False


def test_an_empty_lmk_turns_encryption_off(pair):
    ea, _ = pair
    ea.add_peer(C, b"0123456789abcdef")
    ea.mod_peer(C, b"")
    assert ea.get_peer(C)[4] is False


def test_add_peer_takes_keywords_and_positionals(pair):
    ea, _ = pair
    ea.add_peer(C, None, 1, 0, False)
    assert ea.get_peer(C)[2:] == (1, 0, False)
    ea.mod_peer(mac=C, channel=0, ifidx=1)
    assert ea.get_peer(C)[2:] == (0, 1, False)
    with pytest.raises(TypeError):
        ea.add_peer(C, None, 1, 0, False, 9)


def test_bad_peer_arguments_are_ValueErrors_and_add_nothing(pair):
    ea, _ = pair
    with pytest.raises(ValueError):
        ea.add_peer(b"\x02\x00")
    with pytest.raises(TypeError):
        ea.add_peer(12345)
    with pytest.raises(ValueError):
        ea.add_peer(C, b"short")
    with pytest.raises(ValueError):
        ea.add_peer(C, channel=15)
    with pytest.raises(ValueError):
        ea.add_peer(C, ifidx=2)
    assert ea.peer_count() == (1, 0)


def test_broadcast_or_group_with_encrypt_is_refused_with_ARG(pair):
    ea, _ = pair
    raises_os("ARG", ea.add_peer, BROADCAST, b"k" * 16)
    raises_os("ARG", ea.add_peer, GROUP, encrypt=True)


def test_mod_peer_keeps_every_field_it_is_not_given(pair):
    ea, _ = pair
    ea.add_peer(C, b"k" * 16, 0, 1, True)
    ea.mod_peer(C, channel=1)
    assert ea.get_peer(C) == (C, b"k" * 16, 1, 1, True)


def test_get_peers_lists_every_peer_and_peer_count_counts_them(pair):
    ea, _ = pair
    ea.add_peer(C, b"k" * 16)
    peers = ea.get_peers()
    assert type(peers) is tuple and {p[0] for p in peers} == {B, C}
    assert ea.peer_count() == (2, 1)


# ---- set_pmk

def test_set_pmk_takes_exactly_16_bytes(pair):
    ea, _ = pair
    ea.set_pmk(b"p" * 16)
    ea.set_pmk("p" * 16)
    ea.set_pmk(bytearray(16))
    for bad in (b"p" * 15, b"p" * 17, 5, None):
        with pytest.raises(ValueError):
            ea.set_pmk(bad)


def test_encrypted_peers_talk_and_a_wrong_key_hears_nothing(pair):
    ea, eb = pair
    ea.mod_peer(B, b"0123456789abcdef")
    eb.add_peer(A, b"0123456789abcdef")
    assert ea.send(B, b"secret") is True
    assert eb.recv(0) == [A, b"secret"]
    eb.mod_peer(A, b"fedcba9876543210")
    assert ea.send(B, b"secret") is True  # the radio ACKs
    assert eb.recv(0) == (None, None)
    assert eb.link_stats()["rx_mic_failures"] == 1


# ---- stats and the receive buffer

def test_stats_is_a_5_tuple_and_tx_pkts_equals_tx_responses_after_sync_sends(pair):
    ea, eb = pair
    for _ in range(5):
        ea.send(B, b"x")
    s = ea.stats()
    assert type(s) is tuple and len(s) == 5
    assert s[:3] == (5, 5, 0)
    assert eb.stats()[3:] == (5, 0)


def test_the_default_rxbuf_holds_two_250_byte_messages_and_drops_the_third(pair):
    ea, eb = pair
    for _ in range(3):
        assert ea.send(B, b"m" * 250) is True
    assert eb.stats()[3:] == (2, 1)
    assert eb.recv(0)[1] == b"m" * 250 and eb.recv(0)[1] == b"m" * 250
    assert eb.recv(0) == (None, None)


# ---- readiness

def test_select_poll_sees_the_object_readable_while_a_message_is_buffered(pair):
    ea, eb = pair
    p = select.poll()
    p.register(eb, select.POLLIN)
    assert p.poll(0) == []
    ea.send(B, b"x")
    assert p.poll(1000) == [(eb.fileno(), select.POLLIN)]
    eb.recv(0)
    assert p.poll(0) == []


def test_selectors_wait_on_the_object(pair):
    ea, eb = pair
    sel = selectors.DefaultSelector()
    sel.register(eb, selectors.EVENT_READ)
    assert sel.select(0) == []
    threading.Timer(0.05, lambda: ea.send(B, b"x")).start()
    events = sel.select(5)
    assert len(events) == 1 and events[0][0].fileobj is eb
    sel.close()


# ---- iteration

def test_iteration_yields_irecv_results_and_None_None_on_timeout(pair):
    ea, eb = pair
    eb.config(timeout_ms=10)
    ea.send(B, b"one")
    it = iter(eb)
    assert it is eb
    assert next(it) == [A, bytearray(b"one")]
    assert next(it) == (None, None)
    n = 0
    for mac, msg in eb:
        n += 1
        if n == 3:
            break
    assert n == 3  # the loop never stops by itself
