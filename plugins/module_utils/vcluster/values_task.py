# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one tenancy.vcluster.vcluster_values task computes (pure logic, no I/O).

Shared by the module (which runs it wherever the task runs) and its action plugin (which runs it inside the
controller's worker process when the task runs locally, without starting a module process). The caller reads
the chart's schema file and handles ``dest``.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.allowed import apply_allow, normalize_allow
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import (
    BOUNDARY_FINDING_IDS,
    has_errors,
    summary,
    warnings_of,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.options import (
    DEFAULT_ID,
    DISTROS,
    EXPOSE_TYPES,
    PROFILES,
    VIRTUAL_POD_SECURITY_LEVELS,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.secrets import mask_data, secret_strings
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.upgrade import render_upgrade
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import values_digest
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import to_yaml

REQUIRED_BY = {"previous_values": "previous_chart_version"}
MUTUALLY_EXCLUSIVE = [
    ["previous_values", "previous_values_file"],
    ["previous_chart", "previous_chart_version"],
    ["previous_chart", "previous_distro"],
]

RENDER_OPTIONS = (
    "name",
    "namespace",
    "chart_version",
    "distro",
    "profile",
    "run_as_user",
    "run_as_group",
    "fs_group",
    "read_only_root_filesystem",
    "image_registry",
    "distro_image",
    "isolation",
    "map_services",
    "expose",
    "values",
    "telemetry",
    "virtual_pod_security",
)


def argument_spec():
    return dict(
        name=dict(type="str", required=True),
        namespace=dict(type="str", required=True),
        chart_version=dict(type="str", required=True),
        distro=dict(type="str", choices=list(DISTROS)),
        profile=dict(type="str", choices=list(PROFILES), default="restricted"),
        virtual_pod_security=dict(type="str", choices=list(VIRTUAL_POD_SECURITY_LEVELS)),
        run_as_user=dict(type="int", default=DEFAULT_ID),
        run_as_group=dict(type="int", default=DEFAULT_ID),
        fs_group=dict(type="int", default=DEFAULT_ID),
        read_only_root_filesystem=dict(type="bool", default=True),
        image_registry=dict(type="str"),
        distro_image=dict(type="str"),
        isolation=dict(
            type="dict",
            options=dict(
                enabled=dict(type="bool", default=True),
                resource_quota=dict(type="raw"),
                limit_range=dict(type="raw"),
                network_policy=dict(type="raw"),
                extra_egress_cidrs=dict(type="list", elements="str"),
            ),
        ),
        map_services=dict(
            type="dict",
            options=dict(
                from_host=dict(type="list", elements="dict"),
                to_host=dict(type="list", elements="dict"),
            ),
        ),
        expose=dict(
            type="dict",
            options=dict(
                type=dict(type="str", choices=list(EXPOSE_TYPES), default="ClusterIP"),
                extra_sans=dict(type="list", elements="str"),
                load_balancer_source_ranges=dict(type="list", elements="str"),
            ),
        ),
        values=dict(type="dict", default={}),
        allow=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                id=dict(type="str", required=True, choices=list(BOUNDARY_FINDING_IDS)),
                reason=dict(type="str", required=True),
            ),
        ),
        secret_paths=dict(type="list", elements="str", default=[], no_log=False),
        schema=dict(type="path"),
        telemetry=dict(type="bool", default=False),
        strict=dict(type="bool", default=True),
        dest=dict(type="path"),
        diff_against=dict(type="dict"),
        previous_values=dict(type="dict"),
        previous_values_file=dict(type="path"),
        previous_chart=dict(type="str"),
        previous_chart_version=dict(type="str"),
        previous_distro=dict(type="str", choices=list(DISTROS)),
    )


class ValuesTaskResult:
    """The task's result dict (secrets masked), the warnings to show, the failure message when it must fail, and
    the real values as YAML for ``dest`` (never part of the result)."""

    def __init__(self, result, warnings, failure=None, values_yaml=""):
        self.result = result
        self.warnings = warnings
        self.failure = failure
        self.values_yaml = values_yaml


def evaluate(params, schema=None, with_diff=False):
    """Render and check the values of validated ``params``; ``schema`` is the chart's parsed values.schema.json.

    ``params["previous_values"]`` holds the deployed values for an upgrade (the caller reads
    ``previous_values_file`` into it). Raises ImportError when ``schema`` is given and jsonschema is missing.
    ``dest`` is left to the caller.
    """
    params, problem = _previous_release(params)
    if problem:
        return ValuesTaskResult({"changed": False, "findings": []}, [], problem)
    render_kwargs = {option: params.get(option) for option in RENDER_OPTIONS}
    migration = None
    if params.get("previous_chart_version"):
        values, findings, meta, migration = render_upgrade(
            params.get("previous_values") or {},
            params["previous_chart_version"],
            params.get("previous_distro"),
            **render_kwargs,
        )
    else:
        values, findings, meta = render_values(**render_kwargs)
    if schema is not None and meta["dialect"]:
        if not schema_utils.HAS_JSONSCHEMA:
            raise ImportError("jsonschema")
        findings += schema_utils.validate_values(values, schema, params["chart_version"])
    entries, problems = normalize_allow(params.get("allow"))
    findings, allowed = apply_allow(findings + problems, entries)

    secrets = secret_strings(
        values,
        params.get("previous_values") or {},
        params.get("values") or {},
        extra_paths=params.get("secret_paths") or (),
    )
    masked = mask_data(values, secrets)
    findings = mask_data(findings, secrets)
    result = dict(
        changed=False,
        values=masked,
        values_yaml=to_yaml(masked),
        values_digest=values_digest(values),
        dialect=meta["dialect"],
        chart=meta["chart"],
        distro=meta["distro"],
        findings=findings,
        allowed=allowed,
    )
    if migration is not None:
        result["migration"] = mask_data(migration, secrets)
    warnings = [f"[{finding['id']}] {finding['path']}: {finding['message']}" for finding in warnings_of(findings)]
    if params.get("strict", True) and has_errors(findings):
        return ValuesTaskResult(
            result, warnings, f"vcluster values for {params['name']} are not acceptable: {summary(findings)}"
        )
    if params.get("diff_against") is not None:
        result.update(drift_from(mask_data(params["diff_against"], secrets), masked, result["values_yaml"], with_diff))
    return ValuesTaskResult(result, warnings, values_yaml=to_yaml(values))


def _previous_release(params):
    """``params`` with the previous chart version and distro taken from ``previous_chart`` (a Helm ``chart`` label
    such as ``vcluster-k8s-0.19.10``), and the failure message when the upgrade options do not fit together."""
    if params.get("previous_chart"):
        label = dialects.parse_chart_label(params["previous_chart"])
        if label["version"] is None:
            return params, (
                f"previous_chart {params['previous_chart']!r} is not a Helm chart label <chart>-<version> such as "
                "vcluster-0.36.1 or vcluster-k8s-0.19.10 (the chart field of the deployed release)"
            )
        params = dict(params, previous_chart_version=label["version"], previous_distro=label["distro"])
    if params.get("previous_values_file") and not params.get("previous_chart_version"):
        return params, "previous_values_file needs previous_chart or previous_chart_version (the deployed chart)"
    return dict(params, distro=_kept_distro(params)), None


def _kept_distro(params):
    """The distro an upgrade runs: the one given, else the deployed release's while the new chart still ships it
    (vcluster cannot change the distro in place), else the new version's default."""
    if params.get("distro") or not params.get("previous_chart_version") or not params.get("previous_distro"):
        return params.get("distro")
    version = dialects.parse_version(params.get("chart_version") or "")
    if not version or not dialects.is_supported_version(version):
        return None
    kept = params["previous_distro"]
    if version >= dialects.FIRST_MODERN:
        kept = dialects.modern_distro(kept)
    return kept if dialects.distro_available(kept, version) else None


def masked(data, params):
    """``data`` (values) with the secrets of it and of the task's values masked."""
    secrets = secret_strings(
        data,
        params.get("previous_values") or {},
        params.get("values") or {},
        extra_paths=params.get("secret_paths") or (),
    )
    return mask_data(data, secrets)


def drift_from(deployed, values, values_yaml, with_diff):
    """changed (and the diff) of the rendered values against values already deployed, e.g. a Helm release's."""
    drift = {"changed": deployed != values}
    if drift["changed"] and with_diff:
        drift["diff"] = {
            "before": to_yaml(deployed),
            "after": values_yaml,
            "before_header": "deployed release values",
            "after_header": "new release values",
        }
    return drift
