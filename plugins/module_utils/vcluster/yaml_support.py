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
