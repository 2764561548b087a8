# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""to_yaml writes the same text whichever emitter PyYAML has, so a values file never changes with the machine."""

import glob
import os

import pytest
import yaml
from conftest import VCLUSTER_DATA

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import yaml_support


class _PurePythonNoAlias(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def pure_python_yaml(values):
    return yaml.dump(values, Dumper=_PurePythonNoAlias, default_flow_style=False, sort_keys=True)


def test_the_c_emitter_is_used_where_libyaml_is_installed():
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML is built without libyaml: to_yaml uses the pure-Python emitter")
    assert issubclass(yaml_support._NoAliasDumper, yaml.CSafeDumper)


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(VCLUSTER_DATA, "*", "values.yaml"))))
def test_chart_defaults_are_written_as_the_pure_python_emitter_writes_them(path):
    with open(path, encoding="utf-8") as handle:
        values = yaml.safe_load(handle)
    assert yaml_support.to_yaml(values) == pure_python_yaml(values)


ODD_STRINGS = [
    "é ünïcode ☃ 😀",
    "word " * 40,
    "line1\nline2\n",
    "trailing\n\n",
    "012",
    "yes",
    "",
    " leading space",
    "a: b",
    "\t tab",
    "'\"",
    "\x07bell",
    "a\u00a0b",
    "a\u2028b",
    "a\rb",
]


@pytest.mark.parametrize("text", ODD_STRINGS)
def test_odd_strings_are_written_as_the_pure_python_emitter_writes_them(text):
    values = {"key": text, "list": [text, {"nested": text}], "number": 0.1, "empty": {}, "none": None}
    assert yaml_support.to_yaml(values) == pure_python_yaml(values)
    assert yaml.safe_load(yaml_support.to_yaml(values)) == values
