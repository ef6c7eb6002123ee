"""Language choice and translation of domain messages (which arrive as Chinese templates)."""
from __future__ import annotations

from flask import current_app, request, session
from flask_babel import gettext

from zones.errors import XuequError


def select_locale() -> str:
    languages = current_app.extensions["xuequ"].settings.languages
    chosen = request.args.get("lang") or session.get("lang")
    # Chinese unless the user chose otherwise: the service speaks the bureau's language.
    return chosen if chosen in languages else languages[0]


def request_lang() -> str:
    """The API's language: `lang` of this request alone (the API reads no session), the
    same choice `select_locale` makes there, without asking Babel for a locale."""
    return api_language(request.args, current_app.extensions["xuequ"].settings.languages)


def api_language(args, languages: tuple[str, ...]) -> str:
    """`lang` if it is one of ours, else the first (Chinese): the API's choice, from the
    query alone (also used outside Flask, by the fast lane)."""
    chosen = args.get("lang")
    return chosen if chosen in languages else languages[0]


def current_lang() -> str:
    from flask_babel import get_locale
    return "en" if str(get_locale()).startswith("en") else "zh"


def error_message(error: XuequError) -> str:
    """A typed error's message in the user's language, with its parameters filled in.
    Parameters that are catalogue strings themselves (labels such as 小学) are translated
    too; anything else (an address, a number) is not in the catalogue and stays as it is."""
    params = {k: translate(v) if isinstance(v, str) else v for k, v in error.params.items()}
    message = translate(error.message)
    return message % params if params else message


def translate(message: str) -> str:
    """Translate a domain message template without formatting it (params come after)."""
    return gettext(message) if message else message
