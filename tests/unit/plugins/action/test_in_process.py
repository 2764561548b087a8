# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins of the pure modules: over the local connection they return what the module returns,
without starting it; any other connection (or dest) runs the module."""

import json
import os
from unittest import mock

import pytest
import yaml
from ansible.errors import AnsibleActionFail

from ansible_collections.tenancy.vcluster.plugins.action import kubeconfig_file as kubeconfig_action
from ansible_collections.tenancy.vcluster.plugins.action import pod_security as pod_security_action
from ansible_collections.tenancy.vcluster.plugins.action import vcluster_values as values_action
from ansible_collections.tenancy.vcluster.plugins.modules import kubeconfig_file as kubeconfig_module
from ansible_collections.tenancy.vcluster.plugins.modules import pod_security as pod_security_module
from ansible_collections.tenancy.vcluster.plugins.modules import vcluster_values as values_module
from ansible_collections.tenancy.vcluster.tests.unit.plugins.modules.utils import patch_module_args

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SCHEMA_0_36 = os.path.join(
    os.path.abspath(os.environ.get("TENANCY_VCLUSTER_SHARED", os.path.join(REPO, "..", "shared"))),
    "vcluster-data",
    "0.36.1",
    "values.schema.json",
)
BASE = {"name": "tenant-a", "namespace": "tenant-a", "chart_version": "0.36.1"}
ROOT_SYNCER = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": 0}}}}}
PRIVILEGED_POD = (
    "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n"
)


def action(plugin, args, transport="local", diff=False, check_mode=False):
    task = mock.MagicMock(args=args, async_val=0, check_mode=check_mode, diff=diff, become=False)
    connection = mock.MagicMock(transport=transport)
    connection._shell.tmpdir = "/nonexistent"
    return plugin.ActionModule(task, connection, mock.MagicMock(), mock.MagicMock(), mock.MagicMock(), None)


def module_result(module, args, capsys, diff=False, check_mode=False):
    if diff:
        args = dict(args, _ansible_diff=True)
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    result = json.loads(capsys.readouterr().out)
    result.pop("invocation", None)
    return result


def comparable(result):
    """Module results are JSON (tuples become lists). Warnings are left out: once a controller-side plugin is
    imported (as here), ansible-core displays a module's warnings instead of returning them."""
    result = json.loads(json.dumps(result))
    result.pop("invocation", None)
    result.pop("warnings", None)
    result.setdefault("failed", False)
    return result


VALUES_CASES = {
    "defaults": BASE,
    "legacy k3s": dict(BASE, chart_version="0.19.10", distro="k3s"),
    "strict failure": dict(BASE, values=ROOT_SYNCER),
    "not strict": dict(BASE, values=ROOT_SYNCER, strict=False),
    "warning": dict(BASE, name="a" * 30),
    "isolation and services": dict(
        BASE,
        isolation={"resource_quota": {"requests.cpu": "4"}, "extra_egress_cidrs": ["10.0.0.0/8"]},
        map_services={"from_host": [{"from": "default/db", "to": "default/db"}]},
    ),
    "schema": dict(BASE, schema=SCHEMA_0_36, values={"controlPlane": {"statefulSet": {"nope": 1}}}),
    "diff_against unchanged": dict(BASE, diff_against={}),
    "upgrade": dict(
        BASE,
        chart_version="0.32.3",
        distro="k3s",
        previous_chart_version="0.19.10",
        previous_distro="k3s",
        previous_values={"syncer": {"extraArgs": ["--tls-san=a.example"]}},
    ),
}


@pytest.mark.parametrize("args", VALUES_CASES.values(), ids=VALUES_CASES.keys())
def test_vcluster_values_in_process_equals_module(args, capsys):
    if "schema" in args and not os.path.exists(args["schema"]):
        pytest.fail(f"chart data missing: {args['schema']} (../shared must sit beside the repository)")
    with mock.patch.object(values_action.ActionModule, "_execute_module") as execute:
        in_process = action(values_action, dict(args), diff=True).run(task_vars={})
    execute.assert_not_called()
    assert comparable(in_process) == comparable(module_result(values_module, dict(args), capsys, diff=True))


def test_vcluster_values_warnings_are_returned():
    result = action(values_action, dict(BASE, name="a" * 30)).run(task_vars={})
    assert not result.get("failed")
    assert [w for w in result["warnings"] if w.startswith("[name-translation-hashed] name: ")]


def test_vcluster_values_diff_against_reports_drift():
    result = action(values_action, dict(BASE, diff_against={"a": 1}), diff=True).run(task_vars={})
    assert result["changed"] is True
    assert result["diff"]["before"] == "a: 1\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(BASE, bogus=1), "Unsupported parameters for (tenancy.vcluster.vcluster_values) module: bogus"),
        ({"name": "a"}, "missing required arguments: chart_version, namespace"),
        (dict(BASE, profile="privileged"), "value of profile must be one of: restricted, baseline"),
        (dict(BASE, previous_values={}), "missing parameter(s) required by 'previous_values': previous_chart_version"),
    ],
)
def test_vcluster_values_bad_options_fail_like_the_module(args, message, capsys):
    with pytest.raises(AnsibleActionFail) as exc:
        action(values_action, dict(args)).run(task_vars={})
    assert message in str(exc.value)
    # under pytest the module calls itself basic.py: compare what follows the module name
    assert message.split(" module: ")[-1] in module_result(values_module, dict(args), capsys)["msg"]


def test_tagged_task_args_are_plain_for_yaml():
    class Tagged(str):
        pass

    result = action(values_action, dict(BASE, values={Tagged("extra"): {Tagged("k"): Tagged("v")}})).run(task_vars={})
    assert "extra:\n  k: v\n" in result["values_yaml"]


def test_vcluster_values_dest_is_written_in_process_at_0600(tmp_path):
    dest = tmp_path / "values" / "tenant-a.yaml"
    with mock.patch.object(values_action.ActionModule, "_execute_module") as execute:
        result = action(values_action, dict(BASE, dest=str(dest))).run(task_vars={})
    execute.assert_not_called()
    assert result["changed"] is True and result["dest"] == str(dest)
    assert oct(os.stat(dest).st_mode & 0o777) == "0o600"
    assert yaml.safe_load(dest.read_text()) == result["values"]


def test_vcluster_values_dest_holds_the_secret_the_result_masks(tmp_path):
    dest = tmp_path / "values.yaml"
    secret = "mysql://vc:s3cr3t-pa55@tcp(db:3306)/vc"
    values = {"controlPlane": {"backingStore": {"database": {"external": {"enabled": True, "dataSource": secret}}}}}
    result = action(values_action, dict(BASE, dest=str(dest), values=values)).run(task_vars={})
    assert secret in dest.read_text()
    assert "s3cr3t-pa55" not in json.dumps(result)


@pytest.mark.parametrize("plugin, args", [(values_action, BASE), (pod_security_action, {"manifests": []})])
def test_remote_connection_runs_the_module(plugin, args):
    with mock.patch.object(plugin.ActionModule, "_execute_module", return_value={"ran": "module"}) as execute:
        assert action(plugin, dict(args), transport="ssh").run(task_vars={}) == {"ran": "module"}
    assert execute.call_args.kwargs["module_args"] == args


POD_CASES = {
    "violation": {"manifests": PRIVILEGED_POD},
    "baseline not strict": {"manifests": PRIVILEGED_POD, "level": "baseline", "strict": False},
    "objects": {
        "manifests": [
            {
                "kind": "Deployment",
                "metadata": {"name": "d"},
                "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}},
            }
        ]
    },
    "invalid yaml": {"manifests": "kind: [\n"},
    "not an object": {"manifests": [1]},
    "empty": {"manifests": []},
}


@pytest.mark.parametrize("args", POD_CASES.values(), ids=POD_CASES.keys())
def test_pod_security_in_process_equals_module(args, capsys):
    in_process = action(pod_security_action, dict(args)).run(task_vars={})
    assert comparable(in_process) == comparable(module_result(pod_security_module, dict(args), capsys))


# Realistic names: the module masks every string of its no_log kubeconfig option in its messages.
KUBECONFIG = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [{"name": "my-vcluster", "cluster": {"server": "https://t.t-a", "certificate-authority-data": "Q0"}}],
    "users": [{"name": "my-vcluster-user", "user": {"client-key-data": "S0VZ"}}],
    "contexts": [{"name": "my-vcluster-context", "context": {"cluster": "my-vcluster", "user": "my-vcluster-user"}}],
    "current-context": "my-vcluster-context",
}


def mode_of(path):
    return os.stat(path).st_mode & 0o7777


@pytest.mark.parametrize("runner", ["action", "module"])
def test_kubeconfig_file_writes_0600_once(runner, tmp_path, capsys):
    dest = tmp_path / "new-dir" / "t.kubeconfig"

    def write(check_mode=False, kubeconfig=None):
        args = {"dest": str(dest), "kubeconfig": kubeconfig or KUBECONFIG}
        if runner == "action":
            return action(kubeconfig_action, args, check_mode=check_mode).run(task_vars={})
        return module_result(kubeconfig_module, args, capsys, check_mode=check_mode)

    assert write(check_mode=True)["changed"] is True
    assert not dest.exists()
    result = write()
    assert result["changed"] is True
    assert mode_of(dest) == 0o600 and mode_of(dest.parent) == 0o700
    assert yaml.safe_load(dest.read_text()) == KUBECONFIG
    assert "S0VZ" not in json.dumps(result)  # the content is never returned
    assert write()["changed"] is False
    os.chmod(dest, 0o644)
    assert write()["changed"] is True and mode_of(dest) == 0o600
    changed = dict(KUBECONFIG, **{"current-context": "other-context"})
    assert write(kubeconfig=changed)["changed"] is True
    assert yaml.safe_load(dest.read_text())["current-context"] == "other-context"


def test_kubeconfig_file_into_a_directory_fails(tmp_path):
    result = action(kubeconfig_action, {"dest": str(tmp_path), "kubeconfig": KUBECONFIG}).run(task_vars={})
    assert result["failed"] is True and "is a directory" in result["msg"]


def test_kubeconfig_file_with_become_runs_the_module(tmp_path):
    plugin = action(kubeconfig_action, {"dest": str(tmp_path / "k"), "kubeconfig": KUBECONFIG})
    plugin._task.become = True
    with mock.patch.object(kubeconfig_action.ActionModule, "_execute_module", return_value={"ran": "module"}):
        assert plugin.run(task_vars={}) == {"ran": "module"}


@pytest.mark.parametrize("runner", ["action", "module"])
def test_kubeconfig_file_rewrites_a_published_kubeconfig_like_the_filter(runner, tmp_path, capsys):
    from ansible_collections.tenancy.vcluster.plugins.filter.vcluster_kubeconfig import vcluster_kubeconfig

    dest = tmp_path / "t.kubeconfig"
    args = {"dest": str(dest), "kubeconfig": KUBECONFIG, "vcluster_name": "t", "vcluster_namespace": "t-a",
            "server": "from_secret"}
    if runner == "action":
        result = action(kubeconfig_action, args).run(task_vars={})
    else:
        result = module_result(kubeconfig_module, args, capsys)
    assert result["changed"] is True
    written = yaml.safe_load(dest.read_text())
    assert written == vcluster_kubeconfig(KUBECONFIG, "t", "t-a", server="from_secret")
    assert written["current-context"] == "vcluster_t_t-a"


def test_kubeconfig_file_name_needs_namespace(tmp_path, capsys):
    args = {"dest": str(tmp_path / "k"), "kubeconfig": KUBECONFIG, "vcluster_name": "t"}
    with pytest.raises(AnsibleActionFail, match="parameters are required together: vcluster_name, vcluster_namespace"):
        action(kubeconfig_action, dict(args)).run(task_vars={})
    assert "required together" in module_result(kubeconfig_module, dict(args), capsys)["msg"]


def test_kubeconfig_file_incomplete_published_kubeconfig(tmp_path):
    args = {"dest": str(tmp_path / "k"), "kubeconfig": {"apiVersion": "v1"}, "vcluster_name": "t",
            "vcluster_namespace": "t-a"}
    result = action(kubeconfig_action, args).run(task_vars={})
    assert result["failed"] is True and "no clusters or users" in result["msg"]
    assert not (tmp_path / "k").exists()
