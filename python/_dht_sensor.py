"""A DHT sensor wired to a board's pad (espnow-python's --dht): the 5 bytes
it answers with, in its model's encoding."""
import argparse


def reading(model, celsius, humidity):
    """The 5 bytes a DHT11 or DHT22 sends for these values, its checksum last."""
    if model == "dht11":  # whole degrees and percent
        data = [round(humidity) & 0xFF, 0, round(celsius) & 0xFF, 0]
    else:  # tenths, the sign in the temperature's top bit
        rh, t = round(humidity * 10), round(abs(celsius) * 10)
        data = [rh >> 8, rh & 0xFF, (t >> 8) | (0x80 if celsius < 0 else 0), t & 0xFF]
    return bytes(data + [sum(data) & 0xFF])


def parse(text):
    """PIN=[dht11:|dht22:]CELSIUS,HUMIDITY (DHT22 by default) as (pin, 5 bytes);
    argparse.ArgumentTypeError saying what is wrong."""
    form = "takes PIN=[dht11:|dht22:]CELSIUS,HUMIDITY, got %r" % text
    try:
        pin, values = text.split("=", 1)
        model, _, values = values.rpartition(":")
        model = model or "dht22"
        celsius, humidity = (float(v) for v in values.split(","))
        pin = int(pin)
    except ValueError:
        raise argparse.ArgumentTypeError(form) from None
    if model not in ("dht11", "dht22"):
        raise argparse.ArgumentTypeError("the sensor is dht11 or dht22, in %r" % text)
    low, high = (0, 50) if model == "dht11" else (-40, 80)
    if not low <= celsius <= high or not 0 <= humidity <= 100:
        raise argparse.ArgumentTypeError("a %s measures %d..%d C and 0..100 %%, in %r" % (model, low, high, text))
    return pin, reading(model, celsius, humidity)
