# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pod Security Standards checker: one triggering and one passing case per rule and level."""

import copy

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import (
    LEVELS,
    VIOLATION_IDS,
    check_manifests,
    check_pod_spec,
    count_pod_templates,
    load_manifests,
    pod_templates,
)

HARDENED_CONTAINER_SC = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def hardened_spec():
    """A pod spec that passes restricted; cases below break one thing each."""
    return {
        "securityContext": {"runAsNonRoot": True, "runAsUser": 12345, "seccompProfile": {"type": "RuntimeDefault"}},
        "initContainers": [{"name": "kubernetes", "securityContext": copy.deepcopy(HARDENED_CONTAINER_SC)}],
        "containers": [{"name": "syncer", "securityContext": copy.deepcopy(HARDENED_CONTAINER_SC)}],
        "volumes": [{"name": "data", "emptyDir": {}}],
    }


def set_path(tree, dotted, value):
    """Set tree[a][b][0]... for 'a.b.0' (integers index lists), creating dicts on the way."""
    keys = [int(key) if key.isdigit() else key for key in dotted.split(".")]
    for key in keys[:-1]:
        tree = tree.setdefault(key, {}) if isinstance(key, str) else tree[key]
    tree[keys[-1]] = value


def delete_path(tree, dotted):
    *parents, last = dotted.split(".")
    for key in parents:
        tree = tree[int(key)] if key.isdigit() else tree[key]
    del tree[int(last) if last.isdigit() else last]


def spec_with(*changes):
    """hardened_spec() with ('set', path, value) / ('del', path) changes applied."""
    spec = hardened_spec()
    for change in changes:
        if change[0] == "del":
            delete_path(spec, change[1])
        else:
            set_path(spec, change[1], change[2])
    return spec


SYNCER_SC = "containers.0.securityContext"
INIT_SC = "initContainers.0.securityContext"
POD_SC = "securityContext"

# (case id, pod spec changes, pod metadata, {level: expected [(violation id, container, path)]})
CASES = [
    ("hardened", [], None, {"baseline": [], "restricted": []}),
    # --- baseline rules ------------------------------------------------------------------------
    (
        "windows-host-process-pod",
        [("set", POD_SC + ".windowsOptions.hostProcess", True)],
        None,
        {"baseline": [("pss-windows-host-process", None, "securityContext.windowsOptions.hostProcess")]},
    ),
    (
        "windows-host-process-container",
        [("set", SYNCER_SC + ".windowsOptions.hostProcess", True)],
        None,
        {
            "restricted": [
                (
                    "pss-windows-host-process",
                    "syncer",
                    "containers[syncer].securityContext.windowsOptions.hostProcess",
                )
            ]
        },
    ),
    ("windows-host-process-false", [("set", POD_SC + ".windowsOptions.hostProcess", False)], None, {"baseline": []}),
    (
        "host-network",
        [("set", "hostNetwork", True)],
        None,
        {"baseline": [("pss-host-namespaces", None, "hostNetwork")]},
    ),
    (
        "host-pid-and-ipc",
        [("set", "hostPID", True), ("set", "hostIPC", True)],
        None,
        {"restricted": [("pss-host-namespaces", None, "hostPID"), ("pss-host-namespaces", None, "hostIPC")]},
    ),
    ("host-network-false", [("set", "hostNetwork", False)], None, {"baseline": [], "restricted": []}),
    (
        "privileged",
        [("set", SYNCER_SC + ".privileged", True)],
        None,
        {"baseline": [("pss-privileged", "syncer", "containers[syncer].securityContext.privileged")]},
    ),
    ("privileged-false", [("set", SYNCER_SC + ".privileged", False)], None, {"baseline": [], "restricted": []}),
    (
        "add-sys-admin",
        [("set", SYNCER_SC + ".capabilities.add", ["SYS_ADMIN"])],
        None,
        {
            "baseline": [("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.add")],
            "restricted": [("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.add")],
        },
    ),
    (
        "add-chown-baseline-default-set",
        [("set", SYNCER_SC + ".capabilities.add", ["CHOWN"])],
        None,
        {
            "baseline": [],
            "restricted": [("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.add")],
        },
    ),
    (
        "add-cap-prefixed-name",
        [("set", SYNCER_SC + ".capabilities.add", ["CAP_NET_BIND_SERVICE"])],
        None,
        {
            "baseline": [("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.add")],
            "restricted": [("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.add")],
        },
    ),
    (
        "add-net-bind-service",
        [("set", SYNCER_SC + ".capabilities.add", ["NET_BIND_SERVICE"])],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "drop-all-lower-case",
        [("set", SYNCER_SC + ".capabilities.drop", ["all"])],
        None,
        {
            "baseline": [],
            "restricted": [("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.drop")],
        },
    ),
    (
        "drop-missing-and-bad-add",
        [("set", INIT_SC + ".capabilities", {"add": ["NET_RAW"]})],
        None,
        {
            "baseline": [
                ("pss-capabilities", "kubernetes", "initContainers[kubernetes].securityContext.capabilities.add")
            ],
            "restricted": [
                ("pss-capabilities", "kubernetes", "initContainers[kubernetes].securityContext.capabilities")
            ],
        },
    ),
    (
        "host-path",
        [("set", "volumes.0", {"name": "data", "hostPath": {"path": "/var/lib"}})],
        None,
        {
            "baseline": [("pss-host-path", None, "volumes[data].hostPath")],
            "restricted": [("pss-host-path", None, "volumes[data].hostPath")],
        },
    ),
    (
        "host-port",
        [("set", "containers.0.ports", [{"containerPort": 8443}, {"containerPort": 80, "hostPort": 80}])],
        None,
        {"baseline": [("pss-host-ports", "syncer", "containers[syncer].ports[*].hostPort")]},
    ),
    (
        "host-port-zero",
        [("set", "containers.0.ports", [{"containerPort": 8443, "hostPort": 0}])],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "probe-host",
        [("set", "containers.0.livenessProbe", {"httpGet": {"host": "10.0.0.1", "port": 8443}})],
        None,
        {"baseline": [("pss-host-probes", "syncer", "containers[syncer].livenessProbe.httpGet.host")]},
    ),
    (
        "lifecycle-host",
        [("set", "containers.0.lifecycle", {"preStop": {"tcpSocket": {"host": "example.com", "port": 1}}})],
        None,
        {"restricted": [("pss-host-probes", "syncer", "containers[syncer].lifecycle.preStop.tcpSocket.host")]},
    ),
    (
        "probe-without-host",
        [("set", "containers.0.readinessProbe", {"httpGet": {"host": "", "port": 8443}})],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "apparmor-annotation-unconfined",
        [],
        {"annotations": {"container.apparmor.security.beta.kubernetes.io/syncer": "unconfined"}},
        {
            "baseline": [
                (
                    "pss-apparmor",
                    "syncer",
                    "metadata.annotations[container.apparmor.security.beta.kubernetes.io/syncer]",
                )
            ]
        },
    ),
    (
        "apparmor-annotations-allowed",
        [],
        {
            "annotations": {
                "container.apparmor.security.beta.kubernetes.io/syncer": "runtime/default",
                "container.apparmor.security.beta.kubernetes.io/kubernetes": "localhost/k8s-apiserver",
                "example.com/unrelated": "unconfined",
            }
        },
        {"baseline": [], "restricted": []},
    ),
    (
        "apparmor-field-unconfined",
        [("set", POD_SC + ".appArmorProfile", {"type": "Unconfined"})],
        None,
        {"baseline": [("pss-apparmor", None, "securityContext.appArmorProfile.type")]},
    ),
    (
        "apparmor-field-localhost",
        [("set", SYNCER_SC + ".appArmorProfile", {"type": "Localhost", "localhostProfile": "p"})],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "selinux-type",
        [("set", SYNCER_SC + ".seLinuxOptions", {"type": "spc_t"})],
        None,
        {"baseline": [("pss-selinux", "syncer", "containers[syncer].securityContext.seLinuxOptions")]},
    ),
    (
        "selinux-user",
        [("set", POD_SC + ".seLinuxOptions", {"user": "system_u"})],
        None,
        {"baseline": [("pss-selinux", None, "securityContext.seLinuxOptions")]},
    ),
    (
        "selinux-allowed",
        [("set", POD_SC + ".seLinuxOptions", {"type": "container_engine_t", "level": "s0:c123,c456"})],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "proc-mount-unmasked",
        [("set", SYNCER_SC + ".procMount", "Unmasked")],
        None,
        {"baseline": [("pss-proc-mount", "syncer", "containers[syncer].securityContext.procMount")]},
    ),
    ("proc-mount-default", [("set", SYNCER_SC + ".procMount", "Default")], None, {"baseline": [], "restricted": []}),
    (
        "seccomp-container-unconfined",
        [("set", SYNCER_SC + ".seccompProfile", {"type": "Unconfined"})],
        None,
        {
            "baseline": [("pss-seccomp", "syncer", "containers[syncer].securityContext.seccompProfile.type")],
            "restricted": [("pss-seccomp", "syncer", "containers[syncer].securityContext.seccompProfile.type")],
        },
    ),
    (
        "seccomp-pod-unconfined",
        [("set", POD_SC + ".seccompProfile", {"type": "Unconfined"})],
        None,
        {
            "baseline": [("pss-seccomp", None, "securityContext.seccompProfile.type")],
            "restricted": [("pss-seccomp", None, "securityContext.seccompProfile.type")],
        },
    ),
    (
        "seccomp-localhost",
        [("set", POD_SC + ".seccompProfile", {"type": "Localhost", "localhostProfile": "profiles/p.json"})],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "seccomp-unset",
        [("del", POD_SC + ".seccompProfile")],
        None,
        {"baseline": [], "restricted": [("pss-seccomp", None, "securityContext.seccompProfile.type")]},
    ),
    (
        "seccomp-set-on-every-container",
        [
            ("del", POD_SC + ".seccompProfile"),
            ("set", SYNCER_SC + ".seccompProfile", {"type": "RuntimeDefault"}),
            ("set", INIT_SC + ".seccompProfile", {"type": "Localhost", "localhostProfile": "p"}),
        ],
        None,
        {"restricted": []},
    ),
    (
        "sysctl-unsafe",
        [("set", POD_SC + ".sysctls", [{"name": "net.ipv4.tcp_rmem", "value": "4096"}, {"name": "kernel.msgmax"}])],
        None,
        {"baseline": [("pss-sysctls", None, "securityContext.sysctls")]},
    ),
    (
        "sysctl-safe",
        [("set", POD_SC + ".sysctls", [{"name": "net.ipv4.tcp_keepalive_time", "value": "60"}])],
        None,
        {"baseline": [], "restricted": []},
    ),
    # --- restricted rules ----------------------------------------------------------------------
    (
        "volume-nfs",
        [("set", "volumes.0", {"name": "data", "nfs": {"server": "nfs", "path": "/"}})],
        None,
        {"baseline": [], "restricted": [("pss-volume-types", None, "volumes[data].nfs")]},
    ),
    (
        "volume-types-allowed",
        [
            (
                "set",
                "volumes",
                [
                    {"name": "a", "configMap": {"name": "c"}},
                    {"name": "b", "secret": {"secretName": "s"}},
                    {"name": "c", "projected": {"sources": []}},
                    {"name": "d", "persistentVolumeClaim": {"claimName": "p"}},
                    {"name": "e", "csi": {"driver": "d"}},
                    {"name": "f", "downwardAPI": {}},
                    {"name": "g", "ephemeral": {"volumeClaimTemplate": {}}},
                    {"name": "h", "image": {"reference": "r"}},
                    {"name": "i"},
                ],
            )
        ],
        None,
        {"baseline": [], "restricted": []},
    ),
    (
        "privilege-escalation-unset",
        [("del", SYNCER_SC + ".allowPrivilegeEscalation")],
        None,
        {
            "baseline": [],
            "restricted": [
                ("pss-privilege-escalation", "syncer", "containers[syncer].securityContext.allowPrivilegeEscalation")
            ],
        },
    ),
    (
        "privilege-escalation-true",
        [("set", INIT_SC + ".allowPrivilegeEscalation", True)],
        None,
        {
            "restricted": [
                (
                    "pss-privilege-escalation",
                    "kubernetes",
                    "initContainers[kubernetes].securityContext.allowPrivilegeEscalation",
                )
            ]
        },
    ),
    (
        "run-as-non-root-pod-covers-init-containers",
        [("set", INIT_SC + ".runAsUser", 1000)],
        None,
        {"restricted": []},
    ),
    (
        "run-as-non-root-container-overrides-pod",
        [("set", SYNCER_SC + ".runAsNonRoot", False)],
        None,
        {
            "baseline": [],
            "restricted": [("pss-run-as-non-root", "syncer", "containers[syncer].securityContext.runAsNonRoot")],
        },
    ),
    (
        "run-as-non-root-unset",
        [("del", POD_SC + ".runAsNonRoot")],
        None,
        {"baseline": [], "restricted": [("pss-run-as-non-root", None, "securityContext.runAsNonRoot")]},
    ),
    (
        "run-as-non-root-pod-false-containers-true",
        [
            ("set", POD_SC + ".runAsNonRoot", False),
            ("set", SYNCER_SC + ".runAsNonRoot", True),
            ("set", INIT_SC + ".runAsNonRoot", True),
        ],
        None,
        {"restricted": [("pss-run-as-non-root", None, "securityContext.runAsNonRoot")]},
    ),
    (
        "run-as-non-root-pod-false-containers-unset",
        [("set", POD_SC + ".runAsNonRoot", False)],
        None,
        {"restricted": [("pss-run-as-non-root", None, "securityContext.runAsNonRoot")]},
    ),
    (
        "run-as-non-root-every-container",
        [
            ("del", POD_SC + ".runAsNonRoot"),
            ("set", SYNCER_SC + ".runAsNonRoot", True),
            ("set", INIT_SC + ".runAsNonRoot", True),
        ],
        None,
        {"restricted": []},
    ),
    (
        "run-as-user-pod-zero",
        [("set", POD_SC + ".runAsUser", 0), ("set", SYNCER_SC + ".runAsUser", 1000)],
        None,
        {"baseline": [], "restricted": [("pss-run-as-user", None, "securityContext.runAsUser")]},
    ),
    (
        "run-as-user-container-zero",
        [("set", SYNCER_SC + ".runAsUser", 0)],
        None,
        {"baseline": [], "restricted": [("pss-run-as-user", "syncer", "containers[syncer].securityContext.runAsUser")]},
    ),
    (
        "run-as-non-root-alone-keeps-root-uid",
        [("set", POD_SC + ".runAsUser", 0)],
        None,
        {"restricted": [("pss-run-as-user", None, "securityContext.runAsUser")]},
    ),
    (
        "no-security-context-anywhere",
        [("del", POD_SC), ("del", SYNCER_SC), ("del", INIT_SC)],
        None,
        {
            "baseline": [],
            "restricted": [
                ("pss-capabilities", "kubernetes", "initContainers[kubernetes].securityContext.capabilities.drop"),
                ("pss-capabilities", "syncer", "containers[syncer].securityContext.capabilities.drop"),
                ("pss-seccomp", None, "securityContext.seccompProfile.type"),
                (
                    "pss-privilege-escalation",
                    "kubernetes",
                    "initContainers[kubernetes].securityContext.allowPrivilegeEscalation",
                ),
                ("pss-privilege-escalation", "syncer", "containers[syncer].securityContext.allowPrivilegeEscalation"),
                ("pss-run-as-non-root", None, "securityContext.runAsNonRoot"),
            ],
        },
    ),
    (
        "ephemeral-container-checked",
        [("set", "ephemeralContainers", [{"name": "debug", "image": "busybox"}])],
        None,
        {
            "baseline": [],
            "restricted": [
                ("pss-capabilities", "debug", "ephemeralContainers[debug].securityContext.capabilities.drop"),
                (
                    "pss-privilege-escalation",
                    "debug",
                    "ephemeralContainers[debug].securityContext.allowPrivilegeEscalation",
                ),
            ],
        },
    ),
    (
        "ephemeral-container-privileged",
        [("set", "ephemeralContainers", [{"name": "debug", "securityContext": {"privileged": True}}])],
        None,
        {"baseline": [("pss-privileged", "debug", "ephemeralContainers[debug].securityContext.privileged")]},
    ),
    (
        # The admission exempts Windows pods from these three restricted rules (and the baseline
        # capabilities/seccomp rules they replace), but not from runAsNonRoot.
        "windows-pod-exemptions",
        [
            ("set", "os", {"name": "windows"}),
            ("del", SYNCER_SC),
            ("del", POD_SC + ".seccompProfile"),
            ("del", POD_SC + ".runAsNonRoot"),
        ],
        None,
        {"restricted": [("pss-run-as-non-root", None, "securityContext.runAsNonRoot")]},
    ),
]


def _triples(violations):
    return sorted((v["id"], v["container"] or "", v["path"]) for v in violations)


def _expected(triples):
    return sorted((rule_id, container or "", path) for rule_id, container, path in triples)


PARAMS = [
    pytest.param(changes, metadata, level, expected, id=f"{case_id}-{level}")
    for case_id, changes, metadata, by_level in CASES
    for level, expected in by_level.items()
]


@pytest.mark.parametrize("changes, metadata, level, expected", PARAMS)
def test_check_pod_spec(changes, metadata, level, expected):
    violations = check_pod_spec(spec_with(*changes), level, metadata)
    assert _triples(violations) == _expected(expected)
    for violation in violations:
        assert set(violation) == {"id", "container", "path", "message"}
        assert violation["id"] in VIOLATION_IDS
        assert "set" in violation["message"] or "remove" in violation["message"] or "use" in violation["message"]


@pytest.mark.parametrize("rule_id", VIOLATION_IDS)
def test_every_rule_has_a_triggering_case(rule_id):
    triggered = {triple[0] for case in CASES for expected in case[3].values() for triple in expected}
    assert rule_id in triggered


def test_every_level_is_covered():
    covered = {level for case in CASES for level in case[3]}
    assert covered == set(LEVELS)


def _message(spec, rule_id, level="restricted"):
    return next(v["message"] for v in check_pod_spec(spec, level) if v["id"] == rule_id)


def test_lower_case_all_message_explains_case():
    message = _message(spec_with(("set", SYNCER_SC + ".capabilities.drop", ["all"])), "pss-capabilities")
    assert "upper case" in message
    assert "'all'" in message
    assert "set capabilities.drop: [ALL]" in message


def test_cap_prefix_message_names_the_accepted_spelling():
    spec = spec_with(("set", SYNCER_SC + ".capabilities.add", ["CAP_NET_BIND_SERVICE"]))
    message = _message(spec, "pss-capabilities")
    assert "'CAP_NET_BIND_SERVICE'" in message
    assert "use 'NET_BIND_SERVICE'" in message


def test_implicit_run_as_non_root_names_every_container_and_says_pod_level():
    message = _message(spec_with(("del", POD_SC + ".runAsNonRoot")), "pss-run-as-non-root")
    assert "'kubernetes', 'syncer'" in message
    assert "at pod level" in message


def test_implicit_seccomp_names_only_uncovered_containers():
    spec = spec_with(("del", POD_SC + ".seccompProfile"), ("set", SYNCER_SC + ".seccompProfile", {"type": "Localhost"}))
    message = _message(spec, "pss-seccomp")
    assert "'kubernetes'" in message
    assert "syncer" not in message
    assert "RuntimeDefault" in message


def test_unnamed_container_is_identified_by_index():
    spec = {"containers": [{"image": "x", "securityContext": {"privileged": True}}]}
    assert _triples(check_pod_spec(spec, "baseline")) == [
        ("pss-privileged", "", "containers[0].securityContext.privileged")
    ]


def test_empty_spec_is_allowed():
    assert check_pod_spec({}, "restricted") == []
    assert check_pod_spec(None, "baseline") == []


def test_unknown_level_is_rejected():
    with pytest.raises(ValueError, match="baseline, restricted"):
        check_pod_spec({}, "privileged")


# --- section 8.3 of the vcluster reference: candidate restricted values, as the chart renders them


def _section_8_3_objects():
    container_sc = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": 12345,
        "runAsGroup": 12345,
    }
    init_sc = dict(container_sc, seccompProfile={"type": "RuntimeDefault"})
    statefulset = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "tenant-a", "namespace": "tenant-a"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "vcluster"}},
                "spec": {
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 12345,
                        "runAsGroup": 12345,
                        "fsGroup": 12345,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "initContainers": [{"name": "kubernetes", "securityContext": init_sc}],
                    "containers": [
                        {"name": "syncer", "securityContext": container_sc, "ports": [{"containerPort": 8443}]}
                    ],
                    "volumes": [
                        {"name": "helm-cache", "emptyDir": {}},
                        {"name": "tmp", "emptyDir": {}},
                        {"name": "certs", "emptyDir": {}},
                        {"name": "binaries", "emptyDir": {}},
                        {"name": "vcluster-config", "secret": {"secretName": "vc-config-tenant-a"}},
                        {"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
                    ],
                },
            },
            "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
        },
    }
    coredns = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "tenant-a-coredns"},
        "spec": {
            "template": {
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [
                        {
                            "name": "coredns",
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                                "readOnlyRootFilesystem": True,
                                "runAsNonRoot": True,
                                "runAsUser": 12345,
                                "runAsGroup": 12345,
                            },
                        }
                    ],
                    "volumes": [{"name": "config-volume", "configMap": {"name": "coredns"}}],
                }
            }
        },
    }
    return [statefulset, coredns]


def test_section_8_3_hardened_values_are_allowed_at_restricted():
    assert check_manifests(_section_8_3_objects(), "restricted") == []
    assert count_pod_templates(_section_8_3_objects()) == 2


def test_recipe_values_fail_for_case_and_prefix():
    objects = _section_8_3_objects()
    syncer_sc = objects[0]["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    syncer_sc["capabilities"] = {"drop": ["all"]}
    objects[1]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["capabilities"]["add"] = [
        "CAP_NET_BIND_SERVICE"
    ]
    assert [(v["kind"], v["container"], v["id"], v["path"]) for v in check_manifests(objects)] == [
        (
            "StatefulSet",
            "syncer",
            "pss-capabilities",
            "spec.template.spec.containers[syncer].securityContext.capabilities.drop",
        ),
        (
            "Deployment",
            "coredns",
            "pss-capabilities",
            "spec.template.spec.containers[coredns].securityContext.capabilities.add",
        ),
    ]


# --- pod templates of every workload kind


def _template(spec):
    return {"metadata": {"labels": {"app": "x"}}, "spec": spec}


WORKLOADS = [
    ("Pod", lambda spec: {"metadata": {"name": "p"}, "spec": spec}, "spec"),
    ("Deployment", lambda spec: {"spec": {"template": _template(spec)}}, "spec.template.spec"),
    ("StatefulSet", lambda spec: {"spec": {"template": _template(spec)}}, "spec.template.spec"),
    ("DaemonSet", lambda spec: {"spec": {"template": _template(spec)}}, "spec.template.spec"),
    ("ReplicaSet", lambda spec: {"spec": {"template": _template(spec)}}, "spec.template.spec"),
    ("ReplicationController", lambda spec: {"spec": {"template": _template(spec)}}, "spec.template.spec"),
    ("Job", lambda spec: {"spec": {"template": _template(spec)}}, "spec.template.spec"),
    (
        "CronJob",
        lambda spec: {"spec": {"jobTemplate": {"spec": {"template": _template(spec)}}}},
        "spec.jobTemplate.spec.template.spec",
    ),
    ("PodTemplate", lambda spec: {"template": _template(spec)}, "template.spec"),
]


@pytest.mark.parametrize("kind, build, spec_path", WORKLOADS, ids=[w[0] for w in WORKLOADS])
def test_pod_templates_of_every_workload_kind(kind, build, spec_path):
    spec = hardened_spec()
    manifest = dict(build(spec), kind=kind)
    [(metadata, found_spec, found_path)] = pod_templates(manifest)
    assert found_spec is spec
    assert found_path == spec_path
    assert isinstance(metadata, dict)


@pytest.mark.parametrize("kind, build, spec_path", WORKLOADS, ids=[w[0] for w in WORKLOADS])
def test_check_manifests_reports_full_paths(kind, build, spec_path):
    manifest = dict(build(spec_with(("set", SYNCER_SC + ".runAsUser", 0))), kind=kind)
    manifest.setdefault("metadata", {}).update(name="w", namespace="ns")
    assert check_manifests([manifest]) == [
        {
            "kind": kind,
            "name": "w",
            "namespace": "ns",
            "container": "syncer",
            "id": "pss-run-as-user",
            "path": spec_path + ".containers[syncer].securityContext.runAsUser",
            "message": check_pod_spec(spec_with(("set", SYNCER_SC + ".runAsUser", 0)))[0]["message"],
        }
    ]


def test_apparmor_annotation_path_is_on_the_template_metadata():
    manifest = {
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "template": {
                "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/syncer": "unconfined"}},
                "spec": hardened_spec(),
            }
        },
    }
    [violation] = check_manifests([manifest], "baseline")
    assert violation["path"] == (
        "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/syncer]"
    )


@pytest.mark.parametrize(
    "manifest",
    [
        {"kind": "Service", "spec": {"containers": [{"name": "x", "securityContext": {"privileged": True}}]}},
        {"kind": "ConfigMap", "data": {"a": "b"}},
        {"kind": "CustomResourceDefinition", "spec": {"template": {"spec": {"hostNetwork": True}}}},
        {"kind": "Deployment", "spec": {}},
        {"spec": {"hostNetwork": True}},
        {},
    ],
    ids=["Service", "ConfigMap", "CRD", "Deployment-without-template", "no-kind", "empty"],
)
def test_other_kinds_are_skipped(manifest):
    assert pod_templates(manifest) == []
    assert check_manifests([manifest], "baseline") == []


@pytest.mark.parametrize("api_version", ["apps/v1", "apps/v1beta2", None])
def test_workload_kinds_are_read_in_their_api_group_or_without_api_version(api_version):
    manifest = {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": _template({"hostPID": True})}}
    if api_version:
        manifest["apiVersion"] = api_version
    assert [v["id"] for v in check_manifests([manifest], "baseline")] == ["pss-host-namespaces"]


@pytest.mark.parametrize(
    "kind, api_version",
    [("Deployment", "example.com/v1"), ("Pod", "example.com/v1"), ("Job", "apps/v1"), ("PodTemplate", "apps/v1")],
)
def test_a_workload_kind_of_another_api_group_is_skipped_like_the_admission(kind, api_version):
    """The admission reads pods, podtemplates, replicationcontrollers (core), apps and batch workloads only."""
    privileged = {"hostPID": True, "containers": [{"name": "c", "securityContext": {"privileged": True}}]}
    manifest = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "lookalike"},
        "spec": {"template": _template(privileged), **privileged},
        "template": _template(privileged),
    }
    assert pod_templates(manifest) == []
    assert check_manifests([manifest], "baseline") == []


def _host_network_pod(kind, ports):
    spec = {"hostNetwork": True, "containers": [{"name": "c", "ports": ports}]}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "p"}, "spec": {"template": _template(spec)}}


@pytest.mark.parametrize("host_port", [None, 0])
def test_host_network_pod_gets_host_ports_defaulted_like_the_api_server(host_port):
    """A Pod (not a template) with hostNetwork gets hostPort = containerPort before admission (SetDefaults_Pod)."""
    port = {"containerPort": 8080} if host_port is None else {"containerPort": 8080, "hostPort": host_port}
    manifest = _host_network_pod("Pod", [port])
    violations = check_manifests([manifest], "baseline")
    assert [(v["id"], v["container"]) for v in violations] == [("pss-host-namespaces", None), ("pss-host-ports", "c")]
    assert "hostPort 8080 is forbidden" in violations[1]["message"]
    assert "remove hostNetwork" in violations[1]["message"]
    assert manifest["spec"]["containers"][0]["ports"] == [port]  # the caller's object is not changed


def test_host_network_template_keeps_its_ports_like_the_api_server():
    """Pod templates are not defaulted (since 1.28): a Deployment's pods get hostPort, its template does not."""
    manifest = _host_network_pod("Deployment", [{"containerPort": 8080}])
    assert [v["id"] for v in check_manifests([manifest], "baseline")] == ["pss-host-namespaces"]


def test_check_manifests_skips_empty_entries_and_expands_lists():
    pod = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostPID": True}}
    manifests = [None, {}, {"kind": "List", "items": [pod, None]}]
    assert [(v["kind"], v["name"], v["id"]) for v in check_manifests(manifests, "baseline")] == [
        ("Pod", "p", "pss-host-namespaces")
    ]
    assert count_pod_templates(manifests) == 1


# --- YAML input


MULTI_DOC = """
# Source: vcluster/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: vc-tenant-a
---
---
# Source: only a comment
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: tenant-a
  namespace: tenant-a
spec:
  template:
    spec:
      containers:
        - name: syncer
          securityContext:
            runAsUser: 0
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c}]}
...
"""


def test_load_manifests_multi_document():
    objects = load_manifests(MULTI_DOC)
    assert [obj["kind"] for obj in objects] == ["ServiceAccount", "StatefulSet", "Pod"]
    ids = {(v["kind"], v["id"]) for v in check_manifests(objects, "restricted")}
    assert ("StatefulSet", "pss-run-as-user") in ids
    assert ("Pod", "pss-run-as-non-root") in ids
    assert count_pod_templates(objects) == 2


@pytest.mark.parametrize("text", ["", "---\n", "# nothing\n---\n---\n"])
def test_load_manifests_empty(text):
    assert load_manifests(text) == []


@pytest.mark.parametrize(
    "text, error", [("kind: [unclosed", "not valid YAML"), ("just a string\n", "document 1 is a str")]
)
def test_load_manifests_errors(text, error):
    with pytest.raises(ValueError, match=error):
        load_manifests(text)
