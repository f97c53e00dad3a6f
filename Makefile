# Two entry points on a fresh machine: `make demo` and `make test`.
# Both install system packages (Debian's chromium) and the project into .venv/ first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The trained NLP pipeline (offer classifier), rebuilt when its corpus, lexicons or config change.
MODEL := $(VENV)/share/narcwatch/nlp/meta.json
# OpenSearch runner jars for the index tests' real search nodes, from Maven Central.
OSLIB := $(VENV)/share/narcwatch/opensearch-lib

.PHONY: setup system demo test lint bench

setup: system $(STAMP) $(MODEL) $(OSLIB)/.stamp

system:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip uv
	@$(VENV)/bin/uv pip install -q --python $(PY) -e '.[dev]'
	@touch $(STAMP)

$(MODEL): $(STAMP) nlp/config.cfg nlp/*.py $(wildcard nlp/data/*.tsv nlp/data/offers/*.jsonl)
	@echo "Training the offer classifier (narcwatch nlp train)..."
	@$(VENV)/bin/narcwatch nlp train 2>$(VENV)/nlp-train.log || (cat $(VENV)/nlp-train.log; exit 1)
	@tail -n 1 $(VENV)/nlp-train.log

$(OSLIB)/.stamp: index/testnode/pom.xml
	@echo "Fetching the OpenSearch test-node jars from Maven Central..."
	@rm -rf $(OSLIB) && mvn -q -B -f index/testnode/pom.xml dependency:copy-dependencies -DoutputDirectory=$(abspath $(OSLIB))
	@touch $@

# The FIU's goAML schema validates the demo's goAML report; the reference copy is used where it exists.
GOAML_XSD := $(wildcard ../shared/reference/goaml/goAMLSchema-5.0.1.xsd)

demo: setup
	$(VENV)/bin/narcwatch demo $(if $(GOAML_XSD),--goaml-schema $(GOAML_XSD))

test: setup
	@bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) bench/range.py
	$(PY) bench/crawl.py
	$(PY) bench/nlp.py
	$(PY) bench/index.py
	$(PY) bench/e2e.py
