# Bench-only stdout callback (not part of the collection): prints the failures and the recap, nothing per task, to
# measure what the default stdout callback costs (bench/run.py profile).
from __future__ import annotations

DOCUMENTATION = """
name: bench_silent
type: stdout
short_description: failures and the recap only (bench/run.py profile)
description:
  - Prints nothing for tasks that run, skip or change; prints each failure and the play recap.
"""

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "bench_silent"

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not ignore_errors:
            self._display.display(f"fatal: [{result._host.get_name()}]: {result._result.get('msg', '')}")

    def v2_runner_on_unreachable(self, result):
        self._display.display(f"fatal: [{result._host.get_name()}]: UNREACHABLE {result._result.get('msg', '')}")

    def v2_playbook_on_stats(self, stats):
        for host in sorted(stats.processed):
            s = stats.summarize(host)
            self._display.display(f"{host} : ok={s['ok']} changed={s['changed']} unreachable={s['unreachable']} "
                                  f"failed={s['failures']}")
