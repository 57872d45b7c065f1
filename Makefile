# make demo: set up and run the worked example, rendered.   make test: set up and run every test.
# make serve: the live web app.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo serve test lint bench setup clean notebooks docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test,docs]'  # with torch==2.13.0, the tests' oracle
	touch $@

setup: $(VENV)/.installed
	./scripts/system-deps.sh

demo: setup
	mkdir -p out
	$(BIN)/backprop worked-example
	$(BIN)/backprop worked-example --view network --svg out/worked_example_network.svg
	$(BIN)/backprop worked-example --view backward --svg out/worked_example_backward.svg \
		--png out/worked_example_backward.png --html out/worked_example_steps.html

# the live web app on http://127.0.0.1:8000/ (PORT=0: any free port); Ctrl-C stops it
PORT ?= 8000
serve: setup
	$(BIN)/backprop serve --port $(PORT)

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
	$(BIN)/python bench/compiled_step.py
	$(BIN)/python bench/class_training.py

# the .ipynb files from their Jupytext sources (notebooks/src/*.py; edit those)
notebooks: $(VENV)/.installed-test
	$(BIN)/jupytext --sync notebooks/src/*.py

# the documentation site into site/ (strict: a broken link or a failing notebook cell stops it);
# view it with: $(BIN)/python -m http.server -d site  (or open site/index.html)
docs: $(VENV)/.installed-test
	./scripts/system-deps.sh
	env -u MPLBACKEND NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) out test-artifacts site
