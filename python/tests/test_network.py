"""network.WLAN: the interface subset ESP-NOW scripts use, and its effect on
the air."""
import pytest

import espnow
import espnow_sim
import network
from conftest import A, B


def test_interface_constants_old_and_new_names():
    assert network.WLAN.IF_STA == network.STA_IF == 0
    assert network.WLAN.IF_AP == network.AP_IF == 1
    assert network.WLAN.PROTOCOL_LR == network.PROTOCOL_LR == network.MODE_LR
    assert network.PROTOCOL_DEFAULT == network.MODE_11B | network.MODE_11G | network.MODE_11N
    with pytest.raises(ValueError):
        network.WLAN(2)


def test_active_and_mac(air):
    d = air.add_device(mac=A, sta_active=False)
    sta, ap = espnow_sim.wlan(d, network.STA_IF), espnow_sim.wlan(d, network.AP_IF)
    assert sta.active() is False and ap.active() is False
    assert sta.active(True) is True and sta.active() is True
    assert sta.config("mac") == A and type(sta.config("mac")) is bytes
    assert ap.config("mac") == A[:5] + bytes([A[5] + 1])  # the ESP32's AP MAC
    sta.config(mac=B)
    assert sta.config("mac") == B
    with pytest.raises(OSError):
        sta.config(mac=b"\x01" * 6)  # a group address
    with pytest.raises(ValueError):
        sta.config(mac=b"\x02" * 5)


def test_channel_protocol_pm_and_unknown(air):
    w = espnow_sim.wlan(air.add_device(mac=A))
    w.config(channel=11)
    assert w.config("channel") == 11
    with pytest.raises(ValueError):
        w.config(channel=15)
    assert w.config("protocol") == network.PROTOCOL_DEFAULT
    w.config(protocol=network.PROTOCOL_LR)
    assert w.config("protocol") == network.PROTOCOL_LR
    w.config(pm=0)
    assert w.config("pm") == 0
    with pytest.raises(ValueError):
        w.config("essid-of-nothing")
    assert w.disconnect() is None and w.isconnected() is False


def test_an_inactive_interface_hears_and_acks_nothing(air):
    a, b = air.add_device(mac=A), air.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    espnow_sim.wlan(b).active(False)
    assert ea.send(B, b"x") is False
    espnow_sim.wlan(b).active(True)
    assert ea.send(B, b"x") is True


def test_long_range_rates_need_protocol_lr_at_both_ends(air):
    a, b = air.add_device(mac=A), air.add_device(mac=B)
    ea, eb = espnow_sim.espnow(a), espnow_sim.espnow(b)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    espnow_sim.wlan(a).config(protocol=network.PROTOCOL_LR)
    ea.config(rate=espnow.RATE_LORA_250K)
    assert ea.send(B, b"far") is False
    espnow_sim.wlan(b).config(protocol=network.PROTOCOL_LR)
    assert ea.send(B, b"far") is True
    assert eb.recv(0) == [A, b"far"]


def test_active_returns_the_state_as_the_esp32_port_does(air):
    w = espnow_sim.wlan(air.add_device(mac=A, sta_active=False))
    assert w.active(True) is True
    assert w.active(False) is False


def test_pm_constants_and_txpower_as_the_esp32_port_has_them(air):
    w = espnow_sim.wlan(air.add_device(mac=A))
    assert w.config("pm") == network.WLAN.PM_PERFORMANCE  # ESP-IDF's default
    w.config(pm=w.PM_NONE)
    assert w.config("pm") == network.WLAN.PM_NONE == 0
    assert (network.WLAN.PM_PERFORMANCE, network.WLAN.PM_POWERSAVE) == (1, 2)
    assert w.config("txpower") == 20.0
    w.config(txpower=8.5)
    assert w.config("txpower") == 8.5
    w.config(txpower=8.6)  # kept in quarter dBm
    assert w.config("txpower") == 8.5
    with pytest.raises(ValueError):
        w.config(txpower=1)


def test_a_value_of_the_wrong_type_is_a_clean_TypeError(air):
    w = espnow_sim.wlan(air.add_device(mac=A))
    for kw in ({"channel": "6"}, {"protocol": "lr"}, {"pm": 1.0}, {"txpower": "8"}):
        with pytest.raises(TypeError) as e:
            w.config(**kw)
        assert "_espnow" not in str(e.value) and "can't convert" in str(e.value)
    assert w.config("channel") == 1
