#!/usr/bin/env bash
# Re-extract every user-facing string and merge it into the catalogues.
# Domain code marks strings with N_(); the web layer uses _(), gettext() and translate().
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k lazy_gettext -k translate \
  --no-location --sort-output -o webapp/translations/messages.pot gis zones admissions webapp
$BIN/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching
