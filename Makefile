# Redrive: `make run` starts everything on embedded defaults, `make test` runs the suite
# against PostgreSQL and Redis. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK_HASH := $(shell sha1sum requirements.lock | cut -c1-12)
STAMP := $(VENV)/.installed-$(LOCK_HASH)
PG_VERSION := $(shell ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)

.PHONY: install run test lint services browser lock demo bench chaos fuzz

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_roles
	$(BIN)/python manage.py seed_demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD),)
	@echo
	@echo "Redrive: admin at http://127.0.0.1:8000/admin/ (log in as 'admin' with the password above),"
	@echo "         API at http://127.0.0.1:8000/api/, sandbox at http://127.0.0.1:8765. Ctrl-C stops all."
	@echo
	$(BIN)/honcho start -f Procfile

test: install services browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff, and the direction of imports between the apps (pyproject.toml's import-linter
# contracts; see docs/architecture.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks (bench/README.md) at sizes that fit about 15 minutes on a 2-core machine; each prints a
# table and writes bench/results/<name>.json. Without flags each module runs its full size.
bench: install services
	@status=0; \
	$(BIN)/python -m bench.bulk_resubmit --orders 20000 || status=1; \
	$(BIN)/python -m bench.sweep --orders 200000 || status=1; \
	$(BIN)/python -m bench.dispatch --orders 2000 --rounds 2 || status=1; \
	$(BIN)/python -m bench.clients --requests 2000 || status=1; \
	$(BIN)/python -m bench.outage --backlog 3000 --outage 30 || status=1; \
	$(BIN)/python -m bench.api --orders 200000 --rounds 10 || status=1; \
	exit $$status

# Fault injection: 2,000 orders while workers die, Redis restarts and the remote side fails.
chaos: install services
	$(BIN)/python -m bench.chaos

# Schemathesis, randomized and stateful, against gunicorn as staff, owner, manager and consumer,
# with every check but positive_data_acceptance (bench/fuzz.py says why). MINUTES=15 by default.
fuzz: install services
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
# fresh virtual environment of their own (never the project itself, which is not a package),
# and what that holds is the new requirements.lock.
LOCK_VENV := var/lock-venv
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))' \
	  > $(LOCK_VENV)/requirements.in
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -r $(LOCK_VENV)/requirements.in
	(echo "# Exact versions of every package, installed by 'make' (pip install -r requirements.lock)."; \
	 echo "# Direct dependencies are listed in pyproject.toml; regenerate with 'make lock'."; \
	 $(LOCK_VENV)/bin/python -m pip freeze) > requirements.lock
	rm -rf $(LOCK_VENV)
