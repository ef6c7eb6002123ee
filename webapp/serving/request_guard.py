"""Refuse text no part of Xuequ can hold: a NUL character anywhere in the request.

PostgreSQL cannot store or even compare a string with NUL in it (the driver raises before
the query is sent), SQLite's FTS5 ends its query at one, and no address, name, code or
message ever contains one. So it is refused once, at the edge, naming the field."""
from __future__ import annotations

from collections.abc import Iterable

from flask import request

from zones.errors import N_, InvalidParameter


def refuse_nul(items: Iterable[tuple[str, object]]) -> None:
    for name, value in items:
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            raise InvalidParameter(N_("请求中含有无效的控制字符（NUL），请删除后重试。"),
                                   field=name.replace("\x00", "") or None)


def refuse_nul_in_request() -> None:
    refuse_nul([("path", request.path)])
    refuse_nul(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        refuse_nul(request.form.items(multi=True))



def refuse_overlong_url() -> None:
    """A URL longer than any page or API call needs is refused with 414 (JSON under /api/),
    before anything parses it."""
    from flask import abort

    from webapp.serving.security_headers import MAX_URL_LENGTH
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or \
        request.full_path
    if len(raw) > MAX_URL_LENGTH:
        abort(414)
