"""Language choice and translation of domain messages (which arrive as Chinese templates)."""
from __future__ import annotations

from flask import current_app, request, session
from flask_babel import gettext


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    # Chinese unless the user chose otherwise: the service speaks the bureau's language.
    return chosen if chosen in languages else languages[0]


def current_lang() -> str:
    from flask_babel import get_locale
    return "en" if str(get_locale()).startswith("en") else "zh"


def translate(message: str) -> str:
    """Translate a domain message template without formatting it (params come after)."""
    return gettext(message) if message else message
