"""Rate limits hold across real gunicorn workers, in Redis and in the embedded SQLite store;
with the store unreachable, lookups fail open and submissions fail closed, logged once."""
from __future__ import annotations

import concurrent.futures
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
FORM = {"kind": "consult", "content": "请问登记时间？", "caller_name": "李先生",
        "caller_phone": "13600001111"}


def _redis_up() -> bool:
    import redis
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def prepared_database(tmp_path_factory):
    """A database with the sample loaded, so that the workers only read it."""
    from webapp import create_app
    folder = tmp_path_factory.mktemp("workers")
    create_app({"DATABASE_URL": f"sqlite:///{folder / 'workers.sqlite3'}", "SECRET_KEY": "w"})
    return folder


def _serve(folder: Path, port: int, config: str, env_extra: dict) -> subprocess.Popen:
    instance = folder / f"instance-{uuid.uuid4().hex[:6]}"
    instance.mkdir()
    (instance / "config.py").write_text(config)
    env = {**os.environ, "XUEQU_INSTANCE_PATH": str(instance), "SECRET_KEY": "w",
           "DATABASE_URL": f"sqlite:///{folder / 'workers.sqlite3'}",
           "XUEQU_INQUIRY_LOOKUP_LIMIT": "10 per minute", **env_extra}
    served = instance / "served.txt"
    # A gunicorn hook notes which worker answered each request.
    (instance / "gunicorn_test.py").write_text(
        "def post_request(worker, req, environ, resp):\n"
        f"    with open({str(served)!r}, 'a') as f:\n"
        "        f.write(f'{worker.pid} {resp.status_code}\\n')\n")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "-c", str(instance / "gunicorn_test.py"), "webapp:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server.served = served
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn exited early")
        try:  # two at a time, until both workers have answered
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(_status, [f"http://127.0.0.1:{port}/healthz"] * 2))
        except OSError:
            pass
        if served.exists() and len({line.split()[0] for line in
                                    served.read_text().splitlines()}) == 2:
            served.unlink()
            return server
        time.sleep(0.2)
    server.kill()
    pytest.fail("gunicorn's two workers did not both answer within 90 s")


def _eleven_lookups_across_two_workers(folder: Path, config: str, env_extra: dict):
    port = _free_port()
    server = _serve(folder, port, config, env_extra)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/inquiries/EDJY-2027-000001?phone_last4=1234"
        # Ten at once, so that both workers are busy, then the eleventh.
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            first = list(pool.map(lambda _: _status(url), range(10)))
        eleventh = _status(url)
        lines = [line.split() for line in server.served.read_text().splitlines()]
        workers = {pid for pid, status in lines if status == "404"}
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert first == [404] * 10
    assert eleventh == 429
    assert len(workers) == 2, f"both workers should have answered: {lines}"


def test_the_embedded_store_holds_the_limit_across_two_workers(prepared_database):
    _eleven_lookups_across_two_workers(prepared_database, "", {})
    assert (prepared_database / "ratelimits.sqlite3").exists()


def test_redis_holds_the_limit_across_two_workers(prepared_database):
    need(_redis_up(), f"Redis not reachable at {REDIS_URL}")
    import redis
    prefix = f"xuequ-test-{uuid.uuid4().hex[:8]}"
    try:
        _eleven_lookups_across_two_workers(
            prepared_database, f"RATELIMIT_KEY_PREFIX = {prefix!r}\n",
            {"XUEQU_REDIS_URL": REDIS_URL})
        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
        assert keys, "the counters should be in Redis"
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)


@pytest.fixture()
def redis_down_app(tmp_path):
    from webapp import create_app
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    from webapp.extensions import limiter
    # The limiter is one object bound to every app a test process builds; the last app
    # configures its store. Put back the previous store so later tests do not see this one.
    saved = limiter.enabled, limiter._storage, limiter._limiter
    yield create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'down.sqlite3'}",
                      "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                      "REDIS_URL": f"redis://127.0.0.1:{dead}/0",
                      "INQUIRY_LOOKUP_LIMIT": "2 per minute",
                      "INQUIRY_SUBMIT_LIMIT": "2 per minute"})
    limiter.enabled, limiter._storage, limiter._limiter = saved


def _inquiries(app) -> int:
    from sqlalchemy import func, select

    from admissions import inquiries
    from webapp.services import services
    with app.app_context(), services().sessions() as session:
        return session.scalar(select(func.count()).select_from(inquiries.Inquiry))


def test_with_redis_down_lookups_fail_open_and_submissions_fail_closed(redis_down_app,
                                                                       caplog):
    client = redis_down_app.test_client()
    caplog.set_level(logging.WARNING, logger="webapp.serving.rate_limits")
    codes = [client.get(f"/api/v1/inquiries/EDJY-2027-{n:06d}?phone_last4=1234").status_code
             for n in range(1, 6)]
    assert codes == [404] * 5  # over the limit of 2, but the limit cannot be counted
    before = _inquiries(redis_down_app)
    refused = client.post("/api/v1/inquiries", json=FORM)
    assert refused.status_code == 503
    error = refused.get_json()["error"]
    assert error["code"] == "service_unavailable" and "暂时无法提交" in error["message"]
    english = client.post("/api/v1/inquiries?lang=en", json=FORM)
    assert english.status_code == 503
    assert "Submissions are not possible" in english.get_json()["error"]["message"]
    assert _inquiries(redis_down_app) == before  # nothing was stored
    outage_lines = [r for r in caplog.records if "rate-limit store unreachable" in r.message]
    assert len(outage_lines) == 1 and outage_lines[0].exc_info is None


def test_the_embedded_store_counts_one_window_per_key(tmp_path):
    from limits import RateLimitItemPerMinute
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    from webapp.serving.rate_limit_store import uri_for
    uri = uri_for(str(tmp_path / "counters.sqlite3"))
    limiter = FixedWindowRateLimiter(storage_from_string(uri))
    other = FixedWindowRateLimiter(storage_from_string(uri))  # a second worker's view
    three = RateLimitItemPerMinute(3)
    assert [limiter.hit(three, "a") for _ in range(2)] == [True, True]
    assert other.hit(three, "a") is True
    assert limiter.hit(three, "a") is False and other.hit(three, "a") is False
    assert limiter.hit(three, "b") is True
    assert limiter.get_window_stats(three, "a").remaining == 0
    limiter.clear(three, "a")
    assert other.hit(three, "a") is True
