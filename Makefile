# Redrive: `make run` starts everything on embedded defaults, `make test` runs the suite
# against PostgreSQL and Redis. Both install what they need first: `make run` only what runs
# (requirements.lock), the test, lint and bench targets the test tools too
# (requirements-test.lock, constrained to the same pins).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
# Each install is recorded by a stamp named after its lock's hash (the test stamp after both
# locks'), so a changed lock is installed again and an unchanged one is not.
RUN_STAMP := $(VENV)/.installed-run-$(shell sha1sum $(LOCK) | cut -c1-12)
TEST_STAMP := $(VENV)/.installed-test-$(shell cat $(LOCK) $(wildcard $(TEST_LOCK)) | sha1sum | cut -c1-12)
# The locks pin every package, so pip needs no resolving (--no-deps; pip check confirms).
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps
PG_VERSION := $(shell ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)

.PHONY: install install-test run test lint services browser lock demo bench chaos fuzz \
  dashboard dashboard-test dashboard-types hosts hosts-quick hosts-check

# The provider dashboard (dashboard/, a Vite app Django serves at /dashboard/): `npm ci` when
# the lock's hash changed (its stamp lives in node_modules, which npm ci replaces), a build
# when a source changed. The build is not committed: it follows from the lock and the sources.
DASHBOARD := dashboard
NPM_STAMP := $(DASHBOARD)/node_modules/.installed-$(shell sha1sum $(DASHBOARD)/package-lock.json | cut -c1-12)
DASHBOARD_SOURCES := $(shell find $(DASHBOARD)/src -type f -not -name '*.test.*') \
  $(addprefix $(DASHBOARD)/,index.html package.json vite.config.ts tsconfig.json)
DASHBOARD_BUILD := $(DASHBOARD)/dist/index.html

$(RUN_STAMP): $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r $(LOCK)
	@$(BIN)/python -m pip check --disable-pip-version-check >/dev/null
	@rm -f $(VENV)/.installed-run-* $(VENV)/.installed-[0-9a-f]*
	@touch $@

$(TEST_STAMP): $(LOCK) $(TEST_LOCK) | $(RUN_STAMP)
	$(PIP_INSTALL) -r $(TEST_LOCK)
	@$(BIN)/python -m pip check --disable-pip-version-check >/dev/null
	@rm -f $(VENV)/.installed-test-*
	@touch $@

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

$(NPM_STAMP): $(DASHBOARD)/package-lock.json
	cd $(DASHBOARD) && npm ci --no-audit --no-fund
	@touch $@

$(DASHBOARD_BUILD): $(NPM_STAMP) $(DASHBOARD_SOURCES)
	cd $(DASHBOARD) && npm run build

dashboard: $(DASHBOARD_BUILD)

# The dashboard's own checks: its types, that src/api/schema.d.ts matches the API's schema,
# and the Vitest tests. `make dashboard-types` regenerates schema.d.ts after an API change.
dashboard-test: $(NPM_STAMP) | $(RUN_STAMP)
	cd $(DASHBOARD) && npm run --silent typecheck && npm run --silent types:check && npm test

dashboard-types: $(NPM_STAMP) | $(RUN_STAMP)
	cd $(DASHBOARD) && npm run --silent types

# The roles come with the migrations (a data migration) and seed_demo syncs them again, so no
# separate setup_roles here. WEB_ADDR and SANDBOX_PORT move the web process and the sandbox
# (the Procfile reads them; the demo's integration points at that sandbox).
WEB_ADDR ?= 127.0.0.1:8000
SANDBOX_PORT ?= 8765
export WEB_ADDR SANDBOX_PORT
run: install dashboard
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --sandbox-url http://127.0.0.1:$(SANDBOX_PORT) \
	  $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD),)
	@echo
	@echo "Redrive: admin at http://$(WEB_ADDR)/admin/ (log in as 'admin' with the password above),"
	@echo "         provider dashboard at http://$(WEB_ADDR)/dashboard/ (as 'owner' or 'manager'),"
	@echo "         API at http://$(WEB_ADDR)/api/, sandbox at http://127.0.0.1:$(SANDBOX_PORT). Ctrl-C stops all."
	@echo
	$(BIN)/python -m config.processes start -f Procfile

# The dashboard is built before the suite: its browser tests (tests/dashboard/) open the build.
# Two processes (pytest-xdist, a test file each at a time), each with its own test database and
# Redis databases (tests/settings.py): much of the suite waits on HTTP, workers and a browser.
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
test: install-test services browser dashboard dashboard-test
	$(BIN)/python -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile) $(PYTEST_ARGS)

# ruff, and the direction of imports between the apps (pyproject.toml's import-linter
# contracts; see docs/architecture.md).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks (bench/README.md) at sizes that fit about 15 minutes on a 2-core machine; each prints a
# table and writes bench/results/<name>.json. Without flags each module runs its full size.
bench: install-test services
	@status=0; \
	$(BIN)/python -m bench.bulk_resubmit --orders 20000 || status=1; \
	$(BIN)/python -m bench.sweep --orders 200000 || status=1; \
	$(BIN)/python -m bench.dispatch --orders 2000 --rounds 2 || status=1; \
	$(BIN)/python -m bench.clients --requests 2000 || status=1; \
	$(BIN)/python -m bench.outage --backlog 3000 --outage 30 || status=1; \
	$(BIN)/python -m bench.api --orders 200000 --rounds 10 || status=1; \
	exit $$status

# Fault injection: 2,000 orders while workers die, Redis restarts and the remote side fails.
chaos: install-test services
	$(BIN)/python -m bench.chaos

# Many hosts (bench/hosts.py, as root): network namespaces for the db-and-broker host (its own
# PostgreSQL, Redis, RabbitMQ), the sandbox, the web host and two worker hosts; 5,000 orders
# through the API on Redis then RabbitMQ while a worker host's link is cut and the other's
# processes are killed, then the drain at 1, 2 and 4 worker processes per host (about 20
# minutes). hosts-quick: 500 orders, a 10 s cut, 1 and 2 processes (about 4 minutes);
# hosts-check: build every host and server, then remove them, nothing left.
hosts: install-test
	$(BIN)/python -m bench.hosts $(HOSTS_ARGS)

hosts-quick: install-test
	$(BIN)/python -m bench.hosts --quick $(HOSTS_ARGS)

hosts-check: install-test
	$(BIN)/python -m bench.hosts --check

# Schemathesis, randomized and stateful, against gunicorn as staff, owner, manager and consumer,
# with every check but positive_data_acceptance (bench/fuzz.py says why). MINUTES=15 by default.
fuzz: install-test services
	$(BIN)/python -m bench.fuzz --minutes $(or $(MINUTES),15)

# Start PostgreSQL and Redis if they are down, then wait until both answer.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 0.5; done; echo "PostgreSQL or Redis did not start" >&2; exit 1

# The browser tests drive Debian's Chromium through Playwright (never a browser Playwright
# downloads itself).
browser:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# Re-pin every package after changing pyproject.toml's dependencies: they are installed into a
# fresh virtual environment of their own (never the project itself, which is not a package).
# The runtime dependencies first: what that holds is requirements.lock. Then the test tools on
# top, constrained to those pins (a tool that needs another version of a runtime package
# fails here): what they add is requirements-test.lock.
LOCK_VENV := var/lock-venv
DEPENDENCIES = $(PYTHON) -c 'import sys, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
  print("\n".join(p["dependencies"] if sys.argv[1] == "run" else p["optional-dependencies"]["test"]))'
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(DEPENDENCIES) run > $(LOCK_VENV)/runtime.in
	$(DEPENDENCIES) test > $(LOCK_VENV)/test.in
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(LOCK_VENV)/runtime.in
	(echo "# Exact versions of what 'make run' installs (pip install -r requirements.lock): the runtime."; \
	 echo "# Direct dependencies are pyproject.toml's dependencies; regenerate with 'make lock'."; \
	 $(LOCK_VENV)/bin/python -m pip freeze) > $(LOCK)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) \
	  -r $(LOCK_VENV)/test.in
	(echo "# The test tools on top of requirements.lock (make test, lint, bench, fuzz, chaos)."; \
	 echo "# Direct dependencies are pyproject.toml's optional-dependencies 'test'; regenerate"; \
	 echo "# with 'make lock'. The runtime pins hold here too:"; \
	 echo "-c $(LOCK)"; \
	 $(LOCK_VENV)/bin/python -m pip freeze | grep -v -x -F -f $(LOCK)) > $(TEST_LOCK)
	rm -rf $(LOCK_VENV)
