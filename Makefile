# onshi — see README.md. `make demo` and `make test` install what they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Four test processes on two cores: much of the suite waits on servers it started (kill and
# restart tests, browsers), so two left the cores ~half idle (2026-12-02: 2,013 tests in 8 min
# at -n 4 under load average 8-12, against 7m53 at -n 2 under load 2-4 without the browser tests).
PYTEST_WORKERS ?= 4

.PHONY: install demo test lint typecheck unit bench soak clean chromium

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "onshi needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## central on an embedded SQLite file, seeded, with copy-paste confirmations
	$(BIN)/onshi demo --dir .demo --port 8765

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# Browser tests drive Debian's chromium (Playwright's own browser downloads are not used).
chromium:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-ipaexfont-gothic; }

unit: $(STAMP) chromium
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

test: lint typecheck unit  ## everything CI runs

# The fault tests again and again, each round striking at new random points (tests/faults.py);
# a failure names its point and the seed that replays it. Not part of `make test`.
FAULT_TESTS := tests/terminal/test_crash.py tests/central/test_consent_crash.py \
	tests/central/test_database_restart.py tests/terminal/test_batch_restart.py tests/cli/test_worker.py
SOAK_ROUNDS ?= 10
soak: $(STAMP)
	for round in $$(seq 1 $(SOAK_ROUNDS)); do \
		echo "soak round $$round/$(SOAK_ROUNDS)"; \
		$(BIN)/pytest -q -p no:randomly -n $(PYTEST_WORKERS) --dist loadgroup $(FAULT_TESTS) || exit 1; \
	done

bench: $(STAMP)  ## figures in bench/README.md (starts a tuned scratch PostgreSQL under bench/out/pg)
	ONSHI_BENCH_PG=$${ONSHI_BENCH_PG-tuned} $(BIN)/python -m bench.run all

clean:
	rm -rf .demo .pytest_cache .mypy_cache .ruff_cache
