"""Run one container of a pod as a host process, the way the kubelet would have run it (the part vcluster needs).

``enter(spec)`` runs as root inside a fresh mount and UTS namespace (``unshare --mount --uts --propagation
private``) that has already joined the pod's network namespace. It builds the container's root filesystem on a
tmpfs (the host's ``/usr``, ``/etc``, ``/lib*``, ``/bin``, ``/sbin`` read-only, fresh ``/proc`` and ``/sys``, the
host's ``/dev``, and the pod's volumes at their mount paths), chroots into it, sets the host name to the pod name,
takes the container's user, group, ``allowPrivilegeEscalation: false`` (no_new_privs) and
``readOnlyRootFilesystem``, and executes the container's command with its environment. Nothing is mounted in the
host's namespace: the mounts die with the last process of the container.

The spec (JSON, written by hack/vcluster-syncer) has: ``root`` (an empty directory used as the mount point of the
new root), ``mounts`` (``[{source, target, readonly, file}]``), ``command``, ``env``, ``workdir``, ``hostname``,
``uid``, ``gid``, ``groups``, ``no_new_privs``, ``read_only_root``.
"""

import ctypes
import json
import os
import socket
import subprocess
import sys

SYSTEM_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc")
PR_SET_NO_NEW_PRIVS = 38


def _mount(*args):
    proc = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise OSError(f"mount {' '.join(args)}: {proc.stderr.strip()}")


def _bind(source, target, readonly, file=False):
    if file:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            with open(target, "w"):
                pass
    else:
        os.makedirs(target, exist_ok=True)
    _mount("--bind", source, target)
    if readonly:
        _mount("-o", "remount,bind,ro", target)


def build_root(spec):
    root = spec["root"]
    _mount("-t", "tmpfs", "-o", "mode=0755,size=64m", "tmpfs", root)
    for name in SYSTEM_DIRS:
        host = "/" + name
        if os.path.islink(host):
            os.symlink(os.readlink(host), os.path.join(root, name))
        elif os.path.isdir(host):
            _bind(host, os.path.join(root, name), readonly=True)
    os.makedirs(os.path.join(root, "dev"))
    _mount("--rbind", "/dev", os.path.join(root, "dev"))
    os.makedirs(os.path.join(root, "proc"))
    _mount("-t", "proc", "proc", os.path.join(root, "proc"))
    os.makedirs(os.path.join(root, "sys"))
    _mount("-t", "sysfs", "-o", "ro", "sysfs", os.path.join(root, "sys"))
    for m in sorted(spec["mounts"], key=lambda m: m["target"].count("/")):
        _bind(m["source"], os.path.join(root, m["target"].lstrip("/")), m.get("readonly", False), m.get("file", False))
    if spec.get("read_only_root"):  # readOnlyRootFilesystem: the volumes stay writable, the rest does not
        _mount("-o", "remount,ro", root)


def drop_privileges(spec):
    if spec.get("groups") is not None:
        os.setgroups(spec["groups"])
    os.setgid(spec["gid"])
    os.setuid(spec["uid"])
    if spec.get("no_new_privs"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")


def enter(spec_path):
    with open(spec_path) as fh:
        spec = json.load(fh)
    build_root(spec)
    os.chroot(spec["root"])
    os.chdir(spec.get("workdir") or "/")
    socket.sethostname(spec["hostname"])
    drop_privileges(spec)
    command = spec["command"]
    os.execve(command[0], command, spec["env"])


if __name__ == "__main__":
    try:
        enter(sys.argv[1])
    except Exception as exc:
        sys.stderr.write(f"[pod-sandbox] error: {type(exc).__name__}: {exc}\n")
        sys.exit(127)
