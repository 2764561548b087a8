# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the values of an upgrade of a deployed release: the deployed values (converted when crossing 0.20)
are the base, the hardened values of the target version go over them, the operator's values last; then
everything is checked like any other values, plus what vcluster cannot change in place. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.dialect_keys import (
    all_legacy_top_level_keys,
    all_modern_top_level_keys,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import warning
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.legacy_conversion import convert_legacy_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.modern_moves import move_modern_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.upgrade_checks import check_upgrade
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path, merge_values


def plan_upgrade(previous_values, previous_version, previous_distro, new_version, user_values):
    """The base values for an upgrade and the user's values, converted where needed.

    Returns ``(base, user_values, refused, migration)``; ``migration`` is ``{converted, refused, notes}``.
    ``previous_version``/``new_version`` are parsed tuples.
    """
    previous_distro = previous_distro or dialects.default_distro(previous_version)
    old_dialect, new_dialect = dialects.dialect_for(previous_version), dialects.dialect_for(new_version)
    refused, notes = [], []
    converted = False
    base = copy.deepcopy(previous_values or {})
    user_values = copy.deepcopy(user_values or {})
    if old_dialect == dialects.LEGACY and new_dialect == dialects.MODERN:
        converted = True
        base, refused, notes = convert_legacy_values(base, previous_distro, new_version, "previous_values.")
        legacy_keys = set(user_values) & all_legacy_top_level_keys()
        modern_keys = set(user_values) & all_modern_top_level_keys()
        if legacy_keys and not modern_keys:
            # The deployed values hold the user's values merged last, so converting both together keeps
            # what the user set; the converted result becomes part of the base.
            base, refused, notes = convert_legacy_values(
                merge_values(previous_values or {}, user_values), previous_distro, new_version, "previous_values."
            )
            user_values = {}
            notes.append(
                f"values: given in the legacy format and converted for chart {dialects.version_text(new_version)} "
                "together with the deployed values; update vcluster_values to the unified format"
            )
    elif old_dialect == dialects.MODERN and new_dialect == dialects.MODERN:
        base, refused, notes = move_modern_values(base, previous_version, new_version, "previous_values.")
        legacy_keys = set(user_values) & all_legacy_top_level_keys()
        if legacy_keys and not set(user_values) & all_modern_top_level_keys():
            # Still the inventory's values from before the upgrade across 0.20, which converted them into the
            # deployed values: do not apply them again, but say so.
            user_values = {}
            refused.append(
                warning(
                    "values-dialect",
                    "values",
                    "values are in the legacy (< 0.20) format ({}) and were ignored: the release already runs the "
                    "unified chart, so they were converted when it crossed 0.20. Rewrite vcluster_values in the "
                    "unified format".format(", ".join(sorted(legacy_keys))),
                )
            )
    migration = {
        "converted": converted,
        "refused": [f for f in refused if f["id"] == "migration-refused"],
        "notes": notes,
    }
    return base, user_values, refused, migration


def deployed_distro(version, values):
    """The distro of a deployed release from its values: the enabled ``controlPlane.distro.*`` (0.20+), else the
    version's default (legacy: k3s; pass the distro of legacy k8s/k0s/eks charts explicitly)."""
    if dialects.dialect_for(version) == dialects.MODERN:
        for distro in dialects.DISTROS:
            if get_path(values or {}, f"controlPlane.distro.{distro}.enabled") is True:
                return distro
    return dialects.default_distro(version)


def render_upgrade(previous_values, previous_chart_version, previous_distro=None, **render_kwargs):
    """``render_values`` for an upgrade of a deployed release -> ``(values, findings, meta, migration)``.

    The deployed values (converted when crossing 0.20) are the base, the hardened values of the target version
    go over them, and the user's ``values`` are merged last; then the whole is checked like any other values,
    and ``check_upgrade`` adds what vcluster cannot change in place. ``render_kwargs`` are ``render_values``'s.
    """
    migration = {"converted": False, "refused": [], "notes": []}
    old_version, findings = dialects.check_version(previous_chart_version, "previous_chart_version")
    new_version = dialects.parse_version(render_kwargs.get("chart_version"))
    if old_version is None or new_version is None or not dialects.is_supported_version(new_version):
        values, more, meta = render_values(**render_kwargs)
        return values, findings + more, meta, migration
    previous_distro = previous_distro or deployed_distro(old_version, previous_values)
    findings += dialects.check_distro(old_version, previous_distro, "previous_distro")
    base, user_values, refused, migration = plan_upgrade(
        previous_values, old_version, previous_distro, new_version, render_kwargs.get("values")
    )
    first = dict(render_kwargs, values=user_values)
    hardened, first_findings, meta = render_values(**first)
    if not meta.get("dialect"):
        # The target cannot be rendered (e.g. its distro is gone): still say why the upgrade cannot happen.
        target_distro = render_kwargs.get("distro") or dialects.default_distro(new_version)
        refusals = check_upgrade(old_version, previous_distro, previous_values, new_version, target_distro, {})
        findings += [f for f in refusals if f["path"] in ("distro", "chart_version")]
        return hardened, findings + first_findings, meta, migration
    second = dict(render_kwargs, values=merge_values(base, hardened), checked_values=user_values)
    values, second_findings, meta = render_values(**second)
    findings += refused + second_findings
    findings += check_upgrade(old_version, previous_distro, previous_values, new_version, meta["distro"], values)
    return values, findings, meta, migration
