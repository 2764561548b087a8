#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: rancher_project
short_description: Find or create a Rancher project by name in a cluster
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Looks up a project by its display name in a Rancher cluster through the v3 API and creates it when it does
    not exist, or deletes it with O(state=absent).
  - Returns the project id C(c-xxxxx:p-xxxxx) (C(local:p-xxxxx) in Rancher's own cluster), the value of the
    namespace annotation C(field.cattle.io/projectId) that puts a namespace into the project.
  - A created project is returned once Rancher reports it C(active) (at most 60 seconds).
  - Rancher does not require project names to be unique; when several projects have the name, the module fails
    and lists their ids.
options:
  cluster_id:
    description:
      - Id of the Rancher cluster (C(c-xxxxx), or C(local)).
    type: str
    required: true
  name:
    description:
      - Display name of the project.
    type: str
    required: true
  description:
    description:
      - Description of the project. Not managed when omitted.
    type: str
  state:
    description:
      - V(present) finds or creates the project; V(absent) deletes it (namespaces in it are left without a project).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tenancy.vcluster.rancher_auth
attributes:
  check_mode:
    support: full
    description: Reads only; nothing is created, changed or deleted.
  diff_mode:
    support: full
    description: Shows the name and description before and after.
notes:
  - Creating projects needs the cluster role C(Cluster Owner) or C(Manage Projects) on the cluster.
  - The System project cannot be deleted.
seealso:
  - module: tenancy.vcluster.rancher_cluster
"""

EXAMPLES = r"""
- name: Project for tenant vclusters in the host cluster
  tenancy.vcluster.rancher_project:
    cluster_id: c-7x9kq
    name: tenants
    description: Namespaces of tenant vclusters
    rancher_url: https://rancher.example.com
    rancher_token: "{{ vault_rancher_token }}"
  register: project

- name: Put the tenant namespace into the project
  kubernetes.core.k8s:
    state: patched
    kind: Namespace
    name: team-a
    definition:
      metadata:
        annotations:
          field.cattle.io/projectId: "{{ project.project.id }}"
"""

RETURN = r"""
project:
  description: The project; empty after deletion, or for a project that would be created in check mode.
  returned: always
  type: dict
  contains:
    id:
      description: Project id, C(<cluster id>:<project id>).
      type: str
      sample: c-7x9kq:p-5hz2w
    name:
      description: Display name.
      type: str
      sample: tenants
    cluster_id:
      description: Cluster id.
      type: str
      sample: c-7x9kq
    description:
      description: Description.
      type: str
    state:
      description: Rancher state of the project (C(initializing), C(active)...).
      type: str
    backing_namespace:
      description: Namespace of the project in the local cluster (Rancher 2.12 and later), else empty.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.args import (
    RANCHER_AUTH_ARG_SPEC,
    client_from_module,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import RancherError

# Seconds a created project may stay "initializing" before the module returns it as it is.
ACTIVE_TIMEOUT = 60.0


def summary(obj):
    if not obj:
        return {}
    return {
        "id": obj.get("id"),
        "name": obj.get("name"),
        "cluster_id": obj.get("clusterId"),
        "description": obj.get("description") or "",
        "state": obj.get("state") or "",
        "backing_namespace": obj.get("backingNamespace") or "",
    }


def diff_view(obj):
    if not obj:
        return {}
    return {"name": obj.get("name"), "description": obj.get("description") or ""}


def wait_active(client, project):
    """A new project is ``initializing`` until Rancher's project controllers ran; wait (bounded) until it is
    ``active``, as the namespaces of the tenant are put into it next."""
    deadline = client.clock() + ACTIVE_TIMEOUT
    while project.get("state") != "active" and client.clock() < deadline:
        client.sleep(client.poll_interval)
        project = client.get_project(project["id"]) or project
    return project


def run(module):
    params = module.params
    client = client_from_module(module, poll_interval=1.0)
    client.ping()
    result = {"changed": False, "project": {}}
    current = client.find_project(params["cluster_id"], params["name"])
    before = diff_view(current)
    if params["state"] == "absent":
        if current is not None:
            result["changed"] = True
            if not module.check_mode:
                client.delete_project(current["id"])
        after = {}
    elif current is None:
        body = {"name": params["name"], "clusterId": params["cluster_id"]}
        if params["description"] is not None:
            body["description"] = params["description"]
        result["changed"] = True
        after = diff_view(body)
        if not module.check_mode:
            current = wait_active(client, client.create_project(body))
            result["project"] = summary(current)
    else:
        after = before
        if params["description"] is not None and (current.get("description") or "") != params["description"]:
            result["changed"] = True
            after = dict(before, description=params["description"])
            if not module.check_mode:
                current = client.update_project(current["id"], {"description": params["description"]})
        result["project"] = summary(current)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        cluster_id=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    argument_spec.update(RANCHER_AUTH_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RancherError as err:
        module.fail_json(msg=str(err), error=err.to_dict())
    module.exit_json(**result)


if __name__ == "__main__":
    main()
