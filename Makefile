# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates/refreshes .venv from the repo's own files; only python3 and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test test-browser bench lock clean

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/socialdesk sandbox

test: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest --ignore=tests/browser

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
	$(BIN)/python bench/business_time.py

# Re-pin requirements.txt from pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/socialdesk-lock && $(PYTHON) -m venv /tmp/socialdesk-lock
	/tmp/socialdesk-lock/bin/pip install --quiet '.[dev]'
	/tmp/socialdesk-lock/bin/pip freeze --exclude socialdesk > requirements.txt

clean:
	rm -rf $(VENV) *.egg-info build
