# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one tenancy.vcluster.vcluster_values task computes (pure logic, no I/O).

Shared by the module (which runs it wherever the task runs) and its action plugin (which runs it inside the
controller's worker process when the task runs locally, without starting a module process). The caller reads
the chart's schema file and handles ``dest``.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import has_errors, summary, warnings_of
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.migrate import render_upgrade
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import yaml

DISTROS = ["k8s", "k3s", "k0s", "eks"]

REQUIRED_BY = {"previous_values": "previous_chart_version"}

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
)


def argument_spec():
    return dict(
        name=dict(type="str", required=True),
        namespace=dict(type="str", required=True),
        chart_version=dict(type="str", required=True),
        distro=dict(type="str", choices=DISTROS),
        profile=dict(type="str", choices=["restricted", "baseline"], default="restricted"),
        run_as_user=dict(type="int", default=12345),
        run_as_group=dict(type="int", default=12345),
        fs_group=dict(type="int", default=12345),
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
                type=dict(type="str", choices=["ClusterIP", "LoadBalancer", "NodePort"], default="ClusterIP"),
                extra_sans=dict(type="list", elements="str"),
                load_balancer_source_ranges=dict(type="list", elements="str"),
            ),
        ),
        values=dict(type="dict", default={}),
        schema=dict(type="path"),
        telemetry=dict(type="bool", default=False),
        strict=dict(type="bool", default=True),
        dest=dict(type="path"),
        diff_against=dict(type="dict"),
        previous_values=dict(type="dict"),
        previous_chart_version=dict(type="str"),
        previous_distro=dict(type="str", choices=DISTROS),
    )


class _NoAliasDumper(yaml.SafeDumper if yaml else object):
    """Plain YAML without anchors/aliases (Helm users read and diff this file)."""

    def ignore_aliases(self, data):
        return True


def to_yaml(values):
    return yaml.dump(values, Dumper=_NoAliasDumper, default_flow_style=False, sort_keys=True)


class ValuesTaskResult:
    """The task's result dict, the warnings to show and, when it must fail, the failure message."""

    def __init__(self, result, warnings, failure=None):
        self.result = result
        self.warnings = warnings
        self.failure = failure


def evaluate(params, schema=None, with_diff=False):
    """Render and check the values of validated ``params``; ``schema`` is the chart's parsed values.schema.json.

    Raises ImportError when ``schema`` is given and jsonschema is missing. ``dest`` is left to the caller.
    """
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

    values_yaml = to_yaml(values)
    result = dict(
        changed=False,
        values=values,
        values_yaml=values_yaml,
        dialect=meta["dialect"],
        chart=meta["chart"],
        distro=meta["distro"],
        findings=findings,
    )
    if migration is not None:
        result["migration"] = migration
    warnings = [f"[{finding['id']}] {finding['path']}: {finding['message']}" for finding in warnings_of(findings)]
    if params.get("strict", True) and has_errors(findings):
        return ValuesTaskResult(
            result, warnings, f"vcluster values for {params['name']} are not acceptable: {summary(findings)}"
        )
    if not params.get("dest") and params.get("diff_against") is not None:
        result.update(drift_from(params["diff_against"], values, values_yaml, with_diff))
    return ValuesTaskResult(result, warnings)


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
