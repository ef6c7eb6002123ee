"""The hotline: the operator console (answers during a call) and the inquiry cases
(intake, 转办, school replies, 办结, 督办, publishing, statistics), with `inquiries purge`."""
from __future__ import annotations

from flask import Flask

from zones.errors import N_


def init_app(app: Flask) -> None:
    from webapp.auth.views import add_staff_link
    from webapp.hotline.views import bp
    app.register_blueprint(bp)
    add_staff_link(app, "hotline", "hotline.console_page", N_("热线工作台"))
    add_staff_link(app, "hotline", "hotline.inquiry_list", N_("来电来信工单"))
    add_staff_link(app, "school_reply", "hotline.inquiry_list", N_("本校待办工单"))
    add_staff_link(app, "publish", "hotline.overdue", N_("督办提醒"))
    add_staff_link(app, "publish", "hotline.stats", N_("来电来信统计"))
