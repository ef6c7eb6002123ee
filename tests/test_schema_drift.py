"""The migrations and the models describe the same schema: Alembic's compare between a
database migrated to head and the metadata of every table module finds no difference."""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store import db
from store.registry import EXTENSION_TABLES, include_object_for, metadata
from tests.test_storage import postgres_schema


def _drift(engine: sa.Engine) -> list:
    db.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "compare_server_default": True,
            "include_object": include_object_for(engine.dialect.name)})
        return compare_metadata(context, metadata)


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'drift.sqlite3'}")
        yield engine
        engine.dispose()
        return
    schema, url = postgres_schema()
    engine = db.make_engine(url)
    yield engine
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def test_migrations_match_the_models(migrated_engine):
    assert _drift(migrated_engine) == []


def test_the_registry_sees_every_table_the_migrations_create(migrated_engine):
    db.upgrade(migrated_engine)
    created = set(sa.inspect(migrated_engine).get_table_names()) - {"alembic_version"} \
        - EXTENSION_TABLES
    created = {name for name in created if not name.startswith("kb_fts")}
    assert created == set(metadata.tables)


def test_a_model_the_migrations_lack_is_reported(tmp_path):
    """The compare can fail: a column only the model has is drift."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'drift.sqlite3'}")
    table = metadata.tables["schools"]
    extra = sa.Column("not_migrated", sa.String(8))
    table.append_column(extra)
    try:
        diff = _drift(engine)
    finally:
        table._columns.remove(extra)
    assert [d[0] for d in diff] == ["add_column"]
    assert diff[0][3].name == "not_migrated"


def test_the_registry_alone_imports_every_table_module():
    """A fresh process that imports only the registry (as Alembic's env does) sees the same
    tables as one that has imported every module of the domain packages."""
    root = Path(__file__).resolve().parent.parent
    for package in ("zones", "admissions"):
        for module in pkgutil.iter_modules([str(root / package)]):
            importlib.import_module(f"{package}.{module.name}")
    seen_by_registry = subprocess.run(
        [sys.executable, "-c", "from store.registry import metadata; "
                               "print(' '.join(sorted(metadata.tables)))"],
        cwd=root, capture_output=True, text=True, check=True).stdout.split()
    assert seen_by_registry == sorted(metadata.tables)
