"""What producing a response from its declared type costs (issue 11, item 4). Prints medians.

    .venv/bin/python benchmarks/contract_encoding.py [--runs 7] [--repeat 300]

For three real bodies of the sample district (OGC items of every primary zone, all schools,
the composed lookup answer of an address) it times, in CPU time per body:
- `json.dumps` as `jsonify` called it (sorted keys, compact): what the API did before;
- `contract.encode`: converting to the declared msgspec type and encoding it (the views);
- `contract.plain` + `json.dumps`: converting, then the dict encoder of admissions/encoding.py
  (the address lookup's path; a point's lookup is converted once per template).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app  # noqa: E402


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode() + b"\n"


def _cpu_us(function, runs: int, repeat: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        for _ in range(repeat):
            function()
        times.append((time.process_time() - start) / repeat * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    from admissions.service import answer_address
    from gis.address import AddressQuery
    from webapp.api import contract, schemas
    from webapp.ogc import shapes
    folder = tempfile.mkdtemp(prefix="xuequ-contract-")
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/b.sqlite3",
                      "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    with app.app_context():
        from webapp.services import snapshot
        current = snapshot()
        address = next(iter(current.schools.values())).address
        cases = {
            "OGC items, all primary zones": (shapes.ZoneItems, client.get(
                "/ogc/collections/primary_zones/items?limit=100").get_json()),
            "all schools": (schemas.Schools, client.get("/api/v1/schools").get_json()),
            "lookup answer of an address": (schemas.Lookup,
                                            answer_address(current, AddressQuery(address))),
        }
    print(f"{'body':30s} {'json.dumps':>12s} {'encode':>12s} {'plain+dumps':>12s}  (CPU µs)")
    for name, (shape, value) in cases.items():
        before = _cpu_us(lambda v=value: _dumps(v), args.runs, args.repeat)
        encoded = _cpu_us(lambda s=shape, v=value: contract.encode(s, v), args.runs,
                          args.repeat)
        plain = _cpu_us(lambda s=shape, v=value: _dumps(contract.plain(s, v)), args.runs,
                        args.repeat)
        print(f"{name:30s} {before:12.1f} {encoded:12.1f} {plain:12.1f}")


if __name__ == "__main__":
    main()
