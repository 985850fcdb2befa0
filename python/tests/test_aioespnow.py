"""aioespnow.AIOESPNow on CPython's asyncio (SPEC §2): it awaits, never
blocks the loop, and cancellation consumes no message."""
import asyncio
import threading
import time

import pytest

import aioespnow
import espnow_sim
from conftest import A, ABSENT, B, C, DEADLINE_S, GROUP


@pytest.fixture
def apair(air, a, b):
    ea, eb = espnow_sim.aioespnow(a), espnow_sim.aioespnow(b)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)
    yield ea, eb
    ea.active(False)
    eb.active(False)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def test_AIOESPNow_is_an_ESPNow_singleton_per_device(a):
    import espnow
    e = espnow_sim.aioespnow(a)
    assert e is espnow_sim.aioespnow(a) and isinstance(e, espnow.ESPNow)


def test_arecv_returns_a_new_list_of_bytes(apair):
    ea, eb = apair

    async def main():
        task = asyncio.create_task(eb.arecv())
        await asyncio.sleep(0.01)
        assert await ea.asend(B, b"hello") is True
        return await task

    r = run(main())
    assert r == [A, b"hello"] and type(r[1]) is bytes


def test_airecv_reuses_the_irecv_list(apair):
    ea, eb = apair

    async def main():
        await ea.asend(B, b"one")
        r1 = await eb.airecv()
        first = bytes(r1[1])
        await ea.asend(B, b"two")
        r2 = await eb.airecv()
        return r1, r2, first

    r1, r2, first = run(main())
    assert r1 is r2 and first == b"one" and r2[1] == bytearray(b"two")


def test_async_for_yields_mac_msg_pairs_until_break(apair):
    ea, eb = apair

    async def main():
        for m in (b"a", b"b", b"halt"):
            await ea.asend(B, m)
        got = []
        async for mac, msg in eb:
            got.append((mac, bytes(msg)))
            if msg == b"halt":
                break
        return got

    assert run(main()) == [(A, b"a"), (A, b"b"), (A, b"halt")]


def test_asend_forms_and_results(apair, air):
    ea, eb = apair

    async def main():
        ea.add_peer(ABSENT)
        r = [await ea.asend(B, b"x"), await ea.asend(ABSENT, b"x"), await ea.asend(B, b"x", False),
             await ea.asend(B, b"x", sync=True)]
        ea.del_peer(ABSENT)
        r.append(await ea.asend(b"to all peers"))
        return r

    assert run(main()) == [True, False, True, True, True]
    assert eb.recv(0)[1] == b"x"


def test_asend_errors_are_the_seeds_oserrors(apair):
    ea, _ = apair

    async def main():
        with pytest.raises(OSError) as info:
            await ea.asend(C, b"x")
        assert info.value.args[1] == "ESP_ERR_ESPNOW_NOT_FOUND"
        with pytest.raises(OSError) as info:
            await ea.asend(B, b"")
        assert info.value.args[1] == "ESP_ERR_ESPNOW_ARG"

    run(main())


def test_the_seeds_group_peer_always_reports_ping(air):
    e = espnow_sim.aioespnow(air.add_device(mac=C))
    e.active(True)
    e.add_peer(GROUP)
    assert run(e.asend(GROUP, b"ping")) is True
    e.active(False)


def test_cancelling_arecv_consumes_no_message(apair):
    ea, eb = apair

    async def main():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(eb.arecv(), 0.05)
        # A message arrives while a receiving task is cancelled before it runs again.
        task = asyncio.create_task(eb.airecv())
        await asyncio.sleep(0.01)
        ea.send(B, b"keep me")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert eb.any()
        return await eb.arecv()

    assert run(main()) == [A, b"keep me"]


def test_two_tasks_waiting_both_get_a_message(apair):
    ea, eb = apair

    async def main():
        t1, t2 = asyncio.create_task(eb.arecv()), asyncio.create_task(eb.arecv())
        await asyncio.sleep(0.01)
        await ea.asend(B, b"1")
        await ea.asend(B, b"2")
        return sorted([(await t1)[1], (await t2)[1]])

    assert run(main()) == [b"1", b"2"]


def test_the_event_loop_keeps_its_period_while_asend_waits_for_a_silent_peer():
    air = espnow_sim.Air(timing=True)  # airtime on: each unanswered try takes ~12 ms
    e = espnow_sim.aioespnow(air.add_device(mac=A))
    e.active(True)
    e.config(version=2)
    e.add_peer(ABSENT)
    ticks = []

    async def main():
        loop = asyncio.get_running_loop()

        def tick():
            ticks.append(time.monotonic())
            loop.call_later(0.005, tick)

        tick()
        spans = []
        for _ in range(3):
            t0 = time.monotonic()
            assert await e.asend(ABSENT, b"v" * 1470) is False  # ~6 tries of ~12 ms
            spans.append((t0, time.monotonic()))
        return spans

    spans = run(main())
    e.active(False)
    for t0, t1 in spans:
        assert t1 - t0 > 0.05  # the send really waited
        assert sum(t0 <= t <= t1 for t in ticks) >= 4  # and the loop ran meanwhile
    # The ticker keeps its 5 ms period: its typical gap is near it, and nine
    # in ten stay well below a whole send (> 50 ms, which a blocked loop would
    # show as one gap). A shared, loaded machine stretches some gaps, so the
    # bound is on most gaps, not every one.
    gaps = sorted(y - x for x, y in zip(ticks, ticks[1:]))
    assert gaps[len(gaps) // 2] < 0.010
    assert gaps[int(len(gaps) * 0.9)] < 0.040


def test_asend_retries_no_mem_without_blocking():
    air = espnow_sim.Air(timing=True)
    a, b = air.add_device(mac=A), air.add_device(mac=B)
    ea, eb = espnow_sim.aioespnow(a), espnow_sim.aioespnow(b)
    eb.config(rxbuf=100000)
    ea.active(True)
    eb.active(True)
    ea.add_peer(B)

    async def main():
        results = [await ea.asend(B, b"%d" % i, False) for i in range(40)]  # queue holds 16
        assert results == [True] * 40
        return await ea.asend(B, b"last")  # waits for the 40 responses first (at most 100 ms)

    try:
        run(main())
    except OSError as err:  # 40 x 3 ms of airtime may outlast the 100 ms wait: the documented error
        assert err.errno == 110
    deadline = time.monotonic() + DEADLINE_S
    while ea.stats()[1] < ea.stats()[0] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ea.stats()[0] >= 40 and ea.stats()[2] == 0
    ea.active(False)
    eb.active(False)


def test_a_thread_blocked_in_recv_forever_does_not_stop_other_threads(pair):
    ea, eb = pair
    got = []
    t = threading.Thread(target=lambda: got.append(eb.recv(-1)))
    t.start()
    time.sleep(0.05)
    n, end = 0, time.monotonic() + 0.2
    while time.monotonic() < end:
        n += 1
    assert n > 1000 and t.is_alive()
    ea.send(B, b"release")
    t.join(5)
    assert got == [[A, b"release"]]
