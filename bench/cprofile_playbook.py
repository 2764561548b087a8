"""Run ansible-playbook under cProfile, the parent process and every forked worker each in a profile of its own.

    python bench/cprofile_playbook.py OUT_DIR ansible-playbook-args...

Writes OUT_DIR/main.prof (ansible-playbook: parsing, variable manager, strategy, callbacks) and
OUT_DIR/worker-<pid>.prof for each worker (TaskExecutor: templating, conditionals, the action plugin, module
processes seen from the worker). A worker is forked from the profiled parent, so it first stops the inherited
profiler and profiles its own run from a clean start.
"""

from __future__ import annotations

import cProfile
import os
import sys
import time


def main() -> int:
    out_dir, argv = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    parent = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared

    from ansible.executor.process import worker

    original_run = worker.WorkerProcess.run

    def profiled_run(self):
        parent.disable()  # the copy of the parent's profiler this fork inherited
        own = cProfile.Profile(time.process_time)
        own.enable()
        try:
            return original_run(self)
        finally:
            own.disable()
            own.dump_stats(os.path.join(out_dir, f"worker-{os.getpid()}.prof"))

    worker.WorkerProcess.run = profiled_run
    from ansible.cli.playbook import main as playbook_main

    sys.argv = ["ansible-playbook", *argv]
    parent.enable()
    try:
        playbook_main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        parent.disable()
        parent.dump_stats(os.path.join(out_dir, "main.prof"))
    return code


if __name__ == "__main__":
    sys.exit(main())
