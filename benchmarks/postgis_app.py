"""The MapIt-style comparator of the HTTP benchmark: one PostGIS `ST_Covers` query per
request over the same zones as Xuequ's (loaded by benchmarks/http_load.py), psycopg 3.

    XUEQU_BENCH_PG=postgresql://postgres@127.0.0.1:5432/xuequ_bench \
        gunicorn --workers 2 benchmarks.postgis_app:app
"""
from __future__ import annotations

import os

import psycopg
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
QUERY = """SELECT zone_id, level, allocation, school_codes FROM bench_zones
           WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
           ORDER BY level, zone_id"""
_connection: dict[int, psycopg.Connection] = {}


def _db() -> psycopg.Connection:
    """One connection per worker process, opened after gunicorn forks."""
    pid = os.getpid()
    if pid not in _connection:
        _connection[pid] = psycopg.connect(os.environ["XUEQU_BENCH_PG"], autocommit=True)
    return _connection[pid]


@app.get("/lookup")
def lookup():
    try:
        lat, lng = float(request.args["lat"]), float(request.args["lng"])
    except (KeyError, ValueError):
        abort(400)
    rows = _db().execute(QUERY, (lng, lat), prepare=True).fetchall()
    return jsonify({"zones": [{"zone_id": z, "level": lv, "allocation": a,
                               "school_codes": codes} for z, lv, a, codes in rows]})
