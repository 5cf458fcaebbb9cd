"""Conditional requests on the API (RFC 9110 §13): an ETag on every detail response, 304 for a GET whose
If-None-Match still holds, 412 for a write whose If-Match no longer does.

Issue 8: "Concurrent edits: a version check on ledger items (and ETag/If-Match on the API); the second
writer gets 409/412 and a clear message, never a silent overwrite."

A write without If-Match is still accepted (no 428 Precondition Required): the pages, the Excel import and
existing API clients guard a ledger item with the `version` they read, which keeps answering 409, and the
other writes (an order line's answer, an action's decision) are state moves that refuse a second,
conflicting move by themselves. If-Match is the HTTP way to the same check, for clients that want it.
"""

import hashlib
import json

from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

STALE = "该记录已被他人修改（If-Match 与当前 ETag 不符），请重新读取后再提交。"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = STALE
    default_code = "precondition_failed"


def representation_etag(data: dict) -> str:
    """A strong tag of the JSON the client would read: any visible change gives another tag."""
    body = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" and "x" are the same there."""
    return tag.removeprefix("W/")


class ConditionalMixin:
    """For a viewset: ETag on retrieve and on every write that answers with the object; If-Match checked
    whenever a write fetches its object through `get_object()`, so before anything changes."""

    def etag_of(self, data: dict) -> str:
        return representation_etag(data)

    def if_match_tags(self) -> list[str] | None:
        """The tags of If-Match on a write, or None when the client sent none (or this is a read)."""
        header = self.request.headers.get("If-Match")
        if not header or self.request.method in SAFE_METHODS:
            return None
        return parse_etags(header)

    def get_object(self):
        obj = super().get_object()
        tags = self.if_match_tags()
        if tags is not None and "*" not in tags and self.etag_of(self.get_serializer(obj).data) not in tags:
            raise PreconditionFailed()
        return obj

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        data = self.get_serializer(self.get_object()).data
        tag = self.etag_of(data)
        wanted = request.headers.get("If-None-Match")
        if wanted and ("*" in (tags := parse_etags(wanted)) or _opaque(tag) in map(_opaque, tags)):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    def tagged(self, obj, code: int = status.HTTP_200_OK) -> Response:
        """The object as a write's answer, with the tag the client sends as If-Match next time."""
        data = self.get_serializer(obj).data
        return Response(data, status=code, headers={"ETag": self.etag_of(data)})
