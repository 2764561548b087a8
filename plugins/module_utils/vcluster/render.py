# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render hardened vcluster chart values and check what the chart would really run.

``render_values`` builds the hardened values for the chart version's dialect (hardening.py), merges the operator's
``values`` last (Helm semantics), then computes the *effective* values the chart would see (chart defaults +
hardened values + user values, with Helm's "null deletes" rule) and runs every check on them: names, the values
format, quotas, and the Pod Security check of the pods the chart would run (components.py). User values are never
changed: a weakening override is reported, not repaired. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects, naming
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.boundary import Context as BoundaryContext
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.boundary import (
    check_boundary,
    check_options_boundary,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.chart_defaults import chart_defaults
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.components import (
    check_component_pods,
    component_pods,
    etcd_deployed,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.dialect_keys import check_values_dialect
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.hardening import (
    legacy_hardened_values,
    modern_hardened_values,
    option_value_paths,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.input_checks import (
    check_option_inputs,
    check_quotas,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.options import DEFAULT_ID, RenderOptions
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import (
    coalesce_values,
    get_path,
    has_path,
    merge_values,
)


def render_values(
    name,
    namespace,
    chart_version,
    distro=None,
    profile="restricted",
    run_as_user=DEFAULT_ID,
    run_as_group=DEFAULT_ID,
    fs_group=DEFAULT_ID,
    read_only_root_filesystem=True,
    image_registry=None,
    distro_image=None,
    isolation=None,
    map_services=None,
    expose=None,
    values=None,
    telemetry=False,
    virtual_pod_security=None,
    checked_values=None,
):
    """Hardened values for one vcluster -> ``(values, findings, meta)``.

    ``meta`` is ``{dialect, chart, distro}`` (None where the version/distro is unusable). All findings
    of the call are returned together; ``values`` is ``{}`` when the version or distro is unusable.
    ``checked_values`` are the values the boundary policy reads (default: ``values``); an upgrade passes the
    operator's values there, not the deployed ones it merges under them.
    """
    opts = RenderOptions(
        name=name,
        namespace=namespace,
        profile=profile,
        run_as_user=run_as_user,
        run_as_group=run_as_group,
        fs_group=fs_group,
        read_only_root_filesystem=read_only_root_filesystem,
        image_registry=image_registry,
        distro_image=distro_image,
        isolation=isolation,
        map_services=map_services,
        expose=expose,
        values=values,
        telemetry=telemetry,
        virtual_pod_security=virtual_pod_security,
    )
    meta = {"dialect": None, "chart": None, "distro": distro}
    version, findings = dialects.check_version(chart_version)
    findings += opts.findings + check_option_inputs(opts)
    findings += check_options_boundary(opts.isolation, opts.expose, opts.map_services, namespace)
    if version is None:
        return {}, naming.check_names(name, namespace) + findings, meta
    distro = distro or dialects.default_distro(version)
    meta["distro"] = distro
    distro_findings = dialects.check_distro(version, distro)
    findings = naming.check_names(name, namespace, etcd_deployed(version, distro, opts.values)) + findings
    if distro_findings:
        return {}, findings + distro_findings, meta
    meta.update({"dialect": dialects.dialect_for(version), "chart": dialects.chart_name(version, distro)})

    if meta["dialect"] == dialects.MODERN:
        hardened = modern_hardened_values(version, distro, opts)
    else:
        hardened = legacy_hardened_values(version, distro, opts)
    rendered = merge_values(hardened, opts.values)
    effective = coalesce_values(chart_defaults(version, distro), rendered)

    findings += check_values_dialect(opts.values, version, distro)
    findings += check_option_overrides(version, opts, hardened)
    findings += check_boundary(
        opts.values if checked_values is None else checked_values,
        hardened, meta["dialect"], BoundaryContext(namespace, opts.profile, opts.isolation)
    )
    findings += check_quotas(version, effective)
    chart_text = f"{meta['chart']} {dialects.version_text(version)}"
    pods = component_pods(version, distro, effective)
    findings += check_component_pods(pods, opts.profile, opts.values, chart_text)
    return rendered, findings, meta


def check_option_overrides(version, opts, hardened):
    """``option-conflict`` where ``values`` replace what an option the operator gave renders."""
    given = {
        "expose.type": opts.expose.get("type"),
        "expose.load_balancer_source_ranges": opts.expose.get("load_balancer_source_ranges"),
        "expose.extra_sans": opts.expose.get("extra_sans"),
        "map_services.from_host": opts.map_services.get("from_host"),
        "map_services.to_host": opts.map_services.get("to_host"),
        "isolation.extra_egress_cidrs": opts.isolation["extra_egress_cidrs"],
    }
    found = []
    for option, path in option_value_paths(version).items():
        if not given.get(option) or not has_path(opts.values, path):
            continue
        if get_path(opts.values, path) != get_path(hardened, path):
            found.append(
                error(
                    "option-conflict",
                    path,
                    f"values set {path}, which replaces what the option {option} renders there (Helm replaces "
                    f"lists and scalars), so the option would be lost. Set it in one place: the option {option}, "
                    f"or {path} in values without the option",
                )
            )
    return found
