# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: covering
short_description: Whether an existing object already says what a wanted object says
version_added: 0.2.0
author: tenancy.vcluster maintainers
description:
  - True when the existing object (the input) has every label and annotation of the wanted object and, when the
    wanted object has a C(spec), the same spec. Applying the wanted object would then change nothing, and the roles
    send no write (kubernetes.core.k8s patches even when nothing differs).
  - False for a missing (empty) object.
options:
  _input:
    description: The object as it exists, or an empty dict.
    type: dict
    required: true
  wanted:
    description: The object the role would apply.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Apply only when something differs
  when: host.namespace is not tenancy.vcluster.covering(wanted)
  kubernetes.core.k8s:
    definition: "{{ wanted }}"
"""

RETURN = r"""
_value:
  description: Whether nothing would change.
  type: bool
"""

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.host_objects import covers


class TestModule:
    def tests(self):
        return {"covering": covers}
