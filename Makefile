# Callback developer commands. The README documents two: `make run` and `make test`.
# Both are thin wrappers: scripts/run.sh and scripts/test.sh also work without make.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
LOCK   ?= requirements.lock

.PHONY: run test venv lock lint clean

# The app on http://127.0.0.1:8000 with demo data, a Celery worker and console e-mail.
run:
	scripts/run.sh

# Lint + the whole suite against throwaway PostgreSQL and Redis.
# Extra pytest arguments: make test ARGS='-k isolation'
test:
	scripts/test.sh $(ARGS)

venv: $(STAMP)

# Re-install only when the dependency declarations are newer than the last install.
# The scripts repeat this rule so that they run where make is missing: keep them in sync.
$(STAMP): pyproject.toml $(LOCK)
	[[ -x $(VENV)/bin/pip ]] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -c $(LOCK) -e '.[dev]'
	touch $@

# Re-pin the whole tree from pyproject.toml in a clean venv, so nothing stale leaks in.
# The project itself is dropped: it is installed from the work tree, not from the lock.
lock:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && \
	"$$tmp/bin/pip" install -q --disable-pip-version-check '.[dev]' && \
	"$$tmp/bin/pip" freeze --exclude-editable | grep -viE '^callback( |=|@)' > "$$tmp/lock" && \
	mv "$$tmp/lock" $(LOCK)
	@echo "$(LOCK): $$(wc -l < $(LOCK)) pins"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Generated files only; db.sqlite3 (your local data) is kept.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis var build staticfiles *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
