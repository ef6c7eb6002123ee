"""Shared fixtures: a small hand-made zone set for exact geometry tests, and one app
(test client) over the sample district per test session."""
from __future__ import annotations

import os
import tempfile

import pytest
import shapely
from shapely.geometry import box

from gis import crs
from zones.index import ZoneIndex
from zones.model import AddressRule, Zone, ZoneSet
from tests.sample_district import METRIC

IN_CI = os.environ.get("CI", "").lower() == "true"
# Apps built by tests keep their files (uploads, secret key) out of the repository's instance/.
os.environ.setdefault("XUEQU_INSTANCE_PATH", tempfile.mkdtemp(prefix="xuequ-instance-"))


def need(condition: bool, reason: str) -> None:
    """Skip locally when an optional tool is missing; in CI the same gap is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def own_temporary_folder():
    """Each test process its own temporary folder: the tests that check a staff upload
    left nothing behind must not see another process's check at work. (Others may pass
    through it: the throwaway PostgreSQL clusters run as the postgres user.)"""
    before = tempfile.tempdir
    folder = tempfile.mkdtemp(prefix="xuequ-tests-")
    os.chmod(folder, 0o711)
    tempfile.tempdir = folder
    yield
    tempfile.tempdir = before  # (left for multiprocessing's own clean-up at exit)


def metric_box(x0: float, y0: float, x1: float, y1: float):
    """A rectangle given in EPSG:4551 metres, returned in WGS84."""
    return crs.transform_geometry(box(x0, y0, x1, y1), METRIC, crs.WGS84)


# A 2 km x 1 km district near Erdao's centre, split at x = X0 + 1000 into two primary zones
# (west: direct, east: lottery) and covered by one middle zone.
X0, Y0 = 520000.0, 4857000.0


@pytest.fixture(scope="session")
def tiny_index() -> ZoneIndex:
    west = metric_box(X0, Y0, X0 + 1000, Y0 + 1000)
    east = metric_box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)
    district = shapely.union(west, east)
    zones = [
        Zone("W", "primary", ("S1",), "direct", "西区", west,
             (AddressRule(street="界街", number_from=1, number_to=99, parity="odd"),)),
        Zone("E", "primary", ("S2", "S3"), "lottery", "东区", east,
             (AddressRule(xiaoqu="东园", mode="exclude"),)),
        Zone("M", "middle", ("M1",), "direct", "全区", district),
    ]
    return ZoneIndex(ZoneSet("tiny", "published", None, zones=zones), district)


def to_lnglat(x: float, y: float) -> tuple[float, float]:
    lng, lat = crs.from_metric(x, y, METRIC)
    return float(lng), float(lat)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from webapp import create_app
    instance = tmp_path_factory.mktemp("instance")
    return create_app({"TESTING": True, "SECRET_KEY": "test",
                       "DATABASE_URL": f"sqlite:///{instance / 'test.sqlite3'}",
                       "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def sample_snapshot(app):
    with app.app_context():
        from webapp.services import snapshot
        return snapshot()


CHROMIUM = os.environ.get("XUEQU_CHROMIUM", "/usr/bin/chromium")
# Flags for a headless Chromium on a machine with no network but loopback.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def live_server(app):
    """The session's app served on a loopback port, for the browser tests."""
    import threading

    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    need(os.path.exists(CHROMIUM),
         f"Chromium not found at {CHROMIUM} (scripts/install-system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server):
    """A fresh phone-sized browser tab on the live server (set_viewport_size for desktop)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 812},
                                  locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


def screenshot(tab, name: str) -> str:
    """Save a screenshot under tests/artifacts/ (ignored by git) and return its path."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    tab.screenshot(path=path, full_page=True)
    return path
