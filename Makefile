# One place for set-up, build, run, test and lint. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: setup setup-st build run serve test test-fast test-unit eval-gate browser lint bench benchmarks ablation clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# the sentence-transformers encoder; torch is pinned to the CPU wheel (never a CUDA build)
setup-st: setup
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[st]'

build: setup
	$(BIN)/isac build

run: setup build serve

serve: setup
	ISAC_PORT=$(PORT) $(BIN)/isac serve

browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || bash scripts/install_browser.sh

# the whole suite: unit, API, marked real-model, sentence-transformers and browser tests,
# then the answer-quality gate on the real knowledge base
test: setup setup-st browser
	$(BIN)/pytest
	$(MAKE) eval-gate

test-fast: setup
	$(BIN)/pytest -m "not browser and not st"

# no model at all: analyser, validation, fusion, ranking maths, metrics, reports' parsing
test-unit: setup
	$(BIN)/pytest -m "not model and not browser and not st"

eval-gate: build
	$(BIN)/isac eval eval/questions.jsonl --split test --min-accuracy 0.92

lint: setup
	$(BIN)/ruff check isac tests scripts api.py

bench: build
	$(BIN)/python scripts/bench.py

benchmarks: setup
	$(BIN)/python scripts/external_benchmarks.py

ablation: build
	$(BIN)/python scripts/ablation.py

clean:
	rm -rf $(VENV) index .pytest_cache .ruff_cache
