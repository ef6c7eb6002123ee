"""HTTP caching of open data: an ETag keyed by the zone version and the content, and a
Cache-Control that fits (a version whose time is over never changes: immutable)."""
from __future__ import annotations

import hashlib

from flask import Response, g, request

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=60"


def cacheable(response: Response, version_id: str, immutable: bool = False,
              volatile: str | None = None, content: bytes | None = None) -> Response:
    """Tag the response; a matching If-None-Match (also the gzip variant's tag) gets 304.
    `volatile` is text left out of the tag, such as the time the response was made;
    `content` stands for a body that differs byte for byte each time it is written."""
    content = response.get_data() if content is None else content
    if volatile:
        content = content.replace(volatile.encode(), b"")
    if "csp_nonce" in g:  # an HTML page's script nonce is new on every response
        content = content.replace(g.csp_nonce.encode(), b"")
    digest = hashlib.sha256(content).hexdigest()[:20]
    tag = f"{version_id}-{digest}"
    response.set_etag(tag)
    response.headers["Cache-Control"] = IMMUTABLE if immutable else REVALIDATE
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    if request.if_none_match.contains(tag) or request.if_none_match.contains(f"{tag}-gzip"):
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Length", None)
    return response
