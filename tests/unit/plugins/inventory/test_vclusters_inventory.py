"""tenancy.vcluster.vclusters inventory plugin: host vars, groups, names and population (API mocked out)."""

import pytest
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader

from ansible_collections.tenancy.vcluster.plugins.inventory import vclusters

try:  # ansible-core 2.19+: only trusted strings (from config files) are templated
    from ansible.template import trust_as_template
except ImportError:

    def trust_as_template(value):
        return value


RECORD = {
    "name": "t1",
    "namespace": "tenant-a",
    "chart_version": "0.32.3",
    "version": "0.32.3",
    "distro": "k3s",
    "status": "Running",
}
NAMESPACE = {"metadata": {"name": "tenant-a", "annotations": {"field.cattle.io/projectId": "c-abc12:p-xyz34"}}}
CLUSTER = {"name": "host-a", "kubeconfig": "/etc/host-a.yaml", "context": "admin"}


def test_host_vars_fill_the_tenant_contract():
    assert vclusters.host_vars(RECORD, CLUSTER, NAMESPACE) == {
        "ansible_connection": "local",
        "vcluster_name": "t1",
        "vcluster_namespace": "tenant-a",
        "vcluster_chart_version": "0.32.3",
        "vcluster_distro": "k3s",
        "vcluster_status": "Running",
        "vcluster_host_cluster": "host-a",
        "vcluster_host_kubeconfig": "/etc/host-a.yaml",
        "vcluster_host_context": "admin",
        "vcluster_rancher_project": "c-abc12:p-xyz34",
    }


def test_host_vars_without_rancher_or_explicit_access():
    hostvars = vclusters.host_vars(dict(RECORD, chart_version=None), {"name": "default"}, None)
    assert hostvars["vcluster_chart_version"] == "0.32.3"  # from the syncer version
    assert "vcluster_rancher_project" not in hostvars and "vcluster_host_kubeconfig" not in hostvars


def test_builtin_groups():
    hostvars = vclusters.host_vars(RECORD, CLUSTER, NAMESPACE)
    assert vclusters.builtin_groups(hostvars) == [
        "namespace_tenant-a",
        "chart_0.32.3",
        "rancher_project_c-abc12:p-xyz34",
    ]


def test_host_names_stay_unique():
    other_ns = dict(RECORD, namespace="tenant-b")
    names = vclusters.host_names([(CLUSTER, RECORD), (CLUSTER, other_ns), ({"name": "host-b"}, RECORD)])
    assert names == ["t1", "tenant-b.t1", "tenant-a.t1"]
    names = vclusters.host_names([(CLUSTER, RECORD), ({"name": "host-b"}, RECORD), ({"name": "host-c"}, RECORD)])
    assert names == ["t1", "tenant-a.t1", "host-c.tenant-a.t1"]


def test_clusters_are_checked_and_defaulted(tmp_path):
    assert vclusters.normalize_clusters([]) == [{"name": "default"}]
    normalized = vclusters.normalize_clusters([{"kubeconfig": "~/k.yaml", "context": "c1"}])
    assert normalized[0]["name"] == "c1" and normalized[0]["kubeconfig"].endswith("/k.yaml")
    with pytest.raises(AnsibleParserError, match="unknown keys kubecfg"):
        vclusters.normalize_clusters([{"kubecfg": "x"}])


def test_verify_file_wants_the_suffix(tmp_path):
    plugin = vclusters.InventoryModule()
    good = tmp_path / "fleet.vclusters.yml"
    bad = tmp_path / "fleet.yml"
    good.write_text("plugin: tenancy.vcluster.vclusters\n")
    bad.write_text("plugin: tenancy.vcluster.vclusters\n")
    assert plugin.verify_file(str(good))
    assert not plugin.verify_file(str(bad))


def test_parse_populates_groups_and_keyed_groups(tmp_path, monkeypatch):
    options = {
        "clusters": [{"name": "host-a", "kubeconfig": "/etc/host-a.yaml"}],
        "keyed_groups": [{"key": trust_as_template("vcluster_distro"), "prefix": "distro"}],
        "compose": {"vcluster_profile": trust_as_template("'restricted'")},
        "groups": {},
        "strict": False,
        "cache": False,
        "leading_separator": True,
        "use_extra_vars": False,
    }
    seen = []

    def fake_discover(cluster, display):
        seen.append(cluster)
        return {"cluster": cluster, "records": [RECORD], "namespaces": [NAMESPACE]}

    monkeypatch.setattr(vclusters, "discover_cluster", fake_discover)
    monkeypatch.setattr(vclusters, "HAS_K8S_CORE", True)
    inventory = InventoryData()
    plugin = vclusters.InventoryModule()
    # Options come from the plugin's DOCUMENTATION once Ansible's plugin loader loads it; set them directly here.
    monkeypatch.setattr(plugin, "_read_config_data", lambda path: None)
    monkeypatch.setattr(plugin, "get_option", options.get)
    plugin.parse(inventory, DataLoader(), str(tmp_path / "fleet.vclusters.yml"), cache=False)
    assert seen == [{"name": "host-a", "kubeconfig": "/etc/host-a.yaml"}]
    host = inventory.get_host("t1")
    assert host.vars["vcluster_namespace"] == "tenant-a"
    assert host.vars["vcluster_profile"] == "restricted"
    groups = {group.name for group in host.get_groups()}
    assert {"vclusters", "namespace_tenant_a", "chart_0_32_3", "distro_k3s"} <= groups
    assert any(name.startswith("rancher_project_c_abc12") for name in groups)
