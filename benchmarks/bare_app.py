"""The floor of the HTTP benchmark: a bare Flask app answering a small JSON object.

    gunicorn --workers 2 benchmarks.bare_app:app
"""
from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/json")
def answer():
    return jsonify({"status": "ok", "message": "hello"})
