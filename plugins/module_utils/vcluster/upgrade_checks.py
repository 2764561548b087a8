# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What vcluster cannot change in a running release (``upgrade-refused``): the distro, the backing store,
root vs rootless, and downgrades across 0.20. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.chart_defaults import chart_defaults
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.conversion import truthy
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import coalesce_values, get_path


def backing_store(version, distro, values):
    """The backing store a release uses: database-embedded, database-external, etcd-embedded, etcd-deploy,
    etcd-external (legacy k3s/k0s: database-embedded unless embeddedEtcd; legacy k8s/eks: etcd-deploy)."""
    values = values or {}
    if dialects.dialect_for(version) == dialects.LEGACY:
        if truthy(get_path(values, "embeddedEtcd.enabled")):
            return "etcd-embedded"
        return "etcd-deploy" if dialects.legacy_layout(distro) == "k8s" else "database-embedded"
    store = "controlPlane.backingStore."
    for path, name in (
        ("database.external.enabled", "database-external"),
        ("etcd.external.enabled", "etcd-external"),
        ("etcd.deploy.enabled", "etcd-deploy"),
        ("etcd.embedded.enabled", "etcd-embedded"),
    ):
        if get_path(values, store + path) is True:
            return name
    return "database-embedded"


def runs_as_root(version, distro, values):
    """True when the syncer container runs as uid 0 (explicitly or by the chart default/image default)."""
    values = values or {}
    if dialects.dialect_for(version) == dialects.LEGACY:
        if dialects.legacy_layout(distro) == "k8s":
            container, pod = "syncer.securityContext", "syncer.podSecurityContext"
        else:
            container, pod = "securityContext", "podSecurityContext"
    else:
        container = "controlPlane.statefulSet.security.containerSecurityContext"
        pod = "controlPlane.statefulSet.security.podSecurityContext"
    user = get_path(values, container + ".runAsUser")
    if user is None:
        user = get_path(values, pod + ".runAsUser")
    return user is None or user == 0


def _effective(version, distro, values):
    return coalesce_values(chart_defaults(version, distro), values or {})


def check_upgrade(old_version, old_distro, old_values, new_version, new_distro, new_values):
    """``upgrade-refused`` findings for changes vcluster cannot make to a running release.

    Versions are tuples or strings; distros may be None (the version's default). ``old_values`` are the values the
    release was deployed with, ``new_values`` the values it would be upgraded with (both as given to Helm).
    """
    old_version = dialects.as_version(old_version)
    new_version = dialects.as_version(new_version)
    old_distro = old_distro or dialects.default_distro(old_version)
    new_distro = new_distro or dialects.default_distro(new_version)
    found = []
    old_text, new_text = dialects.version_text(old_version), dialects.version_text(new_version)
    old_dialect, new_dialect = dialects.dialect_for(old_version), dialects.dialect_for(new_version)
    if old_dialect == dialects.MODERN and new_dialect == dialects.LEGACY:
        found.append(
            error(
                "upgrade-refused",
                "chart_version",
                f"chart {new_text} is a legacy (< 0.20) chart but the release runs the unified chart {old_text}; "
                "a downgrade across 0.20 is impossible (the value format and the stored data differ). Keep a 0.20+ "
                "chart_version, or restore a backup into a new vcluster",
            )
        )
        return found
    if dialects.modern_distro(old_distro) != dialects.modern_distro(new_distro):
        found.append(
            error(
                "upgrade-refused",
                "distro",
                f"the release runs distro {old_distro} (chart {old_text}) and chart {new_text} would run {new_distro}; "
                "vcluster cannot change the distro of an existing vcluster. Keep distro "
                f"{old_distro} with a chart that still ships it, or create a new vcluster with {new_distro} and move "
                "the workloads (backup/restore)",
            )
        )
    elif dialects.check_distro(new_version, new_distro):
        found.append(
            error(
                "upgrade-refused",
                "distro",
                f"the release runs distro {old_distro} and chart {new_text} no longer ships {new_distro}; an upgrade "
                f"would switch it to another distro, which vcluster cannot do in place. Upgrade to the last chart with "
                f"{new_distro} ({dialects.last_chart_with(new_distro)}) "
                "or create a new vcluster with distro k8s and move the workloads",
            )
        )
    old_store = backing_store(old_version, old_distro, old_values)
    new_store = backing_store(new_version, new_distro, new_values)
    migrating = (
        old_store == "etcd-deploy"
        and new_store == "etcd-embedded"
        and get_path(new_values or {}, "controlPlane.backingStore.etcd.embedded.migrateFromDeployedEtcd") is True
    )
    if old_store != new_store and not migrating:
        found.append(
            error(
                "upgrade-refused",
                "controlPlane.backingStore",
                f"the release stores its data in {old_store} and the new values select {new_store}; the backing store "
                "cannot be changed in place (the data would be lost). Keep the backing store of the deployed release "
                "(only deployed etcd -> embedded etcd with migrateFromDeployedEtcd: true is supported)",
            )
        )
    old_root = runs_as_root(old_version, old_distro, _effective(old_version, old_distro, old_values))
    new_root = runs_as_root(new_version, new_distro, _effective(new_version, new_distro, new_values))
    if old_root != new_root:
        before, after = ("root", "non-root") if old_root else ("non-root", "root")
        found.append(
            error(
                "upgrade-refused",
                "controlPlane.statefulSet.security.containerSecurityContext.runAsUser",
                f"the deployed control plane runs as {before} and the new values run it as {after}; vcluster cannot "
                "switch between root and rootless mode in place (file ownership of the stored data). Keep the user of "
                "the deployed release (run_as_user), or create a new vcluster and move the workloads",
            )
        )
    return found
