"""A process's interrupts (espnow-python without --sim): the deadlines of the
script's machine.Timer and machine.WDT, kept as a board's hardware keeps them,
beside the program, and the callbacks of micropython.schedule (due at once).

One thread waits for the next deadline. When one is due it interrupts the
main thread with a signal, whose handler runs the due actions there, between
the script's steps and inside its waits (time.sleep, select, and a blocking
ESPNow receive or sync send, which the thread wakes to take the signal), as a
board runs its scheduled callbacks. An urgent action (the watchdog's reset) runs on the
thread itself: a board's watchdog resets a program that never gives way.

The handler runs one action at a time (a board runs one scheduled callback per
step); the thread signals again for the next.

The handler is installed with SA_RESTART, so the main thread's sends and
receives go on through the signal; sleeps and selects still wake for it.
"""
import collections
import heapq
import itertools
import signal
import sys
import threading
import time

_SIGNAL = signal.SIGRTMIN + 5

# A board's micropython.schedule queue holds 8 callbacks (MICROPY_SCHEDULER_DEPTH).
SCHEDULE_DEPTH = 8


class Deadline:
    """One action due at a time on time.monotonic_ns(); cancel() before then and it does not run."""

    __slots__ = ("due_ns", "action", "urgent", "cancelled")

    def __init__(self, due_ns, action, urgent):
        self.due_ns = due_ns
        self.action = action
        self.urgent = urgent
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


class Interrupts:
    def __init__(self):
        self._cond = threading.Condition()
        self._heap = []
        self._order = itertools.count()  # equal deadlines run in the order they were set
        self._ready = collections.deque()  # due, waiting for the main thread's handler
        self._signalled = False
        self._in_handler = False
        self._resignal = False  # the handler left actions ready: signal again
        self._thread = None
        self._main = threading.main_thread().ident
        self._installed = False  # the signal's handler, on the main thread
        self._scheduled = 0  # soon()'s actions not yet started

    def install(self):
        """The signal's handler, installed from the main thread (the only one that may):
        True once it is there."""
        if not self._installed and threading.get_ident() == self._main:
            signal.signal(_SIGNAL, self._handler)
            signal.siginterrupt(_SIGNAL, False)
            self._installed = True
        return self._installed

    def soon(self, action):
        """action() on the main thread at its next step, as micropython.schedule runs a
        callback (inside a sleep or a blocking receive too, as a board's wait runs them):
        RuntimeError when SCHEDULE_DEPTH wait already, a board's "schedule queue full".
        From any thread, once install() has been called from the main one. The caller
        signals the main thread itself: from the main thread the action runs at its very
        next step, as on a board."""
        def run():
            with self._cond:
                self._scheduled -= 1  # its slot is free once it is taken out, as on a board
            action()
        with self._cond:
            if self._scheduled >= SCHEDULE_DEPTH:
                raise RuntimeError("schedule queue full")
            if self._thread is None:
                self._start()  # for the signals after the first (the handler runs one at a time)
            self._scheduled += 1
            self._ready.append(Deadline(0, run, False))
            signal_main, self._signalled = not self._signalled, True
        if signal_main:
            self._signal_main()

    def at(self, due_ns, action, urgent=False):
        """action() once time.monotonic_ns() reaches due_ns: on the main thread between its
        steps, or (urgent) on the interrupts' thread. A Deadline, to cancel it."""
        deadline = Deadline(due_ns, action, urgent)
        with self._cond:
            if self._thread is None:
                self._start()
            heapq.heappush(self._heap, (due_ns, next(self._order), deadline))
            self._cond.notify()
        return deadline

    def _start(self):
        if not self.install():
            raise RuntimeError("machine.Timer and machine.WDT start on the script's main thread here, "
                               "unless micropython was imported there first (espnow-python does): their "
                               "callbacks run on it, as a board's scheduled callbacks do")
        self._thread = threading.Thread(target=self._run, name="board-interrupts", daemon=True)
        self._thread.start()

    def _next_due(self):
        """The first deadline not cancelled, once due, or None when the handler asks for
        another signal (under the lock; waits for either)."""
        while True:
            if self._resignal:
                self._resignal = False
                return None
            while self._heap and self._heap[0][2].cancelled:
                heapq.heappop(self._heap)
            now = time.monotonic_ns()
            if self._heap and self._heap[0][0] <= now:
                return heapq.heappop(self._heap)[2]
            self._cond.wait((self._heap[0][0] - now) / 1e9 if self._heap else None)

    def _run(self):
        while True:
            signal_main = False
            with self._cond:
                deadline = self._next_due()
                if deadline is None or not deadline.urgent:
                    if deadline is not None:
                        self._ready.append(deadline)
                    signal_main, self._signalled = not self._signalled, True
            if deadline is not None and deadline.urgent:
                deadline.action()
            elif signal_main and not self._signal_main():
                return  # the main thread has ended: nothing runs callbacks any more

    def _signal_main(self):
        """Signals the main thread, and wakes a blocking ESPNow call there to take the
        signal now (it asks every 50 ms otherwise). False once the main thread has ended."""
        try:
            signal.pthread_kill(self._main, _SIGNAL)
        except ProcessLookupError:
            return False
        espnow_binding = sys.modules.get("_espnow")  # not imported: no ESPNow call waits
        if espnow_binding is not None:
            espnow_binding._interrupt_waits()
        return True

    def _handler(self, signum, frame):
        """One due action, never within another: a board runs at most one scheduled
        callback per step (mp_sched_run_pending), and its sleep looks at its end between
        them. The rest come with another signal, from the interrupts' thread, so the
        script takes a step (or its sleep ends) first: a callback slower than its Timer's
        period once held the script for ever. What an action raises goes on into the
        script's code, as an exception in a board's scheduled callback does."""
        with self._cond:
            if self._in_handler:
                return  # the running handler's thread asks for another signal after it
            while self._ready and self._ready[0].cancelled:
                self._ready.popleft()
            if not self._ready:
                self._signalled = False
                return
            deadline = self._ready.popleft()
            self._in_handler = True
        try:
            deadline.action()
        finally:
            with self._cond:
                self._in_handler = False
                self._signalled = False
                if self._ready:
                    self._resignal = True
                    self._cond.notify()


interrupts = Interrupts()
