"""Two network namespaces joined by a veth pair, for the tests of the Linux
radio's veth test transport (the CLI's and the Python modules'). Root only."""
import contextlib
import os
import random
import subprocess


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


@contextlib.contextmanager
def veth_namespaces(prefix):
    """Namespaces ns_a and ns_b with veth ends va and vb (MTU 2304, for the
    longest v2 frames), names unique to this run and starting with `prefix`;
    all removed afterwards, even on failure."""
    assert os.geteuid() == 0, "these tests build network namespaces: run them as root (make test does, as CI)"
    tag = f"{os.getpid() % 10000}{random.randint(0, 99)}"
    net = {"ns_a": f"e{prefix}-a-{tag}", "ns_b": f"e{prefix}-b-{tag}", "va": f"{prefix}a{tag}", "vb": f"{prefix}b{tag}"}
    try:
        for ns in (net["ns_a"], net["ns_b"]):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", net["va"], "mtu", "2304", "type", "veth", "peer", "name", net["vb"], "mtu", "2304")
        for ns, dev in ((net["ns_a"], net["va"]), (net["ns_b"], net["vb"])):
            sh("ip", "link", "set", dev, "netns", ns)
            sh("ip", "-n", ns, "link", "set", dev, "up")
        yield net
    finally:
        for ns in (net["ns_a"], net["ns_b"]):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", net["va"]], capture_output=True)  # if it never moved
