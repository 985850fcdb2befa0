"""Stopping a mosquitto that a test or benchmark started."""
import subprocess
import time


def stop_mosquitto(proc, timeout=10.0):
    """SIGTERM, again every half second, until `proc` (a mosquitto) has ended.

    A SIGTERM that comes while mosquitto enters its main loop is lost: it
    accepts connections a moment before, and then runs on (7 of 200 starts
    stopped at once, here), so one SIGTERM and a wait timed out now and
    then. After `timeout` it is killed and the caller told."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise AssertionError("mosquitto did not end on SIGTERM within %g s" % timeout)
