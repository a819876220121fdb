# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv if needed and install everything, mosquitto included.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test lint bench mosquitto clean

setup: $(STAMP) mosquitto

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, from the pinned CPU build, so no later extra pulls a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[kiosk,worker,dev]'
	touch $(STAMP)

mosquitto:
	@command -v mosquitto >/dev/null || test -x /usr/sbin/mosquitto || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq mosquitto; }

demo: setup
	$(PY) -m shared.cli demo

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest

bench: setup
	$(PY) bench/job_roundtrip.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache .hypothesis
