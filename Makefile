# Two entry points on a fresh machine: `make demo` and `make test`.
# Both install system packages (Debian's chromium) and the project into .venv/ first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup system demo test lint bench

setup: system $(STAMP)

system:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip uv
	@$(VENV)/bin/uv pip install -q --python $(PY) -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/narcwatch demo

test: setup
	@bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) bench/range.py
	$(PY) bench/crawl.py
