"""The parents' services, linked from every public page's header and footer, and the
links an answer offers on (FAQ entries, policy documents, the complaint form)."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext

# (endpoint, short label for the header on a phone, full label for the footer)
PUBLIC_SERVICES = (
    ("public.index", lazy_gettext("查学区"), lazy_gettext("查学区")),
    ("public.wizard", lazy_gettext("材料自查"), lazy_gettext("入学材料自查")),
    ("disclosure.faq", lazy_gettext("常见问题"), lazy_gettext("常见问题")),
    ("disclosure.directory", lazy_gettext("信息公开"), lazy_gettext("政府信息公开")),
    ("notices.notice_list", lazy_gettext("公示"), lazy_gettext("公示")),
    ("disclosure.complaints_home", lazy_gettext("咨询投诉"), lazy_gettext("咨询与投诉")),
    ("disclosure.inquiry_status", lazy_gettext("办理进度"), lazy_gettext("办理进度")),
)
STAFF_PREFIXES = ("/staff", "/hotline")


def navigation_context() -> dict:
    return {"staff_page": request.path.startswith(STAFF_PREFIXES),
            "public_services": [(e, short) for e, short, _ in PUBLIC_SERVICES],
            "public_services_long": [(e, full) for e, _, full in PUBLIC_SERVICES]}
