# PassResOT66 — `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
TEST_PG_URL ?= postgresql+psycopg://root@127.0.0.1:5432/test
TEST_TMP ?= $(or $(TMPDIR),/tmp)/passresot-tests

.PHONY: bytecode run run-lan test test-browser test-sqlite test-postgres-lane test-repeat test-python test-js test-postgres test-engines setup vendor translations migrate demo bench clean

run: setup migrate demo
	@$(BIN)/flask demo-logins
	@echo "PassResOT66 : http://127.0.0.1:5000"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The same over HTTPS on the local network (self-signed certificate in instance/), to try the
# scanner's camera on a phone: gunicorn on 0.0.0.0:5443.
run-lan: setup migrate demo
	@$(BIN)/flask demo-logins
	@$(BIN)/python scripts/lan_cert.py --port 5443
	WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind 0.0.0.0:5443 \
		--certfile instance/lan-cert.pem --keyfile instance/lan-key.pem app:app

# The whole suite in three lanes side by side (the browser tests spend much of their time waiting):
# the browser tests on SQLite, the database tests on SQLite, and the database tests on PostgreSQL
# when it answers at TEST_PG_URL (always on CI, where a missing PostgreSQL is a failure); and the
# JavaScript tests beside them. Each lane's output is printed when it ends; a failing lane lets the
# others finish.
test: setup
	@mkdir -p $(TEST_TMP)
	@$(MAKE) --no-print-directory -k -j4 --output-sync=target test-browser test-sqlite test-postgres-lane test-js

test-js: node_modules/.installed
	node --test tests/js/

# The browser tests run in BROWSER_WORKERS pytest-xdist processes (each its own live server and
# Chromium, a module at a time); BROWSER_WORKERS=1 runs them in one process, in file order. Each lane
# collects only its own folders (the browser tests are those under tests/browser): collecting the
# whole suite to deselect most of it cost each process ~4 s.
BROWSER_WORKERS ?= 2
test-browser: setup
	@mkdir -p $(TEST_TMP)
	$(BIN)/python -m pytest -q -m browser $(if $(filter-out 1,$(BROWSER_WORKERS)),-n $(BROWSER_WORKERS) --dist loadfile) \
	  -p no:cacheprovider --basetemp=$(TEST_TMP)/browser tests/browser

# The database lanes run at a lower priority: the browser lane, whose waits make it the longest, gets
# the processor when it needs it, and the database lanes fill the time it spends waiting.
DB_LANE_NICE ?= nice -n 10
test-sqlite: setup
	@mkdir -p $(TEST_TMP)
	$(DB_LANE_NICE) $(BIN)/python -m pytest -q -m "not browser" --ignore=tests/browser -p no:cacheprovider \
	  --basetemp=$(TEST_TMP)/sqlite

# The role × URL matrix (1,300 requests, the same decisions on any engine) runs on SQLite only here,
# and so do the tests that never touch the test database (DATABASE_TESTS_ONLY, tests/conftest.py):
# they do the same on any engine. `make test-postgres` runs everything on PostgreSQL.
test-postgres-lane: setup
	@mkdir -p $(TEST_TMP)
	@if [ "$$CI" = true ] || pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  echo "== the database tests on PostgreSQL ($(TEST_PG_URL))"; \
	  TEST_DATABASE_URL=$(TEST_PG_URL) DATABASE_TESTS_ONLY=1 $(DB_LANE_NICE) $(BIN)/python -m pytest -q -m "not browser" \
	    -p no:cacheprovider --ignore=tests/browser --ignore=tests/web/test_access_matrix.py --basetemp=$(TEST_TMP)/postgres; \
	else echo "== PostgreSQL does not answer on 127.0.0.1:5432: the database tests ran on SQLite only"; fi

# `make test` N times (`make test-repeat 5`, or N=5), its three lanes each time, stopping at the
# first failing run: a test that fails at random shows itself here before it fails someone else's change.
ifeq (test-repeat,$(firstword $(MAKECMDGOALS)))
REPEAT := $(word 2,$(MAKECMDGOALS))
ifneq ($(REPEAT),)
$(eval $(REPEAT):;@:)
endif
endif
N ?= $(or $(REPEAT),5)
test-repeat: setup
	@for run in $$(seq 1 $(N)); do \
	  echo "== test-repeat: run $$run of $(N)"; \
	  $(MAKE) --no-print-directory test || { echo "== test-repeat: run $$run of $(N) FAILED"; exit 1; }; \
	done; echo "== test-repeat: $(N) runs of $(N) passed"

# The database tests against PostgreSQL alone (`make test` runs them too).
test-postgres: setup
	TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/python -m pytest -q -m "not browser"

# The offline journeys (pass, partner search, scanner outbox) in WebKitGTK and Firefox ESR: slow, so
# neither `make test` nor CI runs them. Installs the browsers from Debian and their drivers into the
# venv (requirements-engines.txt), then prints the versions it drove. Browser and server logs of the
# last run stay in $TMPDIR/passresot-engines.
ENGINE_PACKAGES := webkit2gtk-driver firefox-esr xvfb
test-engines: $(VENV)/.installed vendor translations
	@missing=""; for package in $(ENGINE_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then echo "Installing$$missing"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	$(BIN)/python -m pip install --quiet -r requirements-engines.txt
	@echo "Engines: $$(firefox-esr --version 2>/dev/null); WebKitGTK $$(dpkg-query -W -f='$${Version}' libwebkit2gtk-4.1-0) (MiniBrowser via WebKitWebDriver)"
	$(BIN)/python -m pytest -c tests/engines/pytest.ini tests/engines -rA --basetemp=$${TMPDIR:-/tmp}/passresot-engines

setup: $(VENV)/.installed node_modules/.installed vendor translations bytecode

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -r requirements.txt
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

# The bytecode is written here, on both cores, because Python may be told never to write it
# (PYTHONDONTWRITEBYTECODE=1, as in the shells of the machines this project is built on): then
# every process compiles each module it imports, and the app takes 1.9 s of processor to start
# instead of 0.8 s, in each of the test lanes' many Python processes (live servers, flask commands,
# gunicorn and import workers). Only the files changed since the last run are compiled again.
bytecode: $(VENV)/.installed
	@$(BIN)/python -m compileall -q -j 0 app.py passresot tests scripts bench

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

vendor: node_modules/.installed
	@node scripts/copy_vendor.mjs

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d passresot/translations

migrate: setup
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask load-demo

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
