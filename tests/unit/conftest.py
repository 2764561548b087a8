"""Make the collection importable as ``ansible_collections.tenancy.vcluster``.

Plain pytest (not ``ansible-test units``) runs these tests, so the repository is
linked into ``.cache/collections/ansible_collections/tenancy/vcluster`` and that
root is put first on ``sys.path``; the ``ansible_collections`` namespace package
then merges it with the collections bundled in the virtualenv (kubernetes.core).
"""

import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS_ROOT = os.path.join(REPO, ".cache", "collections")
SHARED = os.path.abspath(os.environ.get("TENANCY_VCLUSTER_SHARED", os.path.join(REPO, "..", "shared")))
VCLUSTER_DATA = os.path.join(SHARED, "vcluster-data")


def _link_collection():
    link = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "tenancy", "vcluster")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)


_link_collection()
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)
