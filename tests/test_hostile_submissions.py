"""Broken and hostile submissions: the grader finishes, says what happened, and scores honestly.

Each case lays files over a copy of the lab 01 solution. Cases that would harm the machine (fork
bombs, a flood of output) run only in a container.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.model import LabReport, Status
from tests.conftest import LAB01, SOLUTIONS, grade_with_spec, make_workspace

pytestmark = pytest.mark.slow

FULL = 80.0


def python_model(body: str) -> str:
    """customer_segments.py doing ``body`` first, then the correct work."""
    solution = (SOLUTIONS / "01_dbt_models" / "warehouse" / "models" / "marts" / "customer_segments.py").read_text()
    return solution.replace('    dbt.config(materialized="table")\n', '    dbt.config(materialized="table")\n' + body)


SEGMENTS = "warehouse/models/marts/customer_segments.py"


@dataclass(frozen=True)
class Case:
    files: dict[str, str | bytes]
    check: Callable[[LabReport], None]
    container_only: bool = False
    links: dict[str, str] = field(default_factory=dict)
    container_files: dict[str, str | bytes] = field(default_factory=dict)  # replace ``files`` in a container


def full_marks(report: LabReport) -> None:
    assert report.status is Status.GRADED, report.problems
    assert report.score == FULL


def failed(*ids: str, says: str) -> Callable[[LabReport], None]:
    """Exactly these tests fail, and the learner is told ``says`` (in a test's message or a problem)."""

    def verify(report: LabReport) -> None:
        assert report.status is Status.GRADED, report.problems
        not_passed = {t.id: t.message for t in report.tests if t.status != "passed"}
        assert sorted(not_passed) == sorted(ids), not_passed
        assert says in " ".join([*not_passed.values(), *report.problems])

    return verify


def harmless(report: LabReport) -> None:
    """Full marks: none of the tricks changes a score; the links were skipped, and the learner told."""
    full_marks(report)
    assert any("a symbolic link" in p for p in report.problems), report.problems
    assert "Traceback" not in " ".join(report.problems)


def stopped(*ids: str, says: str, may_also: tuple[str, ...] = ()) -> Callable[[LabReport], None]:
    """The job was stopped; what finished before is graded: exactly these tests fail (and of
    ``may_also``, those whose process the stop happened to reach)."""

    def verify(report: LabReport) -> None:
        assert report.status is Status.GRADED, report.problems
        not_passed = {t.id for t in report.tests if t.status != "passed"}
        assert set(ids) <= not_passed <= set(ids) | set(may_also), sorted(not_passed)
        assert any(says in p for p in report.problems), report.problems

    return verify


def refused_naming(file: str) -> Callable[[LabReport], None]:
    """Not gradable, and the learner is told which file and why, in words, with no traceback."""

    def verify(report: LabReport) -> None:
        assert report.status is Status.NOT_GRADABLE
        said = " ".join(report.problems)
        assert file in said
        assert "UTF-8" in said
        assert "Traceback" not in said

    return verify


SEGMENTS_CHECK = "integration.python_model_segments_customers"
# a Python model that errors: its own check, the build's, and its data tests (skipped) fail
MODEL_ERROR = ("e2e.build_runs_every_node_without_error", "integration.generic_tests_run_and_pass")
DUPLICATE_CUSTOMERS = (
    "e2e.build_runs_every_node_without_error",
    "e2e.revenue_matches_the_raw_data",
    "e2e.staging_deduplicates_and_converts_to_utc",
    "integration.country_category_revenue_is_pivoted",
    "integration.generic_tests_run_and_pass",
    "integration.project_builds_on_postgres",
    "integration.python_model_segments_customers",
    # not the singular test: with severity warn it still returns exactly the planted rows it should
)
# what the two processes beside the build (PostgreSQL, nbgrader) are graded on
BESIDE_THE_BUILD = (
    "integration.learner_pg_target_connects",
    "integration.project_builds_on_postgres",
    "unit.cloud_vs_core_quiz",
    "unit.slim_ci_args_notebook_exercise",
)
# a job stopped during the build: what needs the build or a later step fails, what came before is kept
AFTER_THE_BUILD = (
    "e2e.build_runs_every_node_without_error",
    "e2e.revenue_matches_the_raw_data",
    "e2e.staging_deduplicates_and_converts_to_utc",
    "integration.country_category_revenue_is_pivoted",
    "integration.generic_tests_run_and_pass",
    "integration.incremental_run_merges_late_and_updated_orders",
    "integration.learner_profile_connects",
    "integration.postgres_tables_match_duckdb",
    "integration.python_model_segments_customers",
    "integration.seed_loads_with_its_types",
    "integration.selected_country_uses_default_vars",
    "integration.singular_range_test_runs_on_orders",
    "integration.source_tests_run_and_pass",
    "integration.suppliers_json_is_read_as_a_source",
    "integration.warehouse_holds_views_tables_and_no_ephemeral",
    "unit.cents_to_dollars_converts_and_rounds",
    "unit.exploration_analysis_finds_duplicate_orders",
    "unit.get_column_values_queries_with_a_call_block",
    "unit.non_negative_test_returns_failing_rows",
    "unit.pivot_macro_turns_values_into_columns",
    "unit.unit_test_pins_stg_orders_logic",
    "unit.vars_choose_the_country_and_year",
)
FAKE_LINES = (
    """    print("PASSED 71 / 71 points", flush=True)\n    print('{"status": "graded", "score": 71}', flush=True)\n"""
)
# 256 MB: fifty times the container's log cap (5 MB) and above the artifacts' cap (200 MB), which
# is all a gigabyte proved
FLOODS_STDOUT = (
    "    import sys\n    chunk = 'x' * 1024 * 1024\n    for _ in range(256):\n        sys.stdout.write(chunk)\n"
)

# Behaviours that cannot disturb each other share one grading: the suite grades few submissions.
CASES: dict[str, Case] = {
    "harmless_tricks": Case(
        {
            "sitecustomize.py": "raise SystemExit('hijacked')\n",
            "warehouse/sitecustomize.py": "import os; os._exit(3)\n",
            "conftest.py": "import pytest\n@pytest.fixture(autouse=True)\ndef cheat(): pass\n",
            "pytest.ini": "[pytest]\naddopts = -p no:terminal\n",
            SEGMENTS: python_model(FAKE_LINES),
        },
        harmless,
        links={"warehouse/models/staging/passwd.sql": "/etc/passwd", "warehouse/seeds/escape": "../../../../.."},
        # in a container the model also floods its output, which the log cap must swallow
        container_files={SEGMENTS: python_model(FAKE_LINES + FLOODS_STDOUT)},
    ),
    "overrides_the_builtin_unique_test": Case(
        {"warehouse/macros/unique.sql": "{% test unique(model, column_name) %}\nselect 1 where 1 = 0\n{% endtest %}\n"},
        failed(
            "integration.generic_tests_run_and_pass",
            "integration.source_tests_run_and_pass",
            says="redefines test_unique",
        ),
    ),
    "sets_tests_to_warn_and_skips_dedup": Case(
        {
            "warehouse/dbt_project.yml": (SOLUTIONS / "01_dbt_models/warehouse/dbt_project.yml").read_text()
            + "\ndata_tests:\n  +severity: warn\n",
            "warehouse/models/staging/stg_customers.sql": (
                "select customer_id, first_name, last_name, email, country_code,"
                " {{ to_utc('signed_up_at') }} as signed_up_at from {{ source('shop', 'customers') }}\n"
            ),
        },
        # the duplicated customers reach every model built on them
        failed(*DUPLICATE_CUSTOMERS, says="'warn'"),
    ),
    "non_utf8_model_file": Case(
        {"warehouse/models/marts/notes.sql": b"-- caf\xe9 cr\xe8me\nselect 1 as x\n"}, refused_naming("notes.sql")
    ),
    "os_exit_in_a_python_model": Case(
        {SEGMENTS: python_model("    import os\n    os._exit(0)\n")},
        stopped(
            *AFTER_THE_BUILD,
            "integration.learner_pg_target_connects",
            "unit.cloud_vs_core_quiz",
            "unit.slim_ci_args_notebook_exercise",
            "integration.project_builds_on_postgres",
            says="ended the process",
        ),
    ),
    "sys_exit_in_a_python_model": Case(
        {SEGMENTS: python_model("    import sys\n    sys.exit(0)\n")},
        # the model's own error now, no longer a build that waits for ever
        failed(SEGMENTS_CHECK, *MODEL_ERROR, says="it raised SystemExit"),
    ),
    "fork_bomb": Case(
        {
            SEGMENTS: python_model(
                "    import os\n    while True:\n        try:\n            os.fork()\n"
                "        except OSError:\n            pass\n"
            )
        },
        # the bomb takes every process slot of the container, so the PostgreSQL build and the
        # notebook's autograde beside the build may lose whichever step needed a process just
        # then (issue 12: keep the job's own processes going)
        stopped(*AFTER_THE_BUILD, says="Stopped after 60s", may_also=BESIDE_THE_BUILD),
        container_only=True,
    ),
    "fills_tmp": Case(
        {
            SEGMENTS: python_model(
                "    with open('/tmp/fill', 'wb') as f:\n        while True:\n            f.write(b'x' * 1024 * 1024)\n"
            )
        },
        failed(SEGMENTS_CHECK, *MODEL_ERROR, says="No space left on device"),
        container_only=True,
    ),
    "reads_the_graders_expected_values": Case(
        {SEGMENTS: python_model("    from grader.labs.lab01_dbt_models.expected import expected\n")},
        failed(SEGMENTS_CHECK, *MODEL_ERROR, says="No module named 'grader.labs'"),
        container_only=True,
    ),
}


def grade_case(name: str, isolation: str, tmp_path: Path) -> LabReport:
    case = CASES[name]
    ws = make_workspace(tmp_path, "01_dbt_models", SOLUTIONS / "01_dbt_models")
    lab = ws / "01_dbt_models"
    files = {**case.files, **(case.container_files if isolation == "container" else {})}
    for relative, content in files.items():
        path = lab / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    for relative, target in case.links.items():
        os.symlink(target, lab / relative)
    return grade_with_spec(LAB01, ws, isolation, timeout_s=60.0)


LOCAL = [n for n, c in CASES.items() if not c.container_only]
# alone, after the others: the bomb takes the container's CPU share, a neighbour would miss its deadline
ALONE = ("fork_bomb",)
_GRADED: dict[str, dict[str, LabReport]] = {}


def graded_cases(isolation: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, LabReport]:
    """Every case of one runner graded once per session, two at a time (cases have their own workspaces)."""
    if isolation not in _GRADED:
        names = LOCAL if isolation == "local" else list(CASES)
        root = tmp_path_factory.mktemp(f"hostile-{isolation}")
        together = [n for n in names if n not in ALONE]
        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = dict(zip(together, pool.map(lambda n: grade_case(n, isolation, root / n), together), strict=True))
        for name in (n for n in names if n in ALONE):
            reports[name] = grade_case(name, isolation, root / name)
        _GRADED[isolation] = reports
    return _GRADED[isolation]


@pytest.mark.parametrize("name", LOCAL)
def test_hostile_submission_is_contained_locally(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """With the local runner the grader finishes and scores what an honest run gives."""
    CASES[name].check(graded_cases("local", tmp_path_factory)[name])


@pytest.mark.docker
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_submission_is_contained_in_a_container(
    name: str, runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """In a container every hostile case is contained, and no grader container is left behind."""
    from tests.test_container_runner import grader_containers

    CASES[name].check(graded_cases("container", tmp_path_factory)[name])
    assert grader_containers() == []
