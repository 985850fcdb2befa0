"""micropython-lib's umqtt package (simple, robust) on CPython, over the host's
network: a MicroPython gateway that forwards ESP-NOW to an MQTT broker runs
unmodified under espnow-python."""
