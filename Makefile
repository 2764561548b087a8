# tenancy.vcluster — developer entry points.
#   make demo   provision the sample tenant on the local control plane
#   make test   everything CI runs: lint, sanity, unit, integration
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CACHE := .cache
# ansible-test and plain pytest both need the collection at ansible_collections/tenancy/vcluster.
COLL_ROOT := $(CACHE)/collections
COLL_LINK := $(COLL_ROOT)/ansible_collections/tenancy/vcluster
export ANSIBLE_COLLECTIONS_PATH := $(abspath $(COLL_ROOT))
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help setup collection lint ruff ansible-lint sanity unit integration reliability test test-rancher-real demo bench bench-profile cluster-up cluster-down clean docs

help:
	@echo "make demo   provision the sample tenant on the local control plane"
	@echo "make test   lint + sanity + unit + integration (builds the local control plane the first time)"

$(BIN)/ansible-playbook: requirements.txt requirements-dev.txt
	@echo ">> creating $(VENV) (ansible-core 2.19 + kubernetes.core from the ansible package, test tools)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

setup: $(BIN)/ansible-playbook collection

collection:
	@mkdir -p $(dir $(COLL_LINK))
	@ln -sfn $(abspath .) $(COLL_LINK)

ruff: setup
	$(BIN)/ruff check .

ansible-lint: setup
	$(BIN)/ansible-lint --offline

lint: ruff ansible-lint

sanity: setup
	hack/sanity

unit: setup
	$(BIN)/pytest -q tests/unit

cluster-up: setup
	hack/local-cluster up

cluster-down:
	hack/local-cluster down

integration: setup
	$(BIN)/pytest -q tests/integration

reliability: setup
	$(BIN)/pytest -q tests/reliability

bench: setup
	$(BIN)/python bench/run.py measure

# Where the no-op time of a fleet of 50 goes (per task, cProfile, perf stat, forks and strategy variants).
bench-profile: setup
	$(BIN)/python bench/run.py profile

test: setup
	hack/run-tests

# The Rancher suite against the real Rancher v2.12.0 server built from ../shared/rancher-src (hack/rancher-real).
test-rancher-real: setup
	hack/run-rancher-real

demo: setup
	hack/demo

# The docs site (antsibull-docs + Sphinx, warnings are errors) in docs/site/build/html.
docs: setup
	hack/docs

clean:
	rm -rf $(CACHE) tests/output
