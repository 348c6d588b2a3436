# The two set-up commands of the README: `make demo` and `make test`.
# Only Python 3.11+ and make are needed; everything else goes into .venv.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=

.PHONY: demo test smoke install install-dev serve migrate lint format worker beat clean bench mutants

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

## demo: install, migrate, load demo data, create one login per role, serve on 127.0.0.1:$(PORT)
demo: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_users
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

## test: install what the tests need and run the whole suite
test: install-dev
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

## smoke: the smoke suite under the demo's settings (portal.settings.local, DEBUG on):
## demo data, a compute, every export by command and download, every page as each demo role
smoke: install-dev
	$(PY) -m pytest --ds=portal.settings.local -o django_debug_mode=keep \
		tests/smoke $(PYTEST_ARGS)

## mutants: mutation-test every */rules.py against its rule tests (not in CI; docs/rules-testing.md)
## MODULE=subsidies/rules.py runs one module; MUTANTS_JOBS=2 parallel pytest processes
MUTANTS_JOBS ?= 2
mutants: install-dev
	MUTANTS_JOBS=$(MUTANTS_JOBS) MODULE=$(MODULE) nice -n 15 $(PY) -m tests.mutation.run

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
