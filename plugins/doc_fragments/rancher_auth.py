# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  rancher_url:
    description:
      - Root URL of the Rancher server, for example C(https://rancher.example.com).
      - A trailing C(/v3), C(/v1) or C(/dashboard) is ignored.
      - If not set, the value of the E(RANCHER_URL) environment variable is used.
    type: str
    required: true
  rancher_token:
    description:
      - Rancher API token C(token-xxxxx:secret) (an API key). Sent as a bearer token.
      - Managing clusters needs an unscoped token (scope C(No Scope)); a cluster-scoped token only works
        for that one cluster and is refused with HTTP 401 elsewhere.
      - Never logged or returned.
      - If not set, the value of the E(RANCHER_TOKEN) environment variable is used.
    type: str
    required: true
  rancher_ca_path:
    description:
      - PEM file with the CA certificate(s) that Rancher's TLS certificate must chain to. Use it for a Rancher
        with a private or self-signed CA (the PEM is served at C(<rancher_url>/v3/settings/cacerts)) instead of
        turning verification off.
      - If not set, the value of the E(RANCHER_CA_CERT) environment variable is used, and otherwise the system
        trust store.
    type: path
  rancher_validate_certs:
    description:
      - Verify Rancher's TLS certificate. Only turn this off in throwaway labs; prefer O(rancher_ca_path).
    type: bool
    default: true
  rancher_timeout:
    description:
      - Timeout in seconds of each HTTP request to Rancher. Failed requests (HTTP 500, 502, 503, 504, 409 and
        connection errors) are retried with exponential backoff, at most 5 times and 60 seconds in all.
    type: int
    default: 30
"""
