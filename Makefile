# Entry points; each is a small script in scripts/ that installs what it needs.
.DEFAULT_GOAL := help
S ?=

.PHONY: help role-docs test lint sanity unit inputs molecule images venv demo demo-destroy bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

test: ## Everything, from a fresh machine: venv, Docker, images, lint, unit, sanity, Molecule
	@scripts/test.sh

role-docs: ## Regenerate role README variables tables from argument specs
	@.venv/bin/python tests/tools/role_specs.py write

lint: ## yamllint + ansible-lint (production) + ruff + changelog + role spec checks
	@scripts/lint.sh

sanity: ## ansible-test sanity on the collection
	@scripts/sanity.sh

unit: ## pytest for the plugins (modules, module_utils, filters)
	@scripts/unit.sh

inputs: ## Role input validation: bad variables fail before any change
	@scripts/inputs.sh

molecule: ## All Molecule scenarios (debian12, debian13, as each scenario's distros allow); S=<scenario> for one
	@scripts/molecule.sh $(S)

images: ## Build (or reuse) the fastops/debian12 and fastops/debian13 test images
	@scripts/images.sh

venv: ## Create .venv with the pinned controller tools
	@scripts/venv.sh

demo: ## Deploy the stack into a local container standing in for a server
	@scripts/demo.sh up

demo-destroy: ## Remove the demo container
	@scripts/demo.sh down

bench: ## Measured figures of the single-host stack (medians of BENCH_RUNS=3), the README's table
	@scripts/bench.sh

clean: ## Remove test and bench containers and the molecule state (keeps venv and images)
	-@docker rm -f $$(docker ps -aq --filter label=fastops.test=true) $$(docker ps -aq --filter label=fastops.bench=true) 2>/dev/null
	rm -rf .cache/molecule .cache/harness/logs
