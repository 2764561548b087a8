"""The AWX surveys (extensions/awx/template_surveys) against the collection's variables.

Every survey question must reach a tenant contract variable (plugins/module_utils/vcluster/tenant.py) through
extensions/awx/vars/survey_tenant.yml, with a compatible type and allowed values: survey answers are strings, so
anything that is not a string must be converted explicitly in the map.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import CONTRACT

REPO = Path(__file__).resolve().parents[2]
AWX = REPO / "extensions" / "awx"
SURVEYS = sorted((AWX / "template_surveys").glob("*.yml"))
AWX_QUESTION_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}


def load(path: Path):
    return yaml.safe_load(path.read_text())


SURVEY_MAP = load(AWX / "vars" / "survey_tenant.yml")["tenancy_awx_survey_map"]
BOOLEAN_ANSWERS = load(AWX / "vars" / "survey_tenant.yml")["tenancy_awx_survey_booleans"]


def produced_type(expression: str) -> str:
    """What the map's expression for a contract variable yields from string answers."""
    if "from_yaml" in expression or re.search(r"\{\s*'", expression):
        return "dict"
    if "| bool" in expression:
        return "bool"
    if "| int" in expression:
        return "int"
    return "str"


def questions():
    for path in SURVEYS:
        for question in load(path)["spec"]:
            yield pytest.param(path.stem, question, id=f"{path.stem}:{question['variable']}")


@pytest.mark.parametrize(("survey", "question"), list(questions()))
def test_every_survey_question_reaches_a_typed_variable(survey, question):
    variable = question["variable"]
    assert question["type"] in AWX_QUESTION_TYPES
    assert variable.startswith("survey_"), "survey variables never reuse a contract name (extra vars win)"

    targets = [c for c, expr in SURVEY_MAP.items() if re.search(rf"\b{variable}\b", expr)]
    assert len(targets) == 1, f"{variable} must map onto exactly one contract variable in vars/survey_tenant.yml"
    contract = targets[0]
    expression = SURVEY_MAP[contract]
    produced = produced_type(expression)

    assert contract in CONTRACT, f"{contract} is not a tenant contract variable (module_utils/vcluster/tenant.py)"
    kind, _default, choices = CONTRACT[contract]
    expected = "str" if kind == "path" else kind
    assert expected == produced, f"{variable} -> {contract} yields {produced}, the contract expects {expected}"

    if produced == "bool":
        assert variable in BOOLEAN_ANSWERS, f"{variable} must be checked as true/false before | bool"
        assert question["type"] == "multiplechoice" and set(question["choices"]) <= {"true", "false"}
    if question["type"] == "multiplechoice":
        assert str(question.get("default", question["choices"][0])) in question["choices"]
        if produced == "str" and choices is not None:
            assert set(question["choices"]) <= set(choices), f"{variable} vs {contract}"
        if contract == "vcluster_expose":
            module = (REPO / "plugins" / "modules" / "vcluster_values.py").read_text()
            for choice in question["choices"]:
                assert choice in module, f"expose type {choice} unknown to vcluster_values"


def test_survey_files_are_used_and_variables_unique():
    templates = load(AWX / "job_templates.yml")["tenancy_awx_job_templates"]
    used = {t["survey"] for t in templates if "survey" in t}
    assert used == {f"template_surveys/{p.name}" for p in SURVEYS}
    for path in SURVEYS:
        names = [q["variable"] for q in load(path)["spec"]]
        assert len(names) == len(set(names)), path
    for template in templates:
        assert (AWX / template["playbook"]).exists(), template["name"]


def test_credential_types_inject_what_the_collection_reads():
    from_env = set(re.findall(r'"([A-Z0-9_]+)"', (REPO / "plugins/module_utils/rancher/args.py").read_text()))
    rancher = load(AWX / "credential_types" / "rancher_api.yml")
    assert set(rancher["injectors"]["env"]) == {"RANCHER_URL", "RANCHER_TOKEN", "RANCHER_CA_CERT"} <= from_env
    assert [f["id"] for f in rancher["inputs"]["fields"] if f.get("secret")] == ["token"]
    host = load(AWX / "credential_types" / "host_cluster_kubeconfig.yml")
    assert host["injectors"]["env"] == {"K8S_AUTH_KUBECONFIG": "{{ tower.filename.kubeconfig }}"}
    assert host["injectors"]["file"] == {"template.kubeconfig": "{{ kubeconfig }}"}
