"""MicroPython's webrepl, which a board's boot.py often starts: there is no
WebREPL server here, so start() says what a board says without a password
(or, given one, that it started) and the script goes on; stop() too."""
import os


def _configured(password):
    if password is not None:
        return True
    try:
        os.stat("webrepl_cfg.py")
        return True
    except OSError:
        return False


def start(port=8266, password=None, accepted_cb=None):
    if not _configured(password):
        print("WebREPL is not configured, run 'import webrepl_setup'")
        return
    print("WebREPL server started on http://192.168.4.1:%d/ (not served here: no WebREPL on a PC)" % port)
    print("Started webrepl in normal mode")


def start_foreground(port=8266, password=None):
    start(port, password)


def stop():
    pass
