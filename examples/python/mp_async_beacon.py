# mp_beacon.py with uasyncio: one task broadcasts a beacon once a second, one
# collects the beacons it hears (async for), and after ten seconds the
# device says how many neighbours it heard. On a PC, twenty copies as twenty
# devices in virtual time (asyncio's timers and waits included):
#   build/espnow-python --sim 20 examples/python/mp_async_beacon.py
import network
import aioespnow
import random
import uasyncio as asyncio

BROADCAST = b"\xff" * 6

sta = network.WLAN(network.STA_IF)
sta.active(True)
e = aioespnow.AIOESPNow()
e.active(True)
e.add_peer(BROADCAST)
heard = set()


async def beacons():
    await asyncio.sleep_ms(random.getrandbits(9))  # boards do not all boot at the same instant
    for beat in range(10):
        await e.asend(BROADCAST, b"beacon %d" % beat, False)
        await asyncio.sleep(1)


async def listen():
    async for mac, msg in e:
        if msg.startswith(b"beacon"):
            heard.add(bytes(mac))


async def main():
    asyncio.create_task(listen())
    await beacons()
    print("heard", len(heard), "neighbours")


asyncio.run(main())
