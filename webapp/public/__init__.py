"""Parents' pages: the map page and its answer panel, the wizard, the timeline calendar,
public notices (公示) of draft zone versions, and the locally served map assets."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.public.notices import bp as notices_bp
    from webapp.public.mapdata import bp as mapdata_bp
    from webapp.public.printing import bp as printing_bp
    from webapp.public.schools import bp as schools_bp
    from webapp.public.vendor import bp as vendor_bp
    from webapp.public.views import bp
    app.register_blueprint(vendor_bp)
    app.register_blueprint(bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(schools_bp)
    app.register_blueprint(mapdata_bp)
    app.register_blueprint(printing_bp)
