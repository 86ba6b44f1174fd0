# Warisan: `make demo` sets up and serves the demo portal; `make test` runs every test.
# Debian packages are installed with apt-get when run as root; otherwise the exact
# command is printed and make stops.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-ind tesseract-ocr-msa tesseract-ocr-eng \
	tesseract-ocr-jav tesseract-ocr-sun \
	postgresql redis-server chromium fonts-dejavu-core
PYTEST_ARGS ?=

.PHONY: demo test install system-deps python-deps portal-assets lint format bench clean help

help:
	@echo "make demo   install, harvest the demo feeds, OCR, index and serve http://127.0.0.1:5000"
	@echo "make test   install and run the whole test suite (ruff + pytest)"

install: system-deps python-deps portal-assets

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing npm"; \
	$(PYTHON) -c "import ensurepip" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing Debian packages. Run:"; echo "  sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	@echo "Installing Python packages into $(VENV)"
	$(BIN)/pip install -q -e '.[dev,postgres,redis,elasticsearch,server]'
	touch $@

# Our packages are byte-compiled as pip compiles an installed wheel's: with
# PYTHONDONTWRITEBYTECODE set, every command would otherwise compile them again at start.
python-deps: $(VENV)/.installed
	$(BIN)/python -m compileall -q catalog harvester ingest search portal demo

# Portal assets: OpenSeadragon from the npm lock file into static/vendor/ (ignored), Uppy's
# core, Dashboard and tus uploader bundled by esbuild from assets/uppy.js (330 kB, against
# 580 kB for the `uppy` package's all-plugins bundle) with their two stylesheets, and the
# compiled interface translations (.mo, ignored). axe-core (a dev dependency) stays in
# node_modules/: the browser tests inject it from there, the portal never serves it.
portal-assets: python-deps
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor/openseadragon && mkdir -p static/vendor/openseadragon
	cp -r node_modules/openseadragon/build/openseadragon/openseadragon.min.js \
	  node_modules/openseadragon/build/openseadragon/images static/vendor/openseadragon/
	rm -rf static/vendor/uppy && mkdir -p static/vendor/uppy
	node_modules/.bin/esbuild assets/uppy.js --bundle --minify --format=iife --target=es2020 \
	  --log-level=warning --outfile=static/vendor/uppy/uppy.min.js
	cat node_modules/@uppy/core/dist/style.min.css node_modules/@uppy/dashboard/dist/style.min.css \
	  > static/vendor/uppy/uppy.min.css
	$(BIN)/pybabel compile --statistics -d translations

demo: install
	$(BIN)/warisan demo

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
