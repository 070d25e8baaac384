# Entry points of the toolkit: `make ctk` (run the CTK against the embedded mock) and `make test`.
# Every target installs what it needs first (scripts/bootstrap.sh, a no-op when up to date).

SHELL := bash
.DEFAULT_GOAL := help

BIN := .venv/bin
REPORTS ?= reports
CTK_ARGS ?=
PYTEST_ARGS ?=

.PHONY: help bootstrap ctk test lint typecheck pytest clean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap:  ## Create .venv, install the project and the pinned Node tools (idempotent).
	@scripts/bootstrap.sh

# Exit 0 only if every CTK assertion passed; on failure make exits 2 and shows the CTK's code as "Error N".
ctk: bootstrap  ## Run the CTK against the embedded mock; reports (Allure HTML too) go to reports/.
	$(BIN)/tmf622-ctk --reports-dir $(REPORTS) $(CTK_ARGS)

test: lint typecheck pytest  ## Lint, type-check and run the whole test suite.

lint: bootstrap  ## ruff check, ruff format --check, and the import contracts (lint-imports).
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: bootstrap  ## mypy (strict on the packages).
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: for this project that means a broken suite, never a pass.
pytest: bootstrap  ## pytest only; pass arguments with PYTEST_ARGS='-k newman -x'.
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "make: pytest collected no tests; the suite is broken" >&2; fi; \
	exit $$rc

clean:  ## Remove generated reports and caches (keeps .venv and node_modules).
	find $(REPORTS) -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache

.PHONY: bench
bench: bootstrap  ## Benchmark the mock against a bare aiohttp baseline (BENCH_ARGS=--quick for a short run).
	bench/run.sh $(BENCH_ARGS)

.PHONY: bench-ab
bench-ab: bootstrap  ## This mock against the mock of BEFORE=<commit>, in interleaved rounds (medians and noise).
	@test -n "$(BEFORE)" || { echo "make bench-ab: say which commit, e.g. make bench-ab BEFORE=998ba5b"; exit 2; }
	BENCH_MODULE=bench.ab bench/run.sh --before $(BEFORE) $(BENCH_ARGS)

# Not run by CI (minutes per module). The tool is the `mutate` extra, installed here only.
MODULES ?=
MUTATE_ARGS ?=
MUTATE_JOBS ?= 1

$(BIN)/.mutate.stamp: pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[mutate]'
	touch $@

.PHONY: mutate
mutate: bootstrap $(BIN)/.mutate.stamp  ## Mutation testing (mutmut) of mutation/modules.toml (MODULES=path.py ...).
	nice -n 10 $(BIN)/python mutation/run.py --jobs $(MUTATE_JOBS) $(MUTATE_ARGS) $(MODULES)
