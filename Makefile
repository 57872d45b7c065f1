# make demo: set up and run the worked example, rendered.   make test: set up and run every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'  # with torch==2.13.0, the tests' oracle
	touch $@

setup: $(VENV)/.installed
	./scripts/system-deps.sh

demo: setup
	mkdir -p out
	$(BIN)/backprop worked-example
	$(BIN)/backprop worked-example --view network --svg out/worked_example_network.svg
	$(BIN)/backprop worked-example --view backward --svg out/worked_example_backward.svg \
		--png out/worked_example_backward.png --html out/worked_example_steps.html

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: $(VENV)/.installed-test
	./scripts/system-deps.sh --browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

# micrograd and PyTorch, the peers measured against, come with the test tools
bench: $(VENV)/.installed-test
	$(BIN)/python bench/micrograd_step.py
	$(BIN)/python bench/batched_step.py

clean:
	rm -rf $(VENV) out test-artifacts
