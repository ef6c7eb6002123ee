"""`DATABASE_URL=postgresql://…` and `postgresql+psycopg://…` both reach PostgreSQL through
psycopg 3, the one driver requirements.txt installs. Skips locally without a server; in CI
(CI=true) it must run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from store import db
from tests.conftest import need
from tests.test_storage import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent
PLAIN = sa.make_url(POSTGRES_URL).set(drivername="postgresql")


@pytest.mark.parametrize("drivername", ["postgresql", "postgresql+psycopg"])
def test_both_documented_url_forms_use_psycopg_3(drivername):
    url = PLAIN.set(drivername=drivername).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT 1")) == 1
    except OperationalError:
        need(False, f"PostgreSQL is not reachable at {url}")
    finally:
        engine.dispose()
    assert engine.dialect.driver == "psycopg"


def test_the_plain_url_needs_no_psycopg2():
    """A process where psycopg2 cannot be imported still connects with the plain URL."""
    url = PLAIN.render_as_string(hide_password=False)
    code = ("import sys; sys.modules['psycopg2'] = None\n"
            "import sqlalchemy as sa\n"
            "from store import db\n"
            f"engine = db.make_engine({url!r})\n"
            "with engine.connect() as c: print(c.scalar(sa.text('SELECT 42')))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    if "Connection refused" in run.stderr or "could not connect" in run.stderr:
        need(False, f"PostgreSQL is not reachable at {url}")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "42"


def test_the_requirements_name_psycopg_3_and_not_psycopg2():
    pins = (ROOT / "requirements.txt").read_text().split()
    assert "psycopg[binary]==3.3.9" in pins
    assert not any(p.startswith("psycopg2") for p in pins)
