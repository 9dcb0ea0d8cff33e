# Everything runs inside .venv, which the first target that needs it builds from nothing
# with the standard library's venv and pip. The stamp makes later runs skip the install
# until pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The generator's post-hooks run whichever ruff is first on PATH: make it the pinned one.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: all venv specs generate check-generated drift lint typecheck pytest test demo bench bench-quick clean

all: test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## specs: apply specs/patches/ to specs/upstream/ and write the effective specs/*.yaml
specs: $(STAMP)
	$(BIN)/python specs/build.py

## generate: regenerate generated/ from the effective specs (deletes and rewrites it)
generate: specs
	$(BIN)/python tools/generate.py

## check-generated: fail if specs/*.yaml or generated/ differ from a fresh build
check-generated: $(STAMP)
	$(BIN)/python tools/generate.py --check

## drift: what a vendor's new spec changes for the SDK, in one report (exit 1 if anything that
## matters changed): make drift VENDOR=edenai SPEC=path/to/v3-openapi.json [BASE=older-spec]
drift: $(STAMP)
	@test -n "$(VENDOR)" && test -n "$(SPEC)" || \
		{ echo "usage: make drift VENDOR=<name> SPEC=<candidate spec> [BASE=<spec to compare with>]"; exit 2; }
	$(BIN)/python tools/drift.py '$(SPEC)' --vendor '$(VENDOR)' $(if $(BASE),--base '$(BASE)')

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

## test: everything CI checks; green means all of it
test: check-generated lint typecheck pytest

## demo: the five simulators and a realistic job on each, through the public SDK
demo: $(STAMP)
	$(BIN)/jobpoll demo

# The benchmarks add the `bench` extra (matplotlib for the plot, tenacity and polling2 for the
# thread-per-wait baseline) on first use; `make test` does not need it.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) build dist *.egg-info wrappers/*.egg-info generated/*.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
