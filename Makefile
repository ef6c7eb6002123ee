# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := webapp

.PHONY: install install-dev run dev test lint translations sample bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations

install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d webapp/translations >/dev/null

# gunicorn, one worker per core (webapp/serving/gunicorn_conf.py); migrate and load first,
# so the workers start on a ready database.
run: install
	$(BIN)/flask --app webapp db upgrade
	$(BIN)/flask --app webapp data load-sample
	$(BIN)/gunicorn -c webapp/serving/gunicorn_conf.py --bind 127.0.0.1:$(PORT) 'webapp:create_app()'

# Flask's development server, reloading on every code change.
dev: install
	$(BIN)/flask --app webapp db upgrade
	$(BIN)/flask --app webapp data load-sample
	$(BIN)/flask --app webapp run --debug --host 127.0.0.1 --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .

test: install-dev
	bash scripts/install-system-deps.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2

sample: install
	$(BIN)/python -m data.generate_sample

bench: install-dev
	$(BIN)/python benchmarks/lookup.py

clean:
	rm -rf $(VENV) instance/*.sqlite3*
