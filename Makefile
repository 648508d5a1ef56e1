# Two commands: `make run` (the app with embedded defaults) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEBIAN_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
DEBIAN_TEST := $(DEBIAN_RUN) chromium qpdf poppler-utils
PORT ?= 8000

.PHONY: run test prod-smoke install system-deps-run system-deps-test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (apt-get install python3 python3-venv)") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Install missing Debian packages when we are root; otherwise name the exact command.
define ensure_debian
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages. Run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

system-deps-run:
	$(call ensure_debian,$(DEBIAN_RUN))

system-deps-test:
	$(call ensure_debian,$(DEBIAN_TEST))

# Links in mail (review forms, reminders, the CEUR homepage) point where this server listens,
# unless SITE_URL says otherwise.
RUN_SITE_URL = $(or $(SITE_URL),http://127.0.0.1:$(PORT))

run: system-deps-run install
	$(PY) manage.py migrate --noinput --verbosity 0
	SITE_URL='$(RUN_SITE_URL)' $(PY) manage.py load_demo
	@echo "Serving http://127.0.0.1:$(PORT)/  (SQLite, eager Celery; links in mail start $(RUN_SITE_URL); new mail printed here)"
	SITE_URL='$(RUN_SITE_URL)' $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system-deps-test install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

# The production commands of docker-compose.yml on loopback (needs PostgreSQL and Redis).
prod-smoke: system-deps-test install
	PROD_SMOKE=1 $(PY) -m pytest -p no:cacheprovider tests/smoke $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
