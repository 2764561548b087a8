# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the vcluster_table filter."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tenancy.vcluster.plugins.filter.vcluster_table import FilterModule, vcluster_table

HEADER = "NAME  NAMESPACE  STATUS  VERSION  DISTRO  READY  RANCHER  KUBECONFIG"


def record(**overrides):
    base = {
        "name": "tenant-a",
        "namespace": "team-a",
        "status": "Running",
        "status_reason": None,
        "version": "0.36.1",
        "distro": "k8s",
        "ready": "1/1",
        "rancher_cluster_id": "c-m-abc123",
        "kubeconfig_secret": "vc-tenant-a",
    }
    base.update(overrides)
    return base


def test_registered_under_its_name():
    assert FilterModule().filters()["vcluster_table"] is vcluster_table


def test_empty_list_gives_the_header_only():
    assert vcluster_table([]) == HEADER


def test_columns_are_aligned():
    table = vcluster_table(
        [
            record(),
            record(
                name="old-k3s",
                namespace="legacy-tenants",
                status="ScaledDown",
                version="0.19.10",
                distro="k3s",
                ready="0/0",
                rancher_cluster_id=None,
                kubeconfig_secret=None,
            ),
        ]
    )
    assert table.splitlines() == [
        "NAME      NAMESPACE       STATUS      VERSION  DISTRO  READY  RANCHER     KUBECONFIG",
        "tenant-a  team-a          Running     0.36.1   k8s     1/1    c-m-abc123  vc-tenant-a",
        "old-k3s   legacy-tenants  ScaledDown  0.19.10  k3s     0/0    -           -",
    ]


@pytest.mark.parametrize(
    "status, reason, shown",
    [
        ("Running", None, "Running"),
        ("Failed", "CrashLoopBackOff", "Failed (CrashLoopBackOff)"),
        ("Paused", "Paused", "Paused"),
        ("Pending", "NoPods", "Pending (NoPods)"),
    ],
)
def test_status_shows_the_reason(status, reason, shown):
    row = vcluster_table([record(status=status, status_reason=reason)]).splitlines()[1]
    assert row.split()[2:2 + len(shown.split())] == shown.split()


def test_missing_keys_and_custom_placeholder():
    table = vcluster_table([{"name": "bare"}], empty="<none>")
    assert table.splitlines()[1].split() == ["bare"] + ["<none>"] * 7


@pytest.mark.parametrize("bad", ["text", {"vclusters": []}, None, 3])
def test_rejects_anything_but_a_list(bad):
    with pytest.raises(AnsibleFilterError, match="expects the list in 'vclusters'"):
        vcluster_table(bad)


def test_rejects_non_dict_items():
    with pytest.raises(AnsibleFilterError, match="item 1 is a str"):
        vcluster_table([record(), "tenant-b"])
