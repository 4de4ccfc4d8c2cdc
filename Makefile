# intelbench: two commands on a fresh machine (Python, git and make only):
#   make demo   runs the main job on the sample force and writes out/
#   make test   runs ruff, mypy, pytest (unit tests and doctests), the notebooks and the browser tests
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := data_samples/.complete
SEED ?= 2026
LAB_PORT ?= 8888
FORMS_PORT ?= 8866
export PYTHONHASHSEED := 0
# Agg only for the demo and unit tests: Lab kernels and executed notebooks keep the inline backend.
HEADLESS := MPLBACKEND=Agg
# Lab as root needs --allow-root; nothing is fetched for news, updates or extensions.
LAB_FLAGS = --notebook-dir=notebooks --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser \
  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  --LabApp.extension_manager=readonly $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

.PHONY: demo test test-pg lint typecheck unit notebooks browser lab forms bench chromium venv data clean

venv: $(STAMP)

# The venv is built from the lock file with uv (pinned), which itself comes from PyPI by pip.
$(STAMP): requirements-lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip >/dev/null
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements-lock.txt
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m intelbench.forms._voila_template widgets >/dev/null
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean "'$(abspath $(BIN))/python' -m nbstripout --keep-id"; \
	  git config filter.nbstripout.smudge cat; \
	  git config diff.ipynb.textconv "'$(abspath $(BIN))/python' -m nbstripout -t --keep-id"; fi
	@touch $(STAMP)

data: $(SAMPLES)

$(SAMPLES): $(STAMP) $(wildcard intelbench/samples/*.py)
	$(BIN)/intelbench samples --out data_samples --seed $(SEED)

# Debian's Chromium for the browser tests; never `playwright install`.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@command -v chromium >/dev/null

demo: $(STAMP) $(SAMPLES)
	$(HEADLESS) $(BIN)/intelbench demo --data data_samples --out out

lint: $(STAMP)
	$(BIN)/ruff check intelbench tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# The unit tests run beside a private PostgreSQL cluster (Debian's server, installed if missing):
# scripts/with-postgres.sh starts it in a temporary folder on a loopback port, exports its URL as
# INTELBENCH_TEST_PG_URL and stops it by PID at the end, pass or fail. With
# INTELBENCH_REQUIRE_PG=1 a missing server fails the PostgreSQL tests instead of skipping them.
unit: $(STAMP) $(SAMPLES)
	INTELBENCH_REQUIRE_PG=1 $(HEADLESS) scripts/with-postgres.sh \
	  $(BIN)/pytest -n 2 -m "not browser" tests intelbench --doctest-modules -p no:cacheprovider

# Only the suites that run on both backends (store, plans, grading, gate), against PostgreSQL.
test-pg: $(STAMP) $(SAMPLES)
	INTELBENCH_REQUIRE_PG=1 $(HEADLESS) scripts/with-postgres.sh \
	  $(BIN)/pytest -n 2 -k postgresql tests/store tests/plans tests/grading tests/gate -p no:cacheprovider

notebooks: $(STAMP) $(SAMPLES)
	$(BIN)/pytest -n 2 --nbmake --nbmake-timeout=300 notebooks -p no:cacheprovider

browser: $(STAMP) $(SAMPLES) chromium
	$(BIN)/python -m intelbench.forms._voila_template widgets >/dev/null
	$(BIN)/pytest -m "browser and not timed" -n 2 --dist loadfile tests/browser -p no:cacheprovider
	$(BIN)/pytest -m "browser and timed" tests/browser -p no:cacheprovider

test: lint typecheck docs unit notebooks browser

# The documentation site, warnings as errors (-E re-reads every page, so none is hidden), then
# a check that the built pages fetch nothing from outside.
.PHONY: docs
docs: $(STAMP)
	$(BIN)/sphinx-build -q -E -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html
	$(BIN)/python docs/check_offline.py docs/_build/html

lab: $(STAMP) $(SAMPLES)
	$(BIN)/jupyter-lab $(LAB_FLAGS)

forms: $(STAMP) $(SAMPLES)
	$(BIN)/python -m intelbench.forms._voila_template widgets >/dev/null
	$(BIN)/voila widgets/ --template=intelbench --no-browser --Voila.ip=127.0.0.1 --port=$(FORMS_PORT)

bench: $(STAMP) $(SAMPLES)
	@for f in benchmarks/*.py; do echo "== $$f"; scripts/with-postgres.sh $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache
	find data_samples -mindepth 1 ! -name README.md -delete
