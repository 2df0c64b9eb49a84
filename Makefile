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

lint: $(STAMP)
	$(VENV)/bin/ruff check provider tests bench
	$(VENV)/bin/ruff format --check provider tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

generate: $(STAMP)
	$(PY) -m platformxe.tfplugin.generate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The main job. Until the Terraform demo lands it judges the bundled example evolution
# with the rules engine: 1.0.0 -> 1.1.0 (minor) and a breaking change offered as 1.1.0.
demo: $(STAMP)
	$(VENV)/bin/platformxe validate examples/schemas/property-favorited-1.1.0.json \
	  --namespace lettings --name property.favorited \
	  --previous examples/schemas/property-favorited-1.0.0.json --previous-version 1.0.0 --version 1.1.0
	-$(VENV)/bin/platformxe validate examples/schemas/property-favorited-breaking.json \
	  --namespace lettings --name property.favorited \
	  --previous examples/schemas/property-favorited-1.0.0.json --previous-version 1.0.0 --version 1.1.0
