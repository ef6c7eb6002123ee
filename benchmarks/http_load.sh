#!/usr/bin/env bash
# HTTP load benchmark (see benchmarks/http_load.py and benchmarks/README.md).
# Installs wrk from Debian when it is missing; needs PostgreSQL with PostGIS on
# 127.0.0.1:5432 (user postgres) for the MapIt-style comparator.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "wrk is not installed and cannot be installed here (apt-get install wrk)" >&2
    exit 1
  fi
  echo "installing wrk from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
PYTHON=${PYTHON:-.venv/bin/python}
exec "$PYTHON" benchmarks/http_load.py "$@"
