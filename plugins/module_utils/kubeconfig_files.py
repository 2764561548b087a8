# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file side of tenancy.vcluster.kubeconfig_file, shared by the module and its action plugin: read the
kubeconfigs to merge and write the result at 0600. Nothing of a kubeconfig is ever returned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import (
    PrivateFileError,
    read_text,
    sync_private_file,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import kubeconfig
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import yaml


def _load(path, must_exist):
    text = read_text(path)
    if text is None:
        if must_exist:
            raise ValueError(f"kubeconfig {path} does not exist")
        return {}
    try:
        loaded = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not a kubeconfig (YAML): {exc.__class__.__name__}") from None
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} is not a kubeconfig (a mapping)")
    return loaded


def write_task(params, check_mode):
    """The task's result: ``changed``, or ``failed`` and ``msg`` (which never quotes the content)."""
    dest = params["dest"]
    try:
        current, merged = None, []
        if params.get("merge_files"):
            current = _load(dest, must_exist=False)
            merged = [_load(path, must_exist=True) for path in params["merge_files"]]
        content = kubeconfig.kubeconfig_text(kubeconfig.file_task_kubeconfig(params, current, merged))
    except ValueError as exc:
        return {"failed": True, "msg": str(exc)}
    try:
        changed, _before = sync_private_file(dest, content, check_mode, make_parent=True)
    except (PrivateFileError, OSError) as exc:
        return {"failed": True, "msg": f"cannot write kubeconfig {dest}: {exc}"}
    return {"changed": changed}
