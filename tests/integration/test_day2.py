"""Day-2 operations end to end on the local control plane: upgrade across 0.20 with the values
converted and re-hardened, refusal of a distro switch before any write, the vclusters inventory plugin,
pause/resume visible in vcluster_info, kubeconfig export and merge."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import uuid

import pytest
import yaml
from cluster import wait_until
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

from playbooks import COLLECTIONS, local_group_vars, run_playbook, write_inventory, writes

LEGACY = "0.19.10"
TARGET = "0.32.3"  # the last unified chart with distro k3s
BIN = os.path.dirname(sys.executable)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:5]}"


@pytest.fixture
def day2(local_cluster, chart_repo, syncer_standin, tmp_path, k8s):
    """A tenant namespace, a shared namespace with Service db (mapped from the host), and cleanup."""
    core = k8s_client.CoreV1Api(k8s)
    ns, shared = unique("day2"), unique("shared")
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=shared)))
    core.create_namespaced_service(
        shared,
        k8s_client.V1Service(
            metadata=k8s_client.V1ObjectMeta(name="db"),
            spec=k8s_client.V1ServiceSpec(ports=[k8s_client.V1ServicePort(port=5432)]),
        ),
    )
    group_vars = local_group_vars(local_cluster, chart_repo, tmp_path)

    def inventory(version, name="hosts.yml", **extra):
        tenant = {
            "vcluster_namespace": ns,
            "vcluster_chart_version": version,
            "vcluster_isolation": {"enabled": True},
            "vcluster_map_services": {"from_host": [{"from": f"{shared}/db", "to": "default/db"}]},
            # a host service of another namespace is read on purpose (the boundary refuses it unless allowed)
            "vcluster_allow": [{"id": "boundary-namespace", "reason": "the tenant uses the shared database"}],
            # a legacy-format value: converted on upgrade together with the deployed values
            "vcluster_values": {"isolation": {"resourceQuota": {"quota": {"count/pods": 15}}}},
            **extra,
        }
        return write_inventory(tmp_path / name, {"t1": tenant}, group_vars)

    yield {"ns": ns, "shared": shared, "inventory": inventory, "tmp": tmp_path}
    for name in (ns, shared):
        try:
            core.delete_namespace(name)
        except ApiException as e:
            if e.status != 404:
                raise


def ansible_env():
    return {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_NOCOLOR": "1"}


def unwrap(value):
    """ansible-inventory --list marks values from inventory plugins as unsafe: {"__ansible_unsafe": value}."""
    return value.get("__ansible_unsafe", value) if isinstance(value, dict) else value


def tenant_writes(audit, mark, ns):
    """Writes after ``mark`` that touched the tenant namespace (other tests may run on the same cluster)."""
    return [e for e in writes(audit.mutating_since(mark)) if ns in (e.namespace, e.name)]


def sts_security(apps, ns):
    spec = apps.read_namespaced_stateful_set("t1", ns).spec.template.spec
    return spec.security_context, {c.name: c.security_context for c in spec.init_containers + spec.containers}


def test_legacy_tenant_upgrades_across_020_and_day2_runs_on_the_inventory(day2, local_cluster, k8s, audit):
    ns, tmp = day2["ns"], day2["tmp"]
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    net = k8s_client.NetworkingV1Api(k8s)

    # --- provision on the legacy k3s chart
    legacy = day2["inventory"](LEGACY, vcluster_distro="k3s")
    run = run_playbook("provision.yml", legacy)
    assert run.rc == 0, run.output
    assert core.read_namespaced_resource_quota("t1-quota", ns).spec.hard["count/pods"] == "15"

    # --- an upgrade that would switch the distro fails before any write
    mark = audit.mark()
    refused = run_playbook("upgrade.yml", day2["inventory"]("0.36.1", name="refused.yml"))
    assert refused.rc != 0
    assert "upgrade-refused" in refused.output and "cannot change the distro" in refused.output
    assert tenant_writes(audit, mark, ns) == []

    # --- check mode shows the values diff and writes nothing
    target = day2["inventory"](TARGET, name="target.yml", vcluster_distro="k3s")
    mark = audit.mark()
    check = run_playbook("upgrade.yml", target, "--check", "--diff")
    assert check.rc == 0, check.output
    assert "deployed release values" in check.output and "replicateServices" in check.output
    assert tenant_writes(audit, mark, ns) == []

    # --- the upgrade carries isolation, mapServices and security over (checked on the cluster objects)
    run = run_playbook("upgrade.yml", target)
    assert run.rc == 0, run.output
    quota = core.read_namespaced_resource_quota("vc-t1", ns)
    assert quota.spec.hard["count/pods"] == "15"
    assert core.read_namespaced_limit_range("vc-t1", ns).spec.limits[0].default["memory"] == "512Mi"
    policies = {p.metadata.name for p in net.list_namespaced_network_policy(ns).items}
    assert {"vc-work-t1", "vc-cp-t1"} <= policies
    assert not {"t1-workloads", "t1-control-plane"} & policies
    with pytest.raises(ApiException):
        core.read_namespaced_resource_quota("t1-quota", ns)
    pod_ctx, containers = sts_security(apps, ns)
    assert pod_ctx.run_as_user == 12345 and pod_ctx.fs_group == 12345 and pod_ctx.run_as_non_root
    assert pod_ctx.seccomp_profile.type == "RuntimeDefault"
    for name in ("vcluster", "syncer"):
        ctx = containers[name]
        assert ctx.run_as_user == 12345 and ctx.allow_privilege_escalation is False
        assert ctx.capabilities.drop == ["ALL"]
    config = yaml.safe_load(base64.b64decode(core.read_namespaced_secret("vc-config-t1", ns).data["config.yaml"]))
    assert config["networking"]["replicateServices"]["fromHost"] == [
        {"from": f"{day2['shared']}/db", "to": "default/db"}
    ]
    assert config["controlPlane"]["distro"]["k3s"]["enabled"] is True
    assert apps.read_namespaced_stateful_set("t1", ns).metadata.labels["chart"] == f"vcluster-{TARGET}"

    # --- a second run changes nothing
    mark = audit.mark()
    again = run_playbook("upgrade.yml", target)
    assert again.rc == 0, again.output
    assert again.changed("t1") == 0, again.output
    assert tenant_writes(audit, mark, ns) == []

    # --- the inventory plugin lists the tenant with its deployed settings
    plugin_config = tmp / "day2.vclusters.yml"
    plugin_config.write_text(
        yaml.safe_dump(
            {
                "plugin": "tenancy.vcluster.vclusters",
                "clusters": [{"kubeconfig": local_cluster.kubeconfig, "namespace": ns, "name": "local"}],
                "keyed_groups": [{"key": "vcluster_distro", "prefix": "distro"}],
            }
        )
    )
    inv = [os.path.join(BIN, "ansible-inventory"), "-i", str(plugin_config)]
    graph = subprocess.run([*inv, "--graph"], env=ansible_env(), capture_output=True, text=True, check=False)
    assert graph.returncode == 0, graph.stderr
    assert "@vclusters:" in graph.stdout and "t1" in graph.stdout and "@distro_k3s:" in graph.stdout
    listed = subprocess.run([*inv, "--list"], env=ansible_env(), capture_output=True, text=True, check=False)
    hostvars = {k: unwrap(v) for k, v in json.loads(listed.stdout)["_meta"]["hostvars"]["t1"].items()}
    assert hostvars["vcluster_name"] == "t1" and hostvars["vcluster_namespace"] == ns
    assert hostvars["vcluster_chart_version"] == TARGET and hostvars["vcluster_distro"] == "k3s"
    assert hostvars["vcluster_host_kubeconfig"] == local_cluster.kubeconfig
    assert hostvars["ansible_connection"] == "local"

    # --- info.yml and pause/resume run on that inventory; vcluster_info shows the state
    python = f"ansible_python_interpreter={sys.executable}"
    info_args = (
        "-e",
        python,
        "-e",
        f"vcluster_info_kubeconfig={local_cluster.kubeconfig}",
        "-e",
        f"vcluster_info_namespace={ns}",
    )
    info = run_playbook("info.yml", plugin_config, *info_args)
    assert info.rc == 0, info.output
    assert "Running" in info.output or "Pending" in info.output

    paused = run_playbook("pause.yml", plugin_config, "-e", python)
    assert paused.rc == 0, paused.output
    sts = apps.read_namespaced_stateful_set("t1", ns)
    assert sts.spec.replicas == 0
    assert sts.metadata.annotations["loft.sh/paused"] == "true"
    assert sts.metadata.annotations["loft.sh/paused-replicas"] == "1"
    info = run_playbook("info.yml", plugin_config, *info_args)
    assert "Paused" in info.output, info.output
    mark = audit.mark()
    assert run_playbook("pause.yml", plugin_config, "-e", python).rc == 0
    assert tenant_writes(audit, mark, ns) == []  # already paused: nothing to do

    resumed = run_playbook("resume.yml", plugin_config, "-e", python)
    assert resumed.rc == 0, resumed.output
    sts = apps.read_namespaced_stateful_set("t1", ns)
    assert sts.spec.replicas == 1
    assert "loft.sh/paused" not in (sts.metadata.annotations or {})

    def running():
        return "Running" in run_playbook("info.yml", plugin_config, *info_args).output

    wait_until(running, timeout=120, what="vcluster t1 running again after resume")

    # --- kubeconfig export and merge (0600) on the same inventory
    merged = tmp / "merged.kubeconfig"
    merged.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "keep",
                "contexts": [{"name": "keep", "context": {"cluster": "x", "user": "x"}}],
            }
        )
    )
    exported = run_playbook(
        "kubeconfig.yml", plugin_config, "-e", python,
        "-e", f"vcluster_kubeconfig_dest={tmp}/export/t1.kubeconfig",
        "-e", "vcluster_kubeconfig_server=from_secret",
        "-e", f"vcluster_kubeconfig_merge_into={merged}",
    )  # fmt: skip
    assert exported.rc == 0, exported.output
    assert stat.S_IMODE(os.stat(tmp / "export" / "t1.kubeconfig").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(merged).st_mode) == 0o600
    data = yaml.safe_load(merged.read_text())
    assert data["current-context"] == "keep"
    assert {c["name"] for c in data["contexts"]} == {"keep", f"vcluster_t1_{ns}"}
    assert "BEGIN" not in exported.output  # no key material in the log
