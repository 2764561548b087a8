# Bench-only callback (not part of the collection): where the CPU of a playbook run goes, task by task.
from __future__ import annotations

DOCUMENTATION = """
name: bench_task_cpu
type: aggregate
short_description: CPU of ansible-playbook and of its workers per task (bench/run.py profile)
description:
  - At each task start, records wall time, the CPU of the ansible-playbook process (RUSAGE_SELF) and of the
    processes it has reaped (RUSAGE_CHILDREN, i.e. the forked workers and their module processes), and attributes
    the deltas to the task that ran since. Finished workers are reaped first (multiprocessing.active_children), so
    a task's workers are counted with that task. Meaningful with the linear strategy, where tasks do not overlap.
  - Writes JSON to the file named by BENCH_TASK_CPU_OUT at the end of the run.
  - BENCH_PRELOAD (comma-separated module names) imports those modules into ansible-playbook when the callback
    loads, to measure what a heavier parent process costs each forked worker.
requirements: [enable in ANSIBLE_CALLBACKS_ENABLED, BENCH_TASK_CPU_OUT set]
"""

import importlib
import json
import multiprocessing
import os
import resource
import sys
import time

from ansible.plugins.callback import CallbackBase


def _cpu(usage):
    return usage.ru_utime + usage.ru_stime


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_task_cpu"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in filter(None, os.environ.get("BENCH_PRELOAD", "").split(",")):
            importlib.import_module(name)
        self._out = os.environ.get("BENCH_TASK_CPU_OUT")
        self._records = []
        self._current = None
        self._mark = self._sample()
        self._open("(start: inventory, playbook parsing)", "", "")

    @staticmethod
    def _sample():
        multiprocessing.active_children()  # reap finished workers so their CPU is in RUSAGE_CHILDREN now
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.monotonic(), _cpu(own), _cpu(kids), kids.ru_minflt

    def _close(self):
        if self._current is None:
            return
        now = self._sample()
        self._current.update(
            wall_s=now[0] - self._mark[0],
            main_cpu_s=now[1] - self._mark[1],
            workers_cpu_s=now[2] - self._mark[2],
            workers_minor_faults=now[3] - self._mark[3],
        )
        self._records.append(self._current)
        self._mark = now
        self._current = None

    def _open(self, name, action, path):
        self._close()
        self._current = {"task": name, "action": action, "path": path, "ok": 0, "changed": 0, "skipped": 0,
                         "failed": 0}

    def _task(self, task):
        role = task._role.get_name() if getattr(task, "_role", None) else ""
        name = task.get_name().strip()
        self._open(f"{role} : {name}" if role and not name.startswith(role) else name, task.action,
                   task.get_path() or "")

    def v2_playbook_on_play_start(self, play):
        self._open(f"(play start: {play.get_name().strip()})", "", "")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._task(task)

    def _count(self, key, result):
        if self._current is not None:
            self._current[key] += 1
            if key == "ok" and result._result.get("changed"):
                self._current["changed"] += 1

    def v2_runner_on_ok(self, result):
        self._count("ok", result)

    def v2_runner_on_skipped(self, result):
        self._count("skipped", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count("failed", result)

    def v2_runner_on_unreachable(self, result):
        self._count("failed", result)

    def v2_playbook_on_stats(self, stats):
        self._open("(end: stats)", "", "")
        self._close()
        if not self._out:
            return
        with open(self._out, "w") as fh:
            json.dump({"tasks": self._records, "modules_in_parent": len(sys.modules),
                       "kubernetes_in_parent": "kubernetes" in sys.modules,
                       "parent_pid": os.getpid()}, fh)
