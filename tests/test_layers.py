"""The architecture as a test: imports point downward only, no web framework below the web
layer, no district written into code, and a web layer whose top level stays a small core."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each package may import only the packages below it.
BELOW = {
    "store": set(),
    "gis": {"store"},
    "zones": {"store", "gis"},
    "admissions": {"store", "gis", "zones"},
    "webapp": {"store", "gis", "zones", "admissions"},
}
OURS = set(BELOW) | {"data", "benchmarks", "tests"}
WEB_FRAMEWORKS = ("flask", "flask_babel", "flask_login", "flask_wtf", "flask_limiter",
                  "werkzeug", "jinja2", "markupsafe", "wtforms")
# store/registry.py exists to import every table module for Alembic; only migrations use it.
ALLOWED_UPWARD = {Path("store/registry.py")}
DISTRICT_LITERALS = re.compile(r"二道|Erdao|220105|4551|125\.\d|43\.\d")


def _python_files(package: str):
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(BELOW))
def test_imports_point_downward_only(package):
    wrong = []
    for path in _python_files(package):
        if path.relative_to(ROOT) in ALLOWED_UPWARD:
            continue
        upward = (_imported_roots(path) & OURS) - BELOW[package] - {package}
        if upward:
            wrong.append(f"{path.relative_to(ROOT)} imports {sorted(upward)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", ["store", "gis", "zones", "admissions"])
def test_no_web_framework_below_the_web_layer(package):
    wrong = [f"{p.relative_to(ROOT)}: {sorted(_imported_roots(p) & set(WEB_FRAMEWORKS))}"
             for p in _python_files(package) if _imported_roots(p) & set(WEB_FRAMEWORKS)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", ["gis", "zones", "admissions", "webapp"])
def test_no_district_is_written_into_code(package):
    hits = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
            for p in _python_files(package)
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if DISTRICT_LITERALS.search(line)]
    assert not hits, "\n".join(hits)


def test_the_web_layer_top_level_is_a_small_core():
    top = sorted(p.name for p in (ROOT / "webapp").glob("*.py"))
    assert len(top) <= 8, top


def test_the_checks_above_can_fail(tmp_path):
    """The detectors find what they are meant to find."""
    sample = tmp_path / "x.py"
    sample.write_text("from flask import Flask\nimport webapp.api\nNAME = '二道区'\n",
                      encoding="utf-8")
    assert {"flask", "webapp"} <= _imported_roots(sample)
    assert DISTRICT_LITERALS.search(sample.read_text(encoding="utf-8"))
