# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Rancher's v3 API (rancher/norman v0.6.1, the version rancher v2.12.0's go.mod pins) does with a request,
independent of the resource: error bodies, collections and their pages, and how a PUT is merged into the object.

* Error bodies: httperror/handler/handler.go + api/writer/json.go (``type``/``baseType`` ``error``, int ``status``,
  ``code``, ``message``, ``fieldName``); errors of the Kubernetes store keep the Kubernetes status code and use
  its reason as the code (store/proxy/error_wrapper.go ``translateError``), which is how a webhook denial reaches a
  v3 client (400 ``BadRequest`` "admission webhook ... denied the request: ...").
* Pages: parse/collection.go ``parsePagination`` (``limit`` default 1000, at most 10000, -1 means the most) and
  api/handler/query.go ``ApplyPagination`` (``marker`` = id of the first item of the page; ``next`` is the request
  URL with ``marker`` set to the first id of the next page, urlbuilder/url.go ``Marker``).
* Updates: store/proxy/proxy_store.go ``Update`` merges the body into the stored object with
  types/convert/merge/merge.go ``APIUpdateMerge``: labels and annotations in the body *replace* the old ones
  except keys containing ``cattle.io/`` (but ``field.cattle.io/*`` other than ``field.cattle.io/creatorId``), which
  keep their stored value and cannot be set (``mergeProtected``); a labels/annotations map absent from the body
  leaves them alone; struct-typed fields merge key by key, plain maps and lists are replaced; with
  ``?_replace=true`` every updatable field the body does not carry is dropped first (``copyMapReplace``).
"""

import copy
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000


class ApiError(Exception):
    """An error answer. ``fmt``: ``norman`` (int status), ``auth`` (status as a string), ``steve``, ``k8s``."""

    def __init__(self, status, code, message, field=None, fmt="norman"):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.fmt = fmt

    def body(self):
        if self.fmt == "k8s":
            return {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": self.message,
                "reason": self.code,
                "code": self.status,
            }
        if self.fmt == "auth":
            return {"type": "error", "status": str(self.status), "message": self.message}
        body = {"type": "error", "status": self.status, "code": self.code, "message": self.message}
        if self.fmt == "norman":
            body["baseType"] = "error"
        if self.field:
            body["fieldName"] = self.field
        return body


def webhook_denied(webhook, message, status=400, reason="BadRequest", fmt="norman"):
    """A validating webhook's refusal as the API server returns it (and norman/Steve pass it on)."""
    return ApiError(status, reason, 'admission webhook "%s" denied the request: %s' % (webhook, message), fmt=fmt)


def page_limit(query, page_size):
    """The page size of a list request: ``limit`` when given (-1 or above the maximum means the maximum)."""
    text = query.get("limit")
    if text in (None, ""):
        return page_size
    try:
        limit = int(text)
    except ValueError:
        return page_size
    if limit == -1 or limit > MAX_LIMIT:
        return MAX_LIMIT
    return limit if limit >= 0 else page_size


def paginate(items, query, request_url, page_size):
    """``(page, pagination)`` of ``items`` (each with an ``id``) for a request carrying ``limit``/``marker``."""
    limit = page_limit(query, page_size)
    total = len(items)
    start = 0
    marker = query.get("marker")
    if marker:
        for index, item in enumerate(items):
            if item.get("id") == marker:
                start = index
                break
    end = min(start + limit, total)
    pagination = {"limit": limit, "total": total}
    if items:
        if start > 0:
            pagination["previous"] = _with_marker(request_url, items[max(start - limit, 0)]["id"])
        if start < end < total:
            pagination["next"] = _with_marker(request_url, items[end]["id"])
        if start > 0 or end < total:
            pagination["partial"] = True
            pagination["first"] = _with_marker(request_url, items[0]["id"])
            last = total - limit
            if 0 < last < total:
                pagination["last"] = _with_marker(request_url, items[last]["id"])
    return items[start:end], pagination


def _with_marker(request_url, marker):
    parts = urlsplit(request_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "marker"]
    query.append(("marker", marker))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def is_protected(key):
    return "cattle.io/" in key and (not key.startswith("field.cattle.io/") or key == "field.cattle.io/creatorId")


def merge_protected(stored, sent):
    """``mergeProtected``: the map a PUT leaves for ``stored`` labels/annotations when the body has ``sent``."""
    if sent is None:
        return dict(stored or {})
    result = dict(stored or {})
    for key, value in sent.items():
        if not is_protected(key):
            result[key] = value
    for key in list(stored or {}):
        if is_protected(key) or key.startswith("field.cattle.io/"):
            continue
        if key not in sent:
            del result[key]
    return result


def merge_struct(stored, sent):
    """A struct-typed field: keys merged one by one (nested structs too), lists and scalars replaced."""
    if not isinstance(stored, dict) or not isinstance(sent, dict):
        return copy.deepcopy(sent)
    out = copy.deepcopy(stored)
    for key, value in sent.items():
        out[key] = merge_struct(stored.get(key), value) if isinstance(value, dict) else copy.deepcopy(value)
    return out


def apply_update(obj, body, updatable, struct_fields, replace):
    """Merge a PUT ``body`` into the stored ``obj`` (its spec fields at the top level, as v3 shows them)."""
    if replace:
        for key in updatable:
            if key not in body:
                obj.pop(key, None)
    for key in updatable:
        if key not in body:
            continue
        value = body[key]
        if key in struct_fields and not replace:
            obj[key] = merge_struct(obj.get(key), value)
        else:
            obj[key] = copy.deepcopy(value)
    for key in ("labels", "annotations"):
        if key in body:
            obj[key] = merge_protected(obj.get(key), body.get(key))
    return obj
