# sitrep: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test unit lint kafka-start kafka-stop bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: install
	deploy/demo.sh

test: install
	deploy/run-tests.sh

unit: install
	$(BIN)/python -m pytest tests/unit -q

lint: install
	$(BIN)/ruff check .

kafka-start:
	deploy/kafka/local-kafka.sh start

kafka-stop:
	deploy/kafka/local-kafka.sh stop

bench: install
	$(BIN)/python bench/throughput.py
