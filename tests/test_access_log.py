"""The production access log (webapp/serving/access_log.py) writes the line gunicorn's own
logger writes for the configured format, with only the atoms it names."""
from __future__ import annotations

import datetime
import logging

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from webapp.serving import gunicorn_conf
from webapp.serving.access_log import AccessLogger


class Response:
    status = "200 OK"
    sent = 6516
    headers = [("Content-Type", "application/json"), ("ETag", '"v1-abc"')]


class Request:
    headers = [("HOST", "127.0.0.1:5000"), ("USER-AGENT", 'curl/8 "quoted"')]


ENVIRON = {"REQUEST_METHOD": "GET", "PATH_INFO": '/api/v1/"zones".geojson',
           "QUERY_STRING": "address=东盛小区", "RAW_URI": "/api/v1/lookup?address=x",
           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9"}


def logged_line(logger_class, log_format: str, monkeypatch) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", log_format)
    logger = logger_class(config)
    monkeypatch.setattr(logger, "now", lambda: "[02/Dec/2026:09:00:00 +0800]")
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger.access_log.handlers = [Keep()]
    logger.access(Response(), Request(), dict(ENVIRON),
                  datetime.timedelta(seconds=1, microseconds=2345))
    return lines[0]


def test_the_configured_line_is_the_one_gunicorn_writes(monkeypatch):
    ours = logged_line(AccessLogger, gunicorn_conf.access_log_format, monkeypatch)
    assert ours == logged_line(Logger, gunicorn_conf.access_log_format, monkeypatch)
    assert '"GET /api/v1/\\"zones\\".geojson" 200 6516 1.002345s' in ours  # quotes escaped


@pytest.mark.parametrize("log_format", ['%(h)s "%(r)s" %({user-agent}i)s', "%(q)s %(D)s"])
def test_a_format_naming_other_atoms_gets_all_of_them(monkeypatch, log_format):
    ours = logged_line(AccessLogger, log_format, monkeypatch)
    assert ours == logged_line(Logger, log_format, monkeypatch)
    assert "-" not in ours.split()[0]  # the atom was filled, not left as "-"


def test_the_production_settings_use_it():
    assert gunicorn_conf.logger_class == "webapp.serving.access_log.AccessLogger"


def test_the_production_server_parses_requests_in_c():
    """gunicorn uses its C parser when gunicorn_h1c (a requirement) is installed and no
    compatibility flag rules it out; the pure-Python one costs far more per request."""
    from gunicorn.http import message
    config = Config()
    for name in ("workers", "timeout", "limit_request_line"):
        config.set(name, getattr(gunicorn_conf, name))
    assert message._check_fast_parser(config)
