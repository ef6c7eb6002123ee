"""The one place where typed domain errors become HTTP responses (and CLI errors)."""
from __future__ import annotations

import functools
import logging

import click

from flask import Flask, current_app, g, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from webapp.api.contract import respond
from webapp.api.schemas import Error
from webapp.i18n import error_message, translate
from zones.errors import (N_, Conflict, InvalidData, InvalidParameter, NotFound, ServiceUnavailable,
                          XuequError)

log = logging.getLogger(__name__)

STATUS_BY_ERROR = (
    (InvalidParameter, 400),
    (InvalidData, 422),
    (NotFound, 404),
    (Conflict, 409),
    (ServiceUnavailable, 503),
)
HTTP_CODES = {400: "invalid_parameter", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 414: "uri_too_long",
              429: "rate_limited",
              503: "service_unavailable"}


def status_for(error: XuequError) -> int:
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(error, cls)), 500)


def error_body(code: str, message: str, field: str | None = None, hint: str | None = None
               ) -> dict:
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    if hint:
        body["hint"] = hint
    return {"error": body}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" \
        or request.accept_mimetypes.best == "application/json"


def _respond(status: int, body: dict):
    if _wants_json():  # the body as the declared `Error` type (webapp/api/schemas.py)
        return respond(Error, body, status)
    return render_template("error.html", error=body["error"], status=status), status


def register(app: Flask) -> None:
    @app.errorhandler(XuequError)
    def domain_error(error: XuequError):
        return _respond(status_for(error), error_body(error.code, error_message(error),
                                                      error.field, error.hint))

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        # Down, unreachable or locked: the request may work in a minute, so 503, not 500.
        # Logged once a minute with the driver's message, not a traceback per request.
        current_app.extensions["xuequ"].published.outage.failed(error)
        if "_login_user" not in g:  # loading the signed-in user failed: show the page as
            g._login_user = current_app.login_manager.anonymous_user()  # Flask-Login's slot
        response = make_response(domain_error(ServiceUnavailable(N_(
            "数据库暂时无法访问，请稍后再试，或拨打招生咨询电话。"))))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = HTTP_CODES.get(error.code, "http_error")
        response = make_response(_respond(error.code, error_body(
            code, translate(_http_message(error.code)))))
        for name, value in error.get_headers():  # Allow on a 405, Retry-After on a 429, …
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return _respond(500, error_body("internal_error", translate(N_(
            "系统出错了，我们已记录。请稍后再试，或拨打招生咨询电话。"))))


def _http_message(status: int) -> str:
    return {
        400: N_("请求有误。"), 403: N_("您的账户没有权限进行此操作。"),
        404: N_("没有找到这个页面或资源。"), 405: N_("不支持这种请求方式。"),
        413: N_("上传的文件太大了。"), 414: N_("网址太长了。"), 429: N_("请求太频繁，请稍后再试。"),
        503: N_("服务暂时不可用，请稍后再试。"),
    }.get(status, N_("请求无法完成。"))


def guarded_command(function):
    """A CLI command whose domain errors end it with their message (exit status 1)."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except XuequError as error:
            raise click.ClickException(str(error)) from error
    return run
