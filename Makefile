# CARS: `make run` runs the whole system, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SERVICES := accounts filings fees correspondence notify search
PACKAGES := shared $(addprefix services/,$(SERVICES))
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))

.PHONY: run test lint bench servers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools<81" wheel

$(VENV)/.installed: $(BIN)/python requirements/base.txt $(PYPROJECTS)
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps $(addprefix -e ,$(PACKAGES))
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.txt
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/cars-run

test: $(VENV)/.installed-test servers
	$(BIN)/pytest

# The local servers integration tests talk to (RabbitMQ with its management API, PostgreSQL).
servers:
	@deploy/local/ensure-servers.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bus.py

clean:
	rm -rf var
