"""What families type never reaches the request log in full."""
from __future__ import annotations

import logging

from webapp.serving.privacy import RedactQueryFilter, redact


def test_addresses_and_coordinates_are_redacted_from_request_lines():
    line = '127.0.0.1 - - "GET /api/v1/lookup?address=临河街1662号&level=primary HTTP/1.1" 200'
    assert "临河街" not in redact(line)
    assert "level=primary" in redact(line)
    assert "43.87" not in redact("/api/v1/lookup?lat=43.87&lng=125.38")


def test_the_filter_rewrites_werkzeug_style_records():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /?address=东盛花园3栋 HTTP/1.1", "200", "-"), None)
    RedactQueryFilter().filter(record)
    assert "东盛花园" not in record.getMessage()
    assert "address=[redacted]" in record.getMessage()


def test_the_filter_keeps_gunicorn_access_records_a_mapping():
    """gunicorn passes one dict of atoms; a tuple made of it broke every access line."""
    atoms = {"r": "GET /api/v1/lookup?address=东盛花园3栋 HTTP/1.1", "s": "200", "b": "-"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '"%(r)s" %(s)s %(b)s', (atoms,), None)
    RedactQueryFilter().filter(record)
    assert record.getMessage() == '"GET /api/v1/lookup?address=[redacted] HTTP/1.1" 200 -'
