"""gzip for text responses: the first page load must stay small on a slow phone network."""
from __future__ import annotations

import gzip

from flask import Response, request

COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript",
                "image/svg+xml", "text/calendar")
MIN_BYTES = 512
LEVEL = 6


def wants_gzip() -> bool:
    return accepts_gzip(request.headers.get("Accept-Encoding", ""))


def accepts_gzip(accept_encoding: str) -> bool:
    return "gzip" in accept_encoding.lower()


def compress(response: Response) -> Response:
    if (not wants_gzip() or response.status_code != 200
            or "Content-Encoding" in response.headers
            or not response.mimetype.startswith(COMPRESSIBLE)
            or response.is_streamed and not response.direct_passthrough):
        return response
    response.direct_passthrough = False  # static files: read the file so we can compress it
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:  # the gzip body is a different representation, so it needs its own tag
        response.set_etag(f"{etag}-gzip", weak=weak)
    response.headers["Content-Length"] = str(len(response.get_data()))
    response.vary.add("Accept-Encoding")
    return response

