"""Back up the PostgreSQL store, restore it into a fresh database and prove the copy
answers lookups exactly as the original does.

    python scripts/backup_restore.py dump    postgresql://…/xuequ  backup.dump
    python scripts/backup_restore.py restore backup.dump postgresql://…/xuequ_restored
    python scripts/backup_restore.py verify  postgresql://…/xuequ  postgresql://…/xuequ_restored
    python scripts/backup_restore.py check   postgresql://…/xuequ  backup.dump   # all three

`dump` is `pg_dump --format=custom` (PostGIS geometry included); `restore` creates the target
database (it must not exist) with PostGIS and pg_trgm and runs `pg_restore`; `verify`
compares the published version, every table's row count and the answers of the two
databases for a grid of points over the district. Exit status 0 only when all match.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GRID = 12  # points per side of the lookup grid


def _libpq(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def dump(url: str, path: str) -> None:
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", path, _libpq(url)],
                   check=True)


def restore(path: str, url: str) -> None:
    target = sa.make_url(_libpq(url))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = sa.create_engine(target)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    engine.dispose()
    # Extensions exist already; pg_restore's own CREATE EXTENSION lines then only warn.
    done = subprocess.run(["pg_restore", "--no-owner", "--dbname",
                           target.render_as_string(hide_password=False), path],
                          capture_output=True, text=True)
    errors = [line for line in done.stderr.splitlines() if "error:" in line
              and "already exists" not in line]
    if done.returncode not in (0, 1) or errors:
        raise SystemExit(f"pg_restore failed:\n{done.stderr}")


def _answers(url: str) -> tuple[str, dict[str, int], list]:
    from admissions.service import answer_point, build_snapshot
    from gis.point import WGS84Point
    from store import db
    from store.registry import metadata
    engine = db.make_engine(url)
    try:
        with db.make_sessionmaker(engine)() as session:
            snapshot = build_snapshot(session)
            counts = {name: session.scalar(sa.select(sa.func.count()).select_from(table))
                      for name, table in sorted(metadata.tables.items())}
        minx, miny, maxx, maxy = snapshot.district.bounds
        answers = []
        for i in range(GRID):
            for j in range(GRID):
                point = WGS84Point(lat=miny + (maxy - miny) * (i + 0.5) / GRID,
                                   lng=minx + (maxx - minx) * (j + 0.5) / GRID)
                answer = answer_point(snapshot, point)
                answers.append((answer["status"], answer.get("primary"), answer.get("middle")))
        return snapshot.zone_set.id, counts, answers
    finally:
        engine.dispose()


def verify(original: str, copy: str) -> list[str]:
    """What differs between the two databases (nothing, for a good backup)."""
    a, b = _answers(original), _answers(copy)
    problems = []
    if a[0] != b[0]:
        problems.append(f"published version {a[0]} != {b[0]}")
    problems += [f"table {t}: {a[1][t]} rows != {b[1].get(t)}" for t in a[1]
                 if a[1][t] != b[1].get(t)]
    differing = sum(x != y for x, y in zip(a[2], b[2], strict=True))
    if differing:
        problems.append(f"{differing} of {len(a[2])} lookups answer differently")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("dump", "restore", "verify", "check"))
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--into", help="check: the fresh database to restore into")
    args = parser.parse_args(argv)
    if args.action == "dump":
        dump(args.first, args.second)
    elif args.action == "restore":
        restore(args.first, args.second)
    else:
        if args.action == "check":
            into = args.into or str(sa.make_url(args.first).set(
                database=f"{sa.make_url(args.first).database}_restored")
                .render_as_string(hide_password=False))
            dump(args.first, args.second)
            restore(args.second, into)
            original, copy = args.first, into
        else:
            original, copy = args.first, args.second
        problems = verify(original, copy)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print("backup restored and verified: same version, rows and lookups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
