"""Broken and hostile submissions: the grader finishes, says what happened, and scores honestly.

Each case lays files over a copy of the lab 01 solution. Cases that would harm the machine (fork
bombs, a gigabyte of output) run only in a container.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.model import LabReport, Status
from tests.conftest import SOLUTIONS, grade_lab01, make_workspace

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


def full_marks(report: LabReport) -> None:
    assert report.status is Status.GRADED, report.problems
    assert report.score == FULL


def failed(*ids: str, says: str = "") -> Callable[[LabReport], None]:
    def verify(report: LabReport) -> None:
        assert report.status is Status.GRADED, report.problems
        not_passed = {t.id: t.message for t in report.tests if t.status != "passed"}
        assert set(ids) <= set(not_passed), not_passed
        assert says in " ".join([*not_passed.values(), *report.problems])

    return verify


def skipped_links(report: LabReport) -> None:
    full_marks(report)
    assert any("a symbolic link" in p for p in report.problems), report.problems


def graded_or_refused_in_words(report: LabReport) -> None:
    assert report.status in (Status.GRADED, Status.NOT_GRADABLE)
    assert "Traceback" not in " ".join(report.problems)
    assert report.status is Status.GRADED or report.problems


def stopped(says: str) -> Callable[[LabReport], None]:
    def verify(report: LabReport) -> None:
        assert report.status is Status.GRADED, report.problems
        assert report.tiers["definition"].score == report.tiers["definition"].max_score
        assert any(says in p for p in report.problems), report.problems

    return verify


SEGMENTS_CHECK = "integration.python_model_segments_customers"

CASES: dict[str, Case] = {
    "ships_sitecustomize_conftest_and_pytest_ini": Case(
        {
            "sitecustomize.py": "raise SystemExit('hijacked')\n",
            "warehouse/sitecustomize.py": "import os; os._exit(3)\n",
            "conftest.py": "import pytest\n@pytest.fixture(autouse=True)\ndef cheat(): pass\n",
            "pytest.ini": "[pytest]\naddopts = -p no:terminal\n",
        },
        full_marks,
    ),
    "prints_fake_passed_and_score_lines": Case(
        {
            SEGMENTS: python_model(
                '    print("PASSED 71 / 71 points", flush=True)\n'
                '    print(\'{"status": "graded", "score": 71}\', flush=True)\n'
            )
        },
        full_marks,
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
        failed("integration.generic_tests_run_and_pass", "e2e.staging_deduplicates_and_converts_to_utc", says="'warn'"),
    ),
    "symlinks_to_host_files": Case(
        {},
        full_marks,
        links={"warehouse/models/staging/passwd.sql": "/etc/passwd", "warehouse/seeds/escape": "../../../../.."},
    ),
    "non_utf8_model_file": Case(
        {"warehouse/models/marts/notes.sql": b"-- caf\xe9 cr\xe8me\nselect 1 as x\n"}, lambda r: None
    ),
    "os_exit_in_a_python_model": Case(
        {SEGMENTS: python_model("    import os\n    os._exit(0)\n")}, stopped("ended the process")
    ),
    "sys_exit_in_a_python_model": Case(
        {SEGMENTS: python_model("    import sys\n    sys.exit(0)\n")}, failed(SEGMENTS_CHECK)
    ),
    "fork_bomb": Case(
        {
            SEGMENTS: python_model(
                "    import os\n    while True:\n        try:\n            os.fork()\n"
                "        except OSError:\n            pass\n"
            )
        },
        stopped("Stopped after 60s"),
        container_only=True,
    ),
    "prints_a_gigabyte": Case(
        {
            SEGMENTS: python_model(
                "    import sys\n    chunk = 'x' * 1024 * 1024\n    for _ in range(1024):\n"
                "        sys.stdout.write(chunk)\n"
            )
        },
        full_marks,
        container_only=True,
    ),
    "fills_tmp": Case(
        {
            SEGMENTS: python_model(
                "    with open('/tmp/fill', 'wb') as f:\n        while True:\n            f.write(b'x' * 1024 * 1024)\n"
            )
        },
        failed(SEGMENTS_CHECK, says="No space left on device"),
        container_only=True,
    ),
    "reads_the_graders_expected_values": Case(
        {SEGMENTS: python_model("    from grader.labs.lab01_dbt_models.expected import expected\n")},
        failed(SEGMENTS_CHECK, says="No module named 'grader.labs'"),
        container_only=True,
    ),
}


def grade_case(name: str, isolation: str, tmp_path: Path) -> LabReport:
    case = CASES[name]
    ws = make_workspace(tmp_path, "01_dbt_models", SOLUTIONS / "01_dbt_models")
    lab = ws / "01_dbt_models"
    for relative, content in case.files.items():
        path = lab / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    for relative, target in case.links.items():
        os.symlink(target, lab / relative)
    return grade_lab01(ws, isolation, timeout_s=60.0)


LOCAL = [n for n, c in CASES.items() if not c.container_only]


@pytest.mark.parametrize("name", LOCAL)
def test_hostile_submission_is_contained_locally(name: str, tmp_path: Path) -> None:
    """With the local runner the grader finishes and scores what an honest run gives."""
    report = grade_case(name, "local", tmp_path)
    CASES[name].check(report)


@pytest.mark.docker
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_submission_is_contained_in_a_container(name: str, runtime_image: str, tmp_path: Path) -> None:
    """In a container every hostile case is contained, and no grader container is left behind."""
    from tests.test_container_runner import grader_containers

    report = grade_case(name, "container", tmp_path)
    CASES[name].check(report)
    assert grader_containers() == []
