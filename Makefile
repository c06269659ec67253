# One place for set-up, build, run, test and lint. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
# accuracy@1 floors on the test splits (measured figures are in eval/README.md)
GATE_ORIGINAL ?= 0.95
GATE_WILD     ?= 0.88
# fact-in-answer floor on the detail set's test split
GATE_FACT     ?= 0.83

.PHONY: setup setup-st build run serve test test-fast test-unit test-postgres loadtest eval-gate browser lint bench benchmarks ablation clean

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
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver -a -s .cache/axe/axe.min.js || bash scripts/install_browser.sh

# the whole suite: every marker (real model, sentence-transformers, browser), the lint,
# then the answer-quality gates on both eval sets
test: setup setup-st browser
	scripts/with_postgres.sh $(BIN)/pytest -m "model or not model"
	$(MAKE) lint
	$(MAKE) eval-gate

# the store's tests against a real local PostgreSQL (installed from Debian when absent)
test-postgres: setup
	scripts/with_postgres.sh $(BIN)/pytest -m postgres

# a bounded load on loopback, with an index rebuild in the middle: req/s, p50/p99, errors
loadtest: build
	$(BIN)/python scripts/loadtest.py

# everything but the browser and torch
test-fast: setup
	$(BIN)/pytest -m "not browser and not st"

# plain pytest: no model, no browser (the SHA-256 hash encoder stands in)
test-unit: setup
	$(BIN)/pytest

eval-gate: build
	$(BIN)/isac eval eval/questions.jsonl --split test --min-accuracy $(GATE_ORIGINAL) --failures 0
	$(BIN)/isac eval eval/questions-wild.jsonl --split test --min-accuracy $(GATE_WILD) --failures 0
	$(BIN)/isac eval eval/questions-detail.jsonl --split test --min-fact $(GATE_FACT) --failures 0
	$(BIN)/isac guard eval/synonym-guard.jsonl

lint: setup
	$(BIN)/ruff check isac tests scripts api.py
	$(BIN)/mypy isac

bench: build
	$(BIN)/python scripts/bench.py

benchmarks: setup
	$(BIN)/python scripts/external_benchmarks.py

ablation: build
	$(BIN)/python scripts/ablation.py

# isac beside Haystack 2.x and txtai on the same passages, vectors and questions (docs/peers.md);
# their packages go into their own venv, never isac's; torch first, pinned to the CPU wheel
PEERS := .venv-peers
.PHONY: bench-peers
bench-peers: $(PEERS)/.installed
	@test -s index/vectors.npy || { echo "no index/: run make build first"; exit 1; }
	$(PEERS)/bin/python scripts/bench_peers.py

$(PEERS)/.installed: scripts/peers-requirements.txt pyproject.toml
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/pip install -q --upgrade pip
	$(PEERS)/bin/pip install -q torch==2.13.0
	$(PEERS)/bin/pip install -q -r scripts/peers-requirements.txt -e .
	touch $@

clean:
	rm -rf $(VENV) $(PEERS) index .pytest_cache .ruff_cache
