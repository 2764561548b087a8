# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: vcluster_table
short_description: Format vcluster records as an aligned text table
version_added: 0.1.0
author: tenancy.vcluster maintainers (@tenancy)
description:
  - Turns the C(vclusters) list returned by M(tenancy.vcluster.vcluster_info) into a text table with the columns
    NAME, NAMESPACE, STATUS, VERSION, DISTRO, READY, RANCHER and KUBECONFIG, one row per vcluster, like
    C(vcluster list) prints it.
  - STATUS shows the reason in parentheses when there is one, for example C(Failed (CrashLoopBackOff)).
  - Missing values are shown as O(empty).
options:
  _input:
    description: The records, as returned in C(vclusters) by M(tenancy.vcluster.vcluster_info).
    type: list
    elements: dict
    required: true
  empty:
    description: What to print for a missing value.
    type: str
    default: "-"
"""

EXAMPLES = r"""
- name: List the vclusters
  tenancy.vcluster.vcluster_info:
  register: fleet

- name: Print them as a table, one line per vcluster
  ansible.builtin.debug:
    msg: "{{ (fleet.vclusters | tenancy.vcluster.vcluster_table).splitlines() }}"
"""

RETURN = r"""
_value:
  description: The table, lines separated by newlines, header first; only the header when there are no records.
  type: str
  sample: |-
    NAME      NAMESPACE  STATUS   VERSION  DISTRO  READY  RANCHER  KUBECONFIG
    tenant-a  team-a     Running  0.36.1   k8s     1/1    c-m-abc  vc-tenant-a
"""

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

COLUMNS = (
    ("NAME", "name"),
    ("NAMESPACE", "namespace"),
    ("STATUS", "status"),
    ("VERSION", "version"),
    ("DISTRO", "distro"),
    ("READY", "ready"),
    ("RANCHER", "rancher_cluster_id"),
    ("KUBECONFIG", "kubeconfig_secret"),
)
COLUMN_GAP = "  "


def status_text(record):
    status = record.get("status")
    reason = record.get("status_reason")
    if status and reason and reason != status:
        return f"{status} ({reason})"
    return status


def row_of(record, empty):
    values = []
    for _header, key in COLUMNS:
        value = status_text(record) if key == "status" else record.get(key)
        values.append(empty if value is None or value == "" else str(value))
    return values


def format_table(rows):
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = [COLUMN_GAP.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def vcluster_table(records, empty="-"):
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise AnsibleFilterError(
            "vcluster_table expects the list in 'vclusters' returned by tenancy.vcluster.vcluster_info, "
            f"got {type(records).__name__}"
        )
    rows = [[header for header, _key in COLUMNS]]
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise AnsibleFilterError(
                f"vcluster_table: item {index} is a {type(record).__name__}, expected a vcluster record (dict)"
            )
        rows.append(row_of(record, empty))
    return format_table(rows)


class FilterModule(object):
    def filters(self):
        return {"vcluster_table": vcluster_table}
