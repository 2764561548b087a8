"""What one command costs: wall time, CPU of its whole process tree, memory as PSS, when its first error came.

CPU is the delta of ``getrusage(RUSAGE_CHILDREN)`` around a child the bench waits for: the kernel adds a process's
user and system time to its parent's "children" account when the parent reaps it, so the delta holds every process
of the tree that was waited for (ansible-playbook reaps its forked workers, the workers their module processes,
the modules their helm). Nothing else may be reaped by the bench while a measured command runs; the bench's other
children (the syncer stand-in) live for the whole run and are reaped only at its end.

Memory is PSS (proportional set size, ``/proc/<pid>/smaps_rollup``) summed over the tree and sampled: a page shared
by k processes counts 1/k in each, so copy-on-write pages that forked workers share with ``ansible-playbook`` are
counted once in total, where a sum of RSS counts them once per process.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FIRST_ERROR = re.compile(r"^(fatal|failed): \[|^ERROR! ")


# ---------------------------------------------------------------------------------------------- /proc
def _parent_map() -> dict[int, list[int]]:
    """pid -> child pids, for every process of the machine (one pass over /proc)."""
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def process_tree(root: int) -> list[int]:
    kids, tree, todo = _parent_map(), [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(kids.get(pid, []))
    return tree


def _rollup_kib(pid: int) -> dict[str, int]:
    """Pss and Rss of one process in KiB (empty when it is gone)."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                key, _sep, rest = line.partition(":")
                if key in ("Pss", "Rss"):
                    out[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return out


def tree_memory_kib(root: int) -> tuple[int, int, int]:
    """(PSS sum, RSS sum, process count) of ``root`` and its descendants."""
    pss = rss = count = 0
    for pid in process_tree(root):
        mem = _rollup_kib(pid)
        if mem:
            pss += mem.get("Pss", 0)
            rss += mem.get("Rss", 0)
            count += 1
    return pss, rss, count


class MemorySampler(threading.Thread):
    """Samples the tree's PSS (and, for comparison, its RSS sum) until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.3):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_pss_kib = self.peak_rss_kib = self.peak_procs = self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pss, rss, count = tree_memory_kib(self.pid)
            self.peak_pss_kib, self.peak_rss_kib = max(self.peak_pss_kib, pss), max(self.peak_rss_kib, rss)
            self.peak_procs = max(self.peak_procs, count)
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)


# ---------------------------------------------------------------------------------------------- one command
@dataclass
class Measured:
    rc: int
    seconds: float
    cpu_user: float
    cpu_sys: float
    minor_faults: int
    output: str
    first_error_s: float | None = None
    peak_pss_mib: float | None = None
    peak_rss_sum_mib: float | None = None
    peak_procs: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def cpu(self) -> float:
        return self.cpu_user + self.cpu_sys

    def summary(self, n: int = 1) -> dict:
        out = {
            "seconds": round(self.seconds, 2),
            "cpu_s": round(self.cpu, 2),
            "cpu_user_s": round(self.cpu_user, 2),
            "cpu_sys_s": round(self.cpu_sys, 2),
            "s_per_tenant": round(self.seconds / n, 3),
            "cpu_s_per_tenant": round(self.cpu / n, 3),
            "minor_faults": self.minor_faults,
        }
        if self.peak_pss_mib is not None:
            out.update(pss_mib=self.peak_pss_mib, rss_sum_mib=self.peak_rss_sum_mib, peak_procs=self.peak_procs)
        if self.first_error_s is not None:
            out["first_error_s"] = round(self.first_error_s, 2)
        return {**out, **self.extra}


class CpuWindow:
    """CPU (user, sys, minor faults) of every child reaped between ``start()`` and ``stop()``."""

    def start(self) -> CpuWindow:
        self._before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._t0 = time.monotonic()
        return self

    def stop(self) -> tuple[float, float, float, int]:
        seconds = time.monotonic() - self._t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (seconds, after.ru_utime - self._before.ru_utime, after.ru_stime - self._before.ru_stime,
                after.ru_minflt - self._before.ru_minflt)


def run_measured(cmd: list[str], env: dict[str, str], *, cwd: str | None = None, timeout: float = 3600,
                 memory: bool = True, on_line: Callable[[str], None] | None = None) -> Measured:
    """Run ``cmd`` to its end and measure it; its output (stdout + stderr) is kept line by line."""
    window = CpuWindow().start()
    proc = subprocess.Popen(cmd, env={**env, "PYTHONUNBUFFERED": "1"}, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    sampler = MemorySampler(proc.pid) if memory else None
    if sampler:
        sampler.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    lines, first_error = [], None
    try:
        for line in proc.stdout:
            if first_error is None and FIRST_ERROR.search(line):
                first_error = time.monotonic() - window._t0
            lines.append(line)
            if on_line:
                on_line(line)
        proc.wait()
    finally:
        killer.cancel()
        if sampler:
            sampler.stop()
    seconds, user, system, faults = window.stop()
    result = Measured(proc.returncode, seconds, user, system, faults, "".join(lines), first_error)
    if sampler:
        result.peak_pss_mib = round(sampler.peak_pss_kib / 1024, 1)
        result.peak_rss_sum_mib = round(sampler.peak_rss_kib / 1024, 1)
        result.peak_procs = sampler.peak_procs
    return result


def process_cpu_seconds(pid: int) -> float:
    """user + system seconds a running process has used so far (``/proc/<pid>/stat``; 0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0
