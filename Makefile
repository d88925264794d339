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

# Tests run in TEST_WORKERS processes (each with its own vhosts and databases); those that restart the
# broker run afterwards on their own.
TEST_WORKERS ?= 3
test: $(VENV)/.installed-test servers
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not broker_outage"
	$(BIN)/pytest -m broker_outage

# The local servers integration tests talk to (RabbitMQ with its management API, PostgreSQL).
servers:
	@deploy/local/ensure-servers.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bus.py

clean:
	rm -rf var
