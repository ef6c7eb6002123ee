"""Admission rules and results: `flask admissions validate-cycle`, the staff check of a cycle
document, the import of review and draw results, and the families' results lookup."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
