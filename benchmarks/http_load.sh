#!/usr/bin/env bash
# HTTP load benchmark (see benchmarks/http_load.py and benchmarks/README.md).
# Installs wrk from Debian when it is missing (as root); needs PostgreSQL with PostGIS on
# 127.0.0.1:5432 (user postgres) for the MapIt-style comparator.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null 2>&1 || {
  echo "installing wrk from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
}
PYTHON=${PYTHON:-.venv/bin/python}
exec "$PYTHON" benchmarks/http_load.py "$@"
