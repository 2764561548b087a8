"""Secrets stay secret: provision with -vvv, then look for the vcluster's credentials everywhere but the kubeconfig.

The credentials are those of Secret vc-<name> (client key, client certificate, token when there is one), in
every form they could leak: PEM text, base64 of the PEM, and each base64 body line of the PEM. Searched: the
whole -vvv output, every file the run wrote under its work dir and Ansible's local and remote temp dirs (set to
directories of this test). The exported kubeconfig is the one place they belong: it must be mode 0600.
"""

from __future__ import annotations

import base64
import os
import stat
import uuid

from kubernetes import client as k8s_client
from runner import CHART_VERSION, group_vars, run, write_inventory


def needles(secret_data: dict[str, str]) -> dict[str, str]:
    found = {}
    for key in ("client-key", "client-certificate", "token"):
        if key not in secret_data:
            continue
        raw = base64.b64decode(secret_data[key]).decode()
        if not raw.strip():
            continue  # the syncer writes "token" even when it is empty (a client certificate is used)
        found[f"{key} (base64)"] = secret_data[key][:60]
        found[f"{key} (text)"] = raw.strip()[:80]
        for i, line in enumerate(raw.splitlines()):
            if len(line) >= 40 and not line.startswith("-----"):
                found[f"{key} (PEM line {i})"] = line
    return found


def test_provision_vvv_leaks_no_credentials(local_cluster, identity, chart_repo, syncer, tmp_path, k8s,
                                            cleanup_namespaces):
    ns = f"secrets-{uuid.uuid4().hex[:5]}"
    cleanup_namespaces.append(ns)
    inv = write_inventory(tmp_path / "hosts.yml",
                          {"s1": {"vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION}},
                          group_vars(identity, chart_repo, tmp_path))
    local_tmp, remote_tmp = tmp_path / "ansible-local", tmp_path / "ansible-remote"
    result = run(inv, "-vvv", env={"ANSIBLE_LOCAL_TEMP": str(local_tmp), "ANSIBLE_REMOTE_TMP": str(remote_tmp)})
    assert result.rc == 0, result.output[-5000:]

    data = k8s_client.CoreV1Api(k8s).read_namespaced_secret("vc-s1", ns).data
    secrets = needles(data)
    assert any(k.startswith("client-key") for k in secrets) or "token (text)" in secrets

    leaks = [f"output: {what}" for what, value in secrets.items() if value in result.output]
    kubeconfig = tmp_path / "kubeconfigs" / f"{ns}-s1.kubeconfig"
    scanned = 0
    for root in (tmp_path / "work", local_tmp, remote_tmp, tmp_path / "kubeconfigs"):
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                if path == str(kubeconfig):
                    continue
                scanned += 1
                with open(path, "rb") as fh:
                    text = fh.read().decode(errors="ignore")
                leaks += [f"{path}: {what}" for what, value in secrets.items() if value in text]
    assert leaks == []
    assert scanned > 0  # the chart cache at least
    assert stat.S_IMODE(os.stat(kubeconfig).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(kubeconfig.parent).st_mode) == 0o700
    kubeconfig_text = kubeconfig.read_text()
    assert any(value in kubeconfig_text for what, value in secrets.items() if "base64" in what)


DATASTORE_PASSWORD = "Dat4st0re-pw-" + uuid.uuid4().hex[:8]
K3S_TOKEN = "k3s-token-" + uuid.uuid4().hex[:8]


def datastore_values(extra: dict | None = None) -> dict:
    values = {
        "controlPlane": {
            "backingStore": {
                "database": {
                    "external": {"enabled": True, "dataSource": f"mysql://vc:{DATASTORE_PASSWORD}@tcp(db:3306)/vc"}
                }
            }
        }
    }
    values["controlPlane"].update(extra or {})
    return values


def test_a_failing_tenant_never_prints_a_values_secret(
    local_cluster, identity, chart_repo, tmp_path, cleanup_namespaces
):
    ns = f"secrets-{uuid.uuid4().hex[:5]}"
    cleanup_namespaces.append(ns)
    root = {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": 0}}}}
    tenant = {
        "vcluster_namespace": ns,
        "vcluster_chart_version": CHART_VERSION,
        "vcluster_values": datastore_values(root),
    }
    inv = write_inventory(tmp_path / "hosts.yml", {"s2": tenant}, group_vars(identity, chart_repo, tmp_path))
    for verbosity in ((), ("-v",), ("-vvv",)):
        result = run(inv, *verbosity)
        assert result.rc != 0 and "pss-run-as-user" in result.output
        assert DATASTORE_PASSWORD not in result.output, verbosity


def test_check_diff_shows_no_values_secret_and_only_the_0600_file_holds_it(
    local_cluster, identity, chart_repo, tmp_path, cleanup_namespaces
):
    ns = f"secrets-{uuid.uuid4().hex[:5]}"
    cleanup_namespaces.append(ns)
    tenant = {"vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION, "vcluster_values": datastore_values()}
    inv = write_inventory(tmp_path / "hosts.yml", {"s3": tenant}, group_vars(identity, chart_repo, tmp_path))
    result = run(inv, "--check", "--diff", "-vvv")
    assert result.rc == 0, result.output[-4000:]
    assert DATASTORE_PASSWORD not in result.output
    values_file = tmp_path / "work" / "values" / f"{ns}-s3.yaml"
    assert DATASTORE_PASSWORD in values_file.read_text()
    assert stat.S_IMODE(os.stat(values_file).st_mode) == 0o600


def test_upgrade_check_diff_masks_the_legacy_k3s_token(
    local_cluster, identity, chart_repo, syncer, tmp_path, cleanup_namespaces
):
    ns = f"secrets-{uuid.uuid4().hex[:5]}"
    cleanup_namespaces.append(ns)
    legacy = {"vcluster_namespace": ns, "vcluster_chart_version": "0.19.10", "vcluster_values": {"k3sToken": K3S_TOKEN}}
    inv = write_inventory(tmp_path / "hosts.yml", {"s4": legacy}, group_vars(identity, chart_repo, tmp_path))
    provisioned = run(inv)
    assert provisioned.rc == 0, provisioned.output[-4000:]
    upgrade = run(inv, "--check", "--diff", "-vvv", "-e", "vcluster_chart_version=0.32.3",
                  "-e", '{"vcluster_values": {}}',
                  playbook="upgrade.yml")
    assert upgrade.rc == 0, upgrade.output[-4000:]
    assert "controlPlane" in upgrade.output  # the diff is there
    assert K3S_TOKEN not in upgrade.output
