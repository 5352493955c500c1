# Every target installs what it needs first (scripts/setup.sh is a no-op when up to date).
PYTHON := .venv/bin/python

.PHONY: install install-runtime demo test lint typecheck check run lock clean

install:            ## runtime + dev dependencies into .venv
	@scripts/setup.sh dev

install-runtime:    ## runtime dependencies only (what the Docker image installs)
	@scripts/setup.sh runtime

demo: install       ## one-shot sync of the bundled sample API through the real Ocean app
	@$(PYTHON) -m sample_api.demo

test: install       ## the whole test suite, then lint and types
	@$(PYTHON) -m pytest -q
	@$(MAKE) --no-print-directory lint typecheck

lint: install
	@$(PYTHON) -m ruff check .
	@$(PYTHON) -m ruff format --check .

typecheck: install
	@$(PYTHON) -m mypy .

run: install        ## ocean sail with ./.env (see .env.example)
	@.venv/bin/ocean sail

lock:               ## regenerate requirements/*.lock from pyproject.toml (needs uv)
	uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -q -o requirements/runtime.lock
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes -q -o requirements/dev.lock

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
