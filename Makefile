# Everything a learner, an instructor or CI types. `make help` lists the targets.
# uv is installed with pip when missing (the package index is reachable even on locked-down networks).
UV ?= $(shell command -v uv 2>/dev/null || echo python3 -m uv)
LAB ?= all
WORKSPACE ?= labs

.PHONY: help setup grade test test-fast lint release release-check images bench bench-cohort mutants airflow-cluster clean

help:
	@echo "make setup          install uv (if missing) and the locked course environment"
	@echo "make grade          set up, then grade this checkout's lab work (LAB=01, WORKSPACE=labs)"
	@echo "make test           the repository's own tests (all tiers, slow ones included)"
	@echo "make test-fast      the quick inner loop: tests not marked slow"
	@echo "make lint           ruff on the grader, tests and solution Python"
	@echo "make release        regenerate labs/ from solutions/"
	@echo "make images         build the runtime, PostgreSQL and Redis images (offline too)"
	@echo "make bench          time grading against plain dbt build, same run"
	@echo "make bench-cohort   cohort throughput, --jobs 1 and 2, both runners"
	@echo "make mutants        the grader's mutation score: small bugs in solutions/, share that lose points"
	@echo "make airflow-cluster  Airflow with Celery workers on this machine, for the UI (DAGS=folder)"

setup:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --frozen

# Exit 1 from the grader means "graded, some tests failed": that is a result, not a broken command.
grade: setup
	@$(UV) run --frozen grader check $(LAB) --workspace $(WORKSPACE); rc=$$?; [ $$rc -le 1 ]

# --durations: the slowest tests are printed on every run, so the suite's budget stays in view
test: setup lint
	@$(UV) run --frozen pytest --durations=25

test-fast: setup
	@$(UV) run --frozen pytest -m "not slow" -n 2 --dist loadfile

lint: setup
	@$(UV) run --frozen ruff check grader tests
	@$(UV) run --frozen ruff format --check grader tests
	@$(UV) run --frozen mypy grader --ignore-missing-imports

release: setup
	@$(UV) run --frozen grader release

release-check: setup
	@$(UV) run --frozen grader release --check

images: setup
	@$(UV) run --frozen grader images build

bench: setup
	@$(UV) run --frozen python -m grader.bench
	@$(UV) run --frozen python -m grader.bench_lab04
	@$(UV) run --frozen python -m grader.bench_lab03
	@$(UV) run --frozen python -m grader.bench_lab02
	@$(UV) run --frozen python -m grader.bench_lab05
	@$(UV) run --frozen python -m grader.bench_cluster

bench-cohort: setup
	@$(UV) run --frozen python -m grader.bench --cohort 6

# Not in CI (about 15 minutes): grades every lab's mutants.yml as one cohort per lab.
mutants: setup
	@$(UV) run --frozen python -m grader.mutants

clean:
	rm -rf grader-reports .pytest_cache .ruff_cache

# Lab 05's deployment on this machine, for the Airflow UI: PostgreSQL, Redis, api-server, scheduler,
# dag-processor, triggerer and two Celery workers (queues default; default,heavy). Ctrl-C stops all.
DAGS ?= labs/04_airflow_dags/dags
airflow-cluster: setup
	@$(UV) run --frozen python -m grader.airflow_cluster --dags $(DAGS)
