"""What every template may use: filters and the domain's label tables."""
from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup, escape

from admissions import inquiries, knowledge
from store.clock import to_beijing
from webapp.i18n import translate
from zones.model import ZONE_SET_STATUS_LABELS


def highlight(text: str, spans) -> Markup:
    """`text` escaped, with each matched span in <mark>."""
    out, last = [], 0
    for start, end in spans or ():
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def beijing_time(stored: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp as people in China read it, with the zone named."""
    if stored is None:
        return ""
    return gettext("%(time)s（北京时间）", time=to_beijing(stored).strftime(fmt))


def zone_status(status: str) -> str:
    return translate(ZONE_SET_STATUS_LABELS.get(status, status))


def register(app: Flask) -> None:
    app.jinja_env.filters.update(highlight=highlight, beijing_time=beijing_time,
                                 zone_status=zone_status)
    app.jinja_env.globals.update(
        INQUIRY_KINDS=inquiries.KINDS, INQUIRY_STATUSES=inquiries.STATUSES,
        INQUIRY_ACTIONS=inquiries.ACTIONS, DEPARTMENTS=inquiries.DEPARTMENTS,
        INQUIRY_CHANNELS=inquiries.CHANNELS, MAX_INQUIRY=inquiries.MAX_CONTENT,
        VALIDITY=knowledge.VALIDITY, POLICY_CATEGORIES=knowledge.POLICY_CATEGORIES,
        FAQ_CATEGORIES=knowledge.FAQ_CATEGORIES)
