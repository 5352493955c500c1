# Every target installs what it needs first (scripts/setup.sh is a no-op when up to date).
PYTHON := .venv/bin/python

.PHONY: install install-runtime demo preview test lint typecheck check run run-once docker-build image-deps bench lock clean

install:            ## runtime + dev dependencies into .venv
	@scripts/setup.sh dev

install-runtime:    ## runtime dependencies only (what the Docker image installs)
	@scripts/setup.sh runtime

demo: install       ## preview the bundled sample API with its bundled mapping (what Port would receive)
	@$(PYTHON) -m sample_api.demo

preview: install    ## preview your API: make preview ARGS="--config my-mapping.yml --settings my.yml"
	@$(PYTHON) -m preview $(ARGS)

test: install       ## the whole test suite, then lint and types
	@$(PYTHON) -m pytest -q
	@$(MAKE) --no-print-directory lint typecheck

lint: install
	@$(PYTHON) -m ruff check .
	@$(PYTHON) -m ruff format --check .

typecheck: install
	@$(PYTHON) -m mypy .

bench: install      ## benchmark suite, not part of the tests (docs/benchmarks.md): make bench ARGS=--quick
	@$(PYTHON) -m bench $(ARGS)

run: install        ## ocean sail with ./.env (see .env.example)
	@.venv/bin/ocean sail

run-once: install   ## one resync with ./.env, exiting 1 when it failed (ocean sail --once alone exits 0)
	@scripts/sail-once.sh

IMAGE ?= port-ocean-custom:$(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

docker-build:       ## build the image (needs a Docker engine); IMAGE=registry/port-ocean-custom:tag
	docker build -t $(IMAGE) .

image-deps: install ## check every locked package has a wheel for the image (needs PyPI)
	@scripts/check-image-deps.sh

lock:               ## regenerate requirements/*.lock from pyproject.toml (needs uv)
	uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -q -o requirements/runtime.lock
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes -q -o requirements/dev.lock

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
