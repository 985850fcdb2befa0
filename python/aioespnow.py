"""MicroPython's aioespnow module on CPython's asyncio.

AIOESPNow waits on the device's readiness descriptor (loop.add_reader) for
messages, and on an eventfd the C++ core writes for send reports, so nothing
here blocks the event loop. Cancelling a wait (wait_for, timeout) consumes
no message: a message is taken only once the task runs again.
"""
import asyncio

import espnow
from espnow import *  # noqa: F401,F403  (the seeds' module re-exports espnow's names)



class _Waiters:
    """Futures of tasks waiting on one descriptor, woken together."""

    def __init__(self):
        self.loop = None
        self.futures = set()

    def wait(self, fd):
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new event loop (asyncio.run again)
            self.futures.clear()
            self.loop = loop
        fut = loop.create_future()
        if not self.futures:
            loop.add_reader(fd, self._wake, fd)
        self.futures.add(fut)
        fut.add_done_callback(lambda f: self._forget(f, fd))
        return fut

    def _wake(self, fd):
        for fut in list(self.futures):
            if not fut.done():
                fut.set_result(None)

    def _forget(self, fut, fd):
        self.futures.discard(fut)
        if not self.futures and self.loop is not None and not self.loop.is_closed():
            self.loop.remove_reader(fd)


class _Sends:
    """Send reports from the C++ core, routed to the futures awaiting them."""

    def __init__(self, e):
        self.e = e
        self.loop = None
        self.futures = {}

    def attach(self):
        """Drains reports on the running loop (also those nobody awaits)."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(self.e._async_fileno())
            self.loop = loop
            self.futures.clear()
            loop.add_reader(self.e._async_fileno(), self._collect)

    def expect(self, ident):
        fut = self.loop.create_future()
        self.futures[ident] = fut
        self._collect()  # the report may already be in
        return fut

    def _collect(self):
        for ident, ok, error in self.e._async_completions():
            fut = self.futures.pop(ident, None)
            if fut is not None and not fut.done():
                if error is not None:
                    fut.set_exception(error)  # a later target's CHAN, IF...: as send() raises it
                else:
                    fut.set_result(ok)


class AIOESPNow(espnow.ESPNow):
    """ESPNow with asyncio methods: asend, arecv, airecv and `async for`."""

    def _state(self):
        state = self.__dict__.get("_aio")
        if state is None:
            state = self.__dict__["_aio"] = (_Waiters(), _Sends(self))
        return state

    async def _readable(self):
        waiters, _ = self._state()
        while not self.any():  # raises NOT_INIT when not active
            await waiters.wait(self.fileno())

    async def arecv(self):
        """recv() without blocking the loop: a new [mac, msg] list."""
        while True:
            await self._readable()
            result = self.recv(0)
            if result[0] is not None:
                return result

    async def airecv(self):
        """irecv() without blocking the loop: the reused [mac, bytearray] list."""
        while True:
            await self._readable()
            result = self.irecv(0)
            if result[0] is not None:
                return result

    async def asend(self, mac, msg=None, sync=None):
        """send() without blocking the loop: asend(mac, msg, sync=True) or asend(msg)."""
        if msg is None:
            msg, mac = mac, None
        sync = True if sync is None else bool(sync)
        _, sends = self._state()
        sends.attach()
        if sync:
            await self._await_outstanding()
        ident = await self._start(mac, msg, sync)
        if not sync:
            return True
        return await sends.expect(ident)

    async def _await_outstanding(self):
        # A sync send first waits for earlier sends' reports as the C++ core's
        # SyncSendWait says (the 100 ms rule, then OSError ETIMEDOUT); the loop
        # only waits between looks.
        since = self._async_clock_ns()
        while True:
            wait_s = self._async_outstanding(since)
            if wait_s is None:
                return
            await asyncio.sleep(wait_s)

    async def _start(self, mac, msg, sync):
        # A full transmit queue (NO_MEM) is tried again as the C++ core's
        # NoMemRetry says (the 2 s rule); the loop only waits between tries.
        since = self._async_clock_ns()
        while True:
            ident, retry_in = self._async_start(mac, msg, sync, since)
            if retry_in is None:
                return ident
            await asyncio.sleep(retry_in)

    def __aiter__(self):
        return self

    async def __anext__(self):
        return await self.airecv()
