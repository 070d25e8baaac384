# Entry points of the toolkit: `make ctk` (run the CTK against the embedded mock) and `make test`.
# Every target installs what it needs first (scripts/bootstrap.sh, a no-op when up to date): `make ctk` the
# runtime only, the test targets the dev extra too, `make bench` the bench extra.

SHELL := bash
.DEFAULT_GOAL := help

BIN := .venv/bin
REPORTS ?= reports
CTK_ARGS ?=
PYTEST_ARGS ?=
# pytest-xdist: one worker more than the cores (a test waiting on a subprocess, a timeout or PostgreSQL
# leaves its core idle: on 2 cores, 3 workers ran the suite in 278 s, 2 in 296 s, 4 in 302 s); idle
# workers steal queued tests (a few tests take half a minute alone).
PYTEST_XDIST ?= -n $(shell echo $$(( $$(nproc) + 1 ))) --dist worksteal
# CI (.ci/run) sets TMF622_REQUIRE_BENCH=1: `make test` then installs the bench extra too, so the bench
# harness's smoke tests run instead of skipping.
TEST_EXTRAS := dev $(if $(filter 1,$(TMF622_REQUIRE_BENCH)),bench)

.PHONY: help bootstrap bootstrap-dev ctk test lint typecheck pytest clean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

bootstrap:  ## Create .venv with the project's runtime, and the Allure CLI (idempotent).
	@scripts/bootstrap.sh

bootstrap-dev:  ## The same plus the dev tools, the PostgreSQL driver and server, and Newman (idempotent).
	@scripts/bootstrap.sh $(TEST_EXTRAS)

# Exit 0 only if every CTK assertion passed; on failure make exits 2 and shows the CTK's code as "Error N".
ctk: bootstrap  ## Run the CTK against the embedded mock; reports (Allure HTML too) go to reports/.
	$(BIN)/tmf622-ctk --reports-dir $(REPORTS) $(CTK_ARGS)

# The static checks (about 15 s of CPU on a cold cache, mostly mypy's) run beside pytest, whose workers leave
# part of the cores idle while tests wait on processes and timeouts; their output is shown after pytest's,
# and either failing fails the target.
test: bootstrap-dev  ## Lint, type-check and run the whole test suite.
	@static=$$(mktemp); \
	$(MAKE) --no-print-directory lint typecheck >"$$static" 2>&1 & checks=$$!; \
	$(MAKE) --no-print-directory pytest; rc=$$?; \
	wait $$checks; static_rc=$$?; \
	echo "make test: lint and type-check (run beside pytest):"; cat "$$static"; rm -f "$$static"; \
	if [[ $$static_rc -ne 0 ]]; then echo "make test: lint or type-check failed" >&2; exit $$static_rc; fi; \
	exit $$rc

lint: bootstrap-dev  ## ruff check, ruff format --check, and the import contracts (lint-imports).
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: bootstrap-dev  ## mypy (strict on the packages).
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: for this project that means a broken suite, never a pass.
# The run keeps its bytecode (in the git-ignored __pycache__ folders) even where PYTHONDONTWRITEBYTECODE is
# set, as in this project's CI image: the suite starts hundreds of Python processes (mocks, the commands),
# each of which would compile the packages again, and every xdist worker would rewrite every test module
# (17% of the CPU of the subprocess-heavy tests).
pytest: bootstrap-dev  ## pytest only, on every core; PYTEST_ARGS='-k newman -x', PYTEST_XDIST= for one process.
	@PYTHONDONTWRITEBYTECODE= $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS); rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "make: pytest collected no tests; the suite is broken" >&2; fi; \
	exit $$rc

clean:  ## Remove generated reports and caches (keeps .venv and node_modules).
	find $(REPORTS) -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache

.PHONY: bench
bench:  ## Benchmark the mock against a bare aiohttp baseline (BENCH_ARGS=--quick for a short run).
	bench/run.sh $(BENCH_ARGS)

.PHONY: bench-ab
bench-ab:  ## This mock against the mock of BEFORE=<commit>, in interleaved rounds (medians and noise).
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
mutate: bootstrap $(BIN)/.mutate.stamp  ## Mutation testing (mutmut) of scripts/mutation/modules.toml (MODULES=path.py ...).
	nice -n 10 $(BIN)/python scripts/mutation/run.py --jobs $(MUTATE_JOBS) $(MUTATE_ARGS) $(MODULES)
