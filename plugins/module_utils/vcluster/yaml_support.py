# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PyYAML, imported once for the module_utils that parse or write YAML; modules report its absence."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

try:
    import yaml
except ImportError:
    yaml = None
    YAML_IMPORT_ERROR = traceback.format_exc()
else:
    YAML_IMPORT_ERROR = None

HAS_YAML = yaml is not None


# libyaml's emitter writes the same text as PyYAML's pure-Python one at a quarter of the CPU.
_SAFE_DUMPER = (getattr(yaml, "CSafeDumper", None) or yaml.SafeDumper) if yaml else object


class _NoAliasDumper(_SAFE_DUMPER):
    """Plain YAML without anchors/aliases (Helm users read and diff this file)."""

    def ignore_aliases(self, data):
        return True


def to_yaml(values):
    return yaml.dump(values, Dumper=_NoAliasDumper, default_flow_style=False, sort_keys=True)
