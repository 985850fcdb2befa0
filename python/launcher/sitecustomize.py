"""Loaded at start-up by interpreters the espnow-python launcher runs: gives
MicroPython scripts the time, gc, micropython and uasyncio they expect."""
import _mpcompat

_mpcompat.install()
