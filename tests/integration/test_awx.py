"""The AWX project skeleton (extensions/awx) run as AWX runs it: ansible-runner, a private data dir, survey answers
as strings, credentials injected by the credential types' injectors, against the local control plane."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
import yaml
from awx_jobs import AWX, REPO, AwxJob, awx_slices
from cluster import delete_namespaces
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

from playbooks import local_group_vars, writes

pytest_plugins = ["vcluster_fixtures"]  # chart_repo, syncer_standin

if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

CHART_VERSION = "0.36.1"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:5]}"


@pytest.fixture
def site(local_cluster, chart_repo, syncer_standin, tmp_path, k8s):
    """An AWX job factory for the local site; removes every namespace a job may have used afterwards."""
    group_vars = local_group_vars(local_cluster, chart_repo, tmp_path)
    group_vars.pop("vcluster_host_kubeconfig")  # host access comes from the credential, as in AWX
    # Site settings of the AWX inventory: tenants run locally; an imported tenant's agent needs `baseline`.
    group_vars.update(ansible_connection="local", vcluster_rancher_agent_psa_strategy="baseline")
    host_credential = {"kubeconfig": Path(local_cluster.kubeconfig).read_text()}
    namespaces: list[str] = []

    class Site:
        kubeconfigs = tmp_path / "kubeconfigs"
        credential = host_credential

        @staticmethod
        def job(playbook, tenants=None, survey=None, credentials=None, limit=None):
            for answers in [survey or {}, *(tenants or {}).values()]:
                ns = answers.get("survey_namespace") or answers.get("vcluster_namespace")
                if ns:
                    namespaces.append(ns)
            inventory = {"vclusters": {"hosts": tenants or {}, "vars": group_vars}}
            if credentials is None:
                credentials = {"Host cluster kubeconfig": host_credential}
            return AwxJob(tmp_path, playbook, inventory, survey, credentials, limit)

    yield Site
    delete_namespaces(k8s, namespaces)


def survey(name: str, namespace: str, **answers: str) -> dict[str, str]:
    """Survey answers of "vcluster: provision tenant" as AWX sends them (defaults of the survey spec included)."""
    spec = yaml.safe_load((AWX / "template_surveys" / "provision.yml").read_text())["spec"]
    values = {q["variable"]: str(q.get("default", "")) for q in spec}
    values.update(survey_name=name, survey_namespace=namespace, **answers)
    return values


def writes_to(events, namespace: str) -> list:
    """Writes that touched the namespace or objects in it (other suites may share the cluster and its user)."""
    return [e for e in writes(events) if namespace in (e.namespace, e.name)]


def collection_playbook(name: str) -> bool:
    return (REPO / "playbooks" / f"{name}.yml").exists()


def namespace_exists(k8s, name: str) -> bool:
    try:
        k8s_client.CoreV1Api(k8s).read_namespace(name)
    except ApiException as e:
        if e.status == 404:
            return False
        raise
    return True


def test_provision_and_deprovision_templates(site, k8s, audit):
    name, ns = unique("awx"), unique("awx-ns")
    # Isolation "false" (a string) must reach the roles as a boolean: no quota, no limit range.
    job = site.job("provision.yml", survey=survey(name, ns, survey_isolation_enabled="false")).run()
    assert job.rc == 0 and job.status == "successful", job.stdout
    assert job.processed() == {"localhost", name}

    core = k8s_client.CoreV1Api(k8s)
    assert core.read_namespace(ns).metadata.labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert k8s_client.AppsV1Api(k8s).read_namespaced_stateful_set(name, ns)
    assert core.list_namespaced_resource_quota(ns).items == []

    # set_stats -> the job's artifacts: where the tenant is, never its secrets.
    tenant = job.artifact_data["tenancy_vcluster_tenants"][name]
    kubeconfig = site.kubeconfigs / f"{ns}-{name}.kubeconfig"
    assert tenant == {
        "name": name,
        "namespace": ns,
        "release": name,
        "chart_version": CHART_VERSION,
        "kubeconfig": str(kubeconfig),
        "rancher_cluster_id": "",
    }
    assert kubeconfig.exists()
    tenant_key = yaml.safe_load(kubeconfig.read_text())["users"][0]["user"]["client-key-data"]
    host_key = yaml.safe_load(site.credential["kubeconfig"])["users"][0]["user"]["client-key-data"]
    assert job.leaks(tenant_key, host_key) == []

    # The same survey again: nothing to change.
    mark = audit.mark()
    again = site.job("provision.yml", survey=survey(name, ns, survey_isolation_enabled="false")).run()
    assert again.rc == 0, again.stdout
    assert again.stats["changed"].get(name, 0) == 0, again.stdout
    assert writes_to(audit.mutating_since(mark), ns) == []

    # "vcluster: upgrade tenant" on the same tenant: the survey answers reach the upgrade playbook.
    if collection_playbook("upgrade"):
        answers = {
            "survey_name": name,
            "survey_namespace": ns,
            "survey_chart_version": CHART_VERSION,
            "survey_distro": "k8s",
            "survey_profile": "restricted",
        }
        upgrade = site.job("upgrade.yml", survey=answers).run()
        assert upgrade.rc == 0 and upgrade.status == "successful", upgrade.stdout

    gone = site.job("deprovision.yml", survey={"survey_name": name, "survey_namespace": ns}).run()
    assert gone.rc == 0 and gone.status == "successful", gone.stdout
    assert not namespace_exists(k8s, ns)
    assert not kubeconfig.exists()


BAD_ANSWERS = [
    ("chart-latest", {"survey_chart_version": "latest"}, "version-unsupported"),
    ("profile-privileged", {"survey_profile": "privileged"}, "restricted, baseline"),
    ("isolation-maybe", {"survey_isolation_enabled": "maybe"}, 'must be "true" or "false"'),
    ("values-not-a-mapping", {"survey_values": "- a list"}, "survey_values must be a YAML mapping"),
]


@pytest.mark.parametrize(("case", "answers", "expected"), BAD_ANSWERS, ids=[c[0] for c in BAD_ANSWERS])
def test_invalid_survey_answer_fails_before_any_write(site, k8s, audit, case, answers, expected):
    name, ns = unique("bad"), unique("awx-bad")
    mark = audit.mark()
    job = site.job("provision.yml", survey=survey(name, ns, **answers)).run()
    assert job.rc != 0 and job.status == "failed"
    assert expected in job.stdout
    assert writes_to(audit.mutating_since(mark), ns) == []
    assert not namespace_exists(k8s, ns)


def test_missing_credentials_fail_naming_the_credential_type(site, k8s, audit):
    name, ns = unique("nocred"), unique("awx-nocred")
    mark = audit.mark()
    no_host = site.job("provision.yml", survey=survey(name, ns), credentials={}).run()
    assert no_host.rc != 0
    assert 'attach a credential of type "Host cluster kubeconfig"' in no_host.stdout
    assert no_host.processed() == {"localhost"}  # no tenant was started

    no_rancher = site.job("provision.yml", survey=survey(name, ns, survey_rancher_import="true")).run()
    assert no_rancher.rc != 0
    assert 'attach a credential of type "Rancher API"' in no_rancher.stdout
    assert writes_to(audit.mutating_since(mark), ns) == []
    assert not namespace_exists(k8s, ns)


def test_sliced_fleet_provisions_every_tenant_once(site, k8s, tmp_path):
    """A fleet job with job_slice_count 3: each slice runs with the hosts AWX would give it, all at once."""
    top = {f"h{i}": unique(f"slice{i}") for i in (0, 1, 3, 4)}
    tenants = {
        h: {"vcluster_name": f"t{h}", "vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION}
        for h, ns in top.items()
    }
    # Nested tenants whose parents run in other slices; hosts are ordered so that both land in slice 3 alone,
    # and their parents take longer than the wait: they must stop with a clear message, not half-provision.
    for host, parent in (("h2", "h0"), ("h5", "h1")):
        tenants[host] = {
            "vcluster_name": f"t{host}",
            "vcluster_namespace": unique(f"nested{host[1]}"),
            "vcluster_chart_version": CHART_VERSION,
            "vcluster_parent": parent,
            "vcluster_parent_wait_timeout": 3,
            "vcluster_host_kubeconfig": str(
                site.kubeconfigs / f"{tenants[parent]['vcluster_namespace']}-t{parent}.kubeconfig"
            ),
        }
    slices = awx_slices(list(tenants), 3)
    assert slices[2] == ["h2", "h5"]
    jobs = [site.job("provision.yml", tenants=tenants, limit=",".join(hosts)).start() for hosts in slices]
    results = [job.wait() for job in jobs]

    for result in results[:2]:
        assert result.rc == 0 and result.status == "successful", result.stdout
    nested = results[2]
    assert nested.rc != 0 and nested.failed_hosts() == {"h2", "h5"}
    assert "its parent 'h0' is not provisioned" in nested.stdout
    assert "another job slice" in nested.stdout

    # Every top-level tenant ran in exactly one slice and was installed exactly once (one Helm revision).
    runs = [host for result in results for host in result.processed() if host != "localhost"]
    assert sorted(runs) == sorted(tenants)
    core = k8s_client.CoreV1Api(k8s)
    for host, ns in top.items():
        releases = core.list_namespaced_secret(ns, label_selector=f"owner=helm,name=t{host}").items
        assert [s.metadata.labels["version"] for s in releases] == ["1"]
        published = [r.artifact_data.get("tenancy_vcluster_tenants", {}) for r in results]
        assert sum(host in p for p in published) == 1
    for host in ("h2", "h5"):
        assert not namespace_exists(k8s, tenants[host]["vcluster_namespace"])


@pytest.mark.skipif(
    not collection_playbook("rancher_import"), reason="tenancy.vcluster.rancher_import is not in the tree yet"
)
def test_provision_with_import_and_import_templates(site, k8s):
    from rancher_standin import RancherStandin

    name, ns = unique("imp"), unique("awx-imp")
    standin = RancherStandin(host="127.0.0.1", port=0, kubeconfig=str(site.kubeconfigs / f"{ns}-{name}.kubeconfig"))
    standin.start()
    try:
        credentials = {
            "Host cluster kubeconfig": site.credential,
            "Rancher API": {"url": standin.url, "token": standin.token, "ca_cert": ""},
        }
        job = site.job(
            "provision.yml", survey=survey(name, ns, survey_rancher_import="true"), credentials=credentials
        ).run()
        assert job.rc == 0 and job.status == "successful", job.stdout
        cluster_id = job.artifact_data["tenancy_vcluster_tenants"][name]["rancher_cluster_id"]
        assert cluster_id.startswith("c-")

        answers = {
            "survey_name": name,
            "survey_namespace": ns,
            "survey_chart_version": CHART_VERSION,
            "survey_rancher_import": "true",
        }
        again = site.job("rancher_import.yml", survey=answers, credentials=credentials).run()
        assert again.rc == 0 and again.status == "successful", again.stdout
        assert again.artifact_data["tenancy_vcluster_rancher_clusters"] == {name: cluster_id}
        secret = standin.token.split(":")[-1]
        assert job.leaks(secret) == [] and again.leaks(secret) == []
    finally:
        standin.stop()


def test_survey_template_refuses_an_inventory_with_other_tenants(site, audit):
    """A survey job on a fleet inventory would run every tenant (a deprovision would remove them all)."""
    ns = unique("awx-other")
    fleet = {"someone-else": {"vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION}}
    mark = audit.mark()
    job = site.job("deprovision.yml", tenants=fleet, survey={"survey_name": "mine", "survey_namespace": ns}).run()
    assert job.rc != 0
    assert "this job's inventory holds other tenants (someone-else)" in job.stdout
    assert job.processed() == {"localhost"}
    assert writes_to(audit.mutating_since(mark), ns) == []
