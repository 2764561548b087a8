# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec of the Rancher connection options (doc fragment ``tenancy.vcluster.rancher_auth``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.client import RancherClient

RANCHER_AUTH_ARG_SPEC = dict(
    rancher_url=dict(type="str", required=True, fallback=(env_fallback, ["RANCHER_URL"])),
    rancher_token=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["RANCHER_TOKEN"])),
    rancher_ca_path=dict(type="path", fallback=(env_fallback, ["RANCHER_CA_CERT"])),
    rancher_validate_certs=dict(type="bool", default=True),
    rancher_timeout=dict(type="int", default=30),
)


def client_from_module(module, **kwargs):
    """A :class:`RancherClient` built from the module's ``rancher_*`` parameters."""
    params = module.params
    return RancherClient(
        params["rancher_url"],
        params["rancher_token"],
        ca_path=params.get("rancher_ca_path"),
        validate_certs=params.get("rancher_validate_certs", True),
        timeout=params.get("rancher_timeout") or 30,
        **kwargs
    )
