"""scripts/backup_restore.py on a real PostgreSQL (the test's own throwaway cluster): a dump
restores into a fresh database that answers every lookup as the original does, and the
comparison notices a copy that lost data. Skips locally without the PostgreSQL server
binaries; in CI (CI=true) it must run."""
from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from tests.pg_cluster import ThrowawayCluster
from tests.servers import ROOT

SCRIPT = str(ROOT / "scripts" / "backup_restore.py")


def _url(cluster, database: str) -> str:
    return cluster.url.rsplit("/", 1)[0] + f"/{database}"


def test_dump_restore_and_compare(tmp_path):
    cluster = ThrowawayCluster()
    try:
        from webapp import create_app
        app = create_app({"TESTING": True, "SECRET_KEY": "b", "DATABASE_URL": cluster.url,
                          "INSTANCE_PATH": str(tmp_path)})
        app.extensions["xuequ"].engine.dispose()
        copy = _url(cluster, "xuequ_restored")
        done = subprocess.run([sys.executable, SCRIPT, "check", cluster.url,
                               str(tmp_path / "backup.dump"), "--into", copy],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "verified" in done.stdout

        engine = sa.create_engine(copy)
        with engine.begin() as conn:  # the copy loses a zone: the comparison must say so
            conn.execute(sa.text("DELETE FROM zones WHERE id = (SELECT min(id) FROM zones "
                                 "WHERE zone_set_id = (SELECT id FROM zone_sets "
                                 "WHERE status = 'published'))"))
        engine.dispose()
        broken = subprocess.run([sys.executable, SCRIPT, "verify", cluster.url, copy],
                                capture_output=True, text=True, timeout=300)
        assert broken.returncode == 1
        assert "table zones" in broken.stderr
    finally:
        cluster.destroy()
