# make demo: set up and run the worked example, rendered.   make test: set up and run every test.
# make serve: the live web app.   make docs / make docs-serve: the documentation site.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo serve test lint bench setup clean notebooks docs docs-serve

# python3 -m venv needs Debian's python3-venv: without it, one line says what to install
$(BIN)/python:
	./scripts/check-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# the library and what the lessons import (sympy, IPython's display): notebooks/ runs here
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[lessons]'
	touch $@

# the test tools and oracles (JAX on the CPU: no CUDA package, a few hundred MB in all)
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test,docs,lessons]'
	touch $@

# the benchmarks' peers: micrograd, and PyTorch's CPU build from PyTorch's own index (the plain
# package index would give the CUDA build on Linux, several GB)
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -c "import torch" 2>/dev/null || \
		$(BIN)/python -m pip install -q --index-url $(TORCH_INDEX) torch
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

setup: $(VENV)/.installed
	./scripts/system-deps.sh

demo: setup
	mkdir -p out
	$(BIN)/backprop worked-example
	$(BIN)/backprop worked-example --view network --svg out/worked_example_network.svg >/dev/null
	$(BIN)/backprop worked-example --view backward --svg out/worked_example_backward.svg \
		--png out/worked_example_backward.png --html out/worked_example_steps.html >/dev/null
	@echo
	@echo "The commands (backprop, python, jupyter) are in $(VENV)/bin: run them as $(VENV)/bin/backprop ...,"
	@echo "or first activate the virtualenv in your shell:  . $(VENV)/bin/activate"

# the live web app on http://127.0.0.1:8000/ (PORT=0: any free port); Ctrl-C stops it
PORT ?= 8000
serve: setup
	$(BIN)/backprop serve --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# also: what the test extra resolves to from the plain package index holds no CUDA package, and
# the built wheel installs and runs on Python 3.11, 3.12 and 3.13 (scripts/wheel-smoke.sh)
test: $(VENV)/.installed-test
	./scripts/system-deps.sh --browser
	$(BIN)/ruff check .
	$(BIN)/python scripts/check_test_install.py
	$(BIN)/python -m pytest -n 2 -q
	./scripts/wheel-smoke.sh $(BIN)/python

# micrograd and PyTorch (CPU), the peers measured against; bench/test_peers.py first checks
# that the PyTorch workloads compute what ours compute
bench: $(VENV)/.installed-bench
	$(BIN)/python -m pytest -q -p no:cacheprovider bench/test_peers.py bench/test_class_training.py
	$(BIN)/python bench/micrograd_step.py
	$(BIN)/python bench/batched_step.py
	$(BIN)/python bench/compiled_step.py
	$(BIN)/python bench/class_training.py

# the .ipynb files from their Jupytext sources (notebooks/src/*.py; edit those)
notebooks: $(VENV)/.installed-test
	$(BIN)/python scripts/sync_notebooks.py

# the documentation site into site/ (strict: a broken link or anchor, or a failing notebook cell
# stops it); make docs-serve shows it on http://127.0.0.1:8001/ (the app keeps 8000)
docs: $(VENV)/.installed-test
	./scripts/system-deps.sh
	env -u MPLBACKEND NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

DOCS_PORT ?= 8001
docs-serve: docs
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site $(DOCS_PORT)

clean:
	rm -rf $(VENV) out test-artifacts site
