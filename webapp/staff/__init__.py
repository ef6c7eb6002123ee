"""Bureau staff: zone versions (upload → check → draft → notice → publish, rollback),
the audit log, the knowledge base editor, and the `zones` commands."""
from __future__ import annotations

from flask import Flask

from zones.errors import N_


def init_app(app: Flask) -> None:
    from webapp.auth.views import add_staff_link
    from webapp.staff.knowledge import bp as knowledge_bp
    from webapp.staff.zones import bp as zones_bp
    app.register_blueprint(zones_bp)
    app.register_blueprint(knowledge_bp)
    add_staff_link(app, "edit", "kb_admin.index", N_("知识库（常见问题、政策文件）"))
    add_staff_link(app, "edit", "staff_zones.versions", N_("学区版本：上传、校验、公示、发布"))
    add_staff_link(app, "edit", "staff_zones.audit_log", N_("操作日志"))
