# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv if needed and install everything, mosquitto included.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXPORT_VENV := .venv-export
EXPORT_PY := $(EXPORT_VENV)/bin/python
EXPORT_STAMP := $(EXPORT_VENV)/.installed
EXPORT_TESTS := tests/kiosk/features/test_export.py
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test lint bench export-backbone mosquitto clean

setup: $(STAMP) mosquitto

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, from the pinned CPU build, so no later extra pulls a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[kiosk,worker,dev]'
	touch $(STAMP)

# The backbone converter cannot share a virtualenv with MediaPipe (protobuf 5+ vs < 5).
$(EXPORT_STAMP): pyproject.toml
	test -x $(EXPORT_PY) || $(PYTHON) -m venv $(EXPORT_VENV)
	$(EXPORT_PY) -m pip install --quiet --upgrade pip
	$(EXPORT_PY) -m pip install --quiet torch==2.13.0
	$(EXPORT_PY) -m pip install --quiet 'numpy<2' -e '.[export]'
	touch $(EXPORT_STAMP)

export-backbone: $(EXPORT_STAMP)
	$(EXPORT_PY) tools/export_backbone.py

mosquitto:
	@command -v mosquitto >/dev/null || test -x /usr/sbin/mosquitto || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq mosquitto; }
	@# tests/systemd/ checks the shipped units with systemd-analyze verify.
	@command -v systemd-analyze >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq systemd; }

demo: setup
	$(PY) -m teachbooth demo

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

test: lint $(EXPORT_STAMP)
	$(PY) -m pytest --ignore=$(EXPORT_TESTS)
	$(EXPORT_PY) -m pytest $(EXPORT_TESTS)

bench: setup
	$(PY) -m bench.job_roundtrip

clean:
	rm -rf $(VENV) $(EXPORT_VENV) demo-output .pytest_cache .ruff_cache .hypothesis
