"""Admission rules and results: `flask admissions validate-cycle | import-results |
purge-results`, the staff check of a cycle document, the staff import of review and draw
results (dry run first), and the families' results lookup at /results."""
from __future__ import annotations

from flask import Flask

from zones.errors import N_


def init_app(app: Flask) -> None:
    from webapp.auth.views import add_staff_link
    from webapp.enrolment.views import bp
    app.register_blueprint(bp)
    add_staff_link(app, "publish", "enrolment.staff_import", N_("导入审核和派位结果"))
    add_staff_link(app, "edit", "enrolment.cycle_check", N_("检查招生规则文件"))
