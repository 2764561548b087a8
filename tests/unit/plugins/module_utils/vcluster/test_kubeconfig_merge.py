"""merge_kubeconfigs (kubeconfig.py) and the vcluster_kubeconfig_merge filter."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tenancy.vcluster.plugins.filter.vcluster_kubeconfig import FilterModule
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.kubeconfig import merge_kubeconfigs


def config(name, server="https://a:443", current=None):
    result = {
        "clusters": [{"name": name, "cluster": {"server": server}}],
        "users": [{"name": name, "user": {"token": "t-" + name}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
    }
    if current:
        result["current-context"] = current
    return result


def test_adds_new_entries_and_keeps_the_base_current_context():
    merged = merge_kubeconfigs(config("home", current="home"), config("vcluster_t1_ns", current="vcluster_t1_ns"))
    assert [c["name"] for c in merged["contexts"]] == ["home", "vcluster_t1_ns"]
    assert merged["current-context"] == "home"
    assert merged["apiVersion"] == "v1" and merged["kind"] == "Config"


def test_replaces_entries_of_the_same_name_and_is_idempotent():
    base = merge_kubeconfigs(config("home"), config("t1", server="https://old:443"))
    refreshed = merge_kubeconfigs(base, config("t1", server="https://new:443"))
    assert [c["cluster"]["server"] for c in refreshed["clusters"]] == ["https://a:443", "https://new:443"]
    assert merge_kubeconfigs(refreshed, config("t1", server="https://new:443")) == refreshed


def test_empty_base_takes_the_addition_current_context():
    merged = merge_kubeconfigs(None, config("t1", current="t1"))
    assert merged["current-context"] == "t1" and len(merged["users"]) == 1


def test_filter_reports_entries_without_a_name():
    merge = FilterModule().filters()["vcluster_kubeconfig_merge"]
    with pytest.raises(AnsibleFilterError, match="without a name"):
        merge({}, {"users": [{"user": {}}]})
