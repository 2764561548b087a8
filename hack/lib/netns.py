"""Network namespaces for vcluster control planes on the local machine, and a loopback bridge into them.

One namespace per vcluster: ``vc-<tag>-<index>``, joined to the host by a veth pair ``vh<tag><index>`` (host side,
``<subnet>.1/30``) and ``eth0`` inside (``<subnet>.2/30``). The namespace has no default route, so nothing in it
reaches any address but its own and the host end of the pair. ``<tag>`` names the state dir that owns the
namespace, so two checkouts on one machine never touch each other's namespaces.

``LoopbackBridge`` makes a host port on 127.0.0.1 appear on 127.0.0.1 inside a namespace (the host's API server
for the syncer, which listens on loopback only): a listening socket created inside the namespace, whose
connections are relayed to the host's loopback by this process.
"""

import contextlib
import ctypes
import ipaddress
import json
import os
import re
import selectors
import socket
import subprocess
import threading

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"
_libc = ctypes.CDLL(None, use_errno=True)


class NetnsError(RuntimeError):
    pass


def run_ip(*args, check=True):
    proc = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise NetnsError(f"ip {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def host_ipv4_networks():
    """The IPv4 networks configured on any interface of the host's namespace."""
    out = run_ip("-j", "-4", "addr", "show").stdout
    nets = []
    for link in json.loads(out or "[]"):
        for addr in link.get("addr_info", []):
            nets.append(ipaddress.ip_network(f"{addr['local']}/{addr['prefixlen']}", strict=False))
    return nets


def subnet(cidr, index):
    """The INDEXth /30 of CIDR."""
    base = ipaddress.ip_network(cidr)
    if index < 0 or index >= base.num_addresses // 4:
        raise NetnsError(f"no /30 number {index} in {cidr}")
    return ipaddress.ip_network(f"{base.network_address + 4 * index}/30")


def addresses(cidr, index):
    """(host end, namespace end) addresses of the INDEXth /30 of CIDR."""
    net = subnet(cidr, index)
    return str(net.network_address + 1), str(net.network_address + 2)


class Namespaces:
    """The namespaces and veth pairs of one owner (state dir), named by TAG."""

    def __init__(self, tag, cidr):
        self.tag = tag
        self.cidr = cidr

    def name(self, index):
        return f"vc-{self.tag}-{index}"

    def host_link(self, index):
        return f"vh{self.tag}{index}"

    def path(self, index):
        return os.path.join(NETNS_DIR, self.name(index))

    def exists(self, index):
        return os.path.exists(self.path(index))

    def owned(self):
        """Indexes of the namespaces of this owner that exist now."""
        pattern = re.compile(rf"^vc-{re.escape(self.tag)}-(\d+)$")
        try:
            names = os.listdir(NETNS_DIR)
        except FileNotFoundError:
            return []
        return sorted(int(m.group(1)) for m in map(pattern.match, names) if m)

    def create(self, index):
        """Create namespace INDEX with its veth pair; idempotent. Returns (host end, namespace end)."""
        host_ip, ns_ip = addresses(self.cidr, index)
        name, hlink, peer = self.name(index), self.host_link(index), f"vp{self.tag}{index}"
        if not self.exists(index):
            run_ip("netns", "add", name)
        run_ip("-n", name, "link", "set", "lo", "up")
        if run_ip("link", "show", hlink, check=False).returncode != 0:
            run_ip("link", "add", hlink, "type", "veth", "peer", "name", peer)
            run_ip("link", "set", peer, "netns", name)
            run_ip("-n", name, "link", "set", peer, "name", "eth0")
        if ns_ip not in run_ip("-n", name, "-4", "-o", "addr", "show", "dev", "eth0").stdout:
            run_ip("-n", name, "addr", "add", f"{ns_ip}/30", "dev", "eth0")
        run_ip("-n", name, "link", "set", "eth0", "up")
        if host_ip not in run_ip("-4", "-o", "addr", "show", "dev", hlink).stdout:
            run_ip("addr", "add", f"{host_ip}/30", "dev", hlink)
        run_ip("link", "set", hlink, "up")
        return host_ip, ns_ip

    def pids(self, index):
        if not self.exists(index):
            return []
        out = run_ip("netns", "pids", self.name(index), check=False).stdout
        return [int(p) for p in out.split() if p.isdigit()]

    def delete(self, index):
        """Delete namespace INDEX and its veth pair (the caller has stopped every process in it)."""
        if self.exists(index):
            run_ip("netns", "delete", self.name(index))
        if run_ip("link", "show", self.host_link(index), check=False).returncode == 0:
            run_ip("link", "delete", self.host_link(index), check=False)


# ------------------------------------------------------------------------------------------ loopback bridge
def _in_netns(path, fn):
    """Run FN() in a short-lived thread that has joined the network namespace at PATH; return its result."""
    result = {}

    def work():
        fd = os.open(path, os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"setns({path}): {os.strerror(err)}")
        finally:
            os.close(fd)
        # This thread stays in the namespace and ends here; other threads are not affected.
        try:
            result["value"] = fn()
        except Exception as exc:
            result["error"] = exc

    thread = threading.Thread(target=work, name="setns", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _listen(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


class LoopbackBridge:
    """127.0.0.1:PORT inside the namespace at NETNS_PATH relays to 127.0.0.1:TARGET_PORT on the host."""

    def __init__(self, netns_path, port, target_port, log):
        self.port, self.target_port, self.log = port, target_port, log
        self.listener = _in_netns(netns_path, lambda: _listen("127.0.0.1", port))
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, name=f"bridge-{port}", daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.closed.is_set():
            try:
                conn, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
        except OSError as exc:
            self.log(f"bridge: 127.0.0.1:{self.target_port} refused a connection: {exc}")
            conn.close()
            return
        upstream.settimeout(None)
        sel = selectors.DefaultSelector()
        peers = {conn: upstream, upstream: conn}
        for sock in peers:
            sel.register(sock, selectors.EVENT_READ)
        open_ends = 2
        try:
            while open_ends and not self.closed.is_set():
                for key, _events in sel.select(timeout=1.0):
                    src = key.fileobj
                    try:
                        data = src.recv(65536)
                    except OSError:
                        data = b""
                    if data:
                        peers[src].sendall(data)
                        continue
                    sel.unregister(src)
                    open_ends -= 1
                    with contextlib.suppress(OSError):
                        peers[src].shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            sel.close()
            conn.close()
            upstream.close()

    def close(self):
        self.closed.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
