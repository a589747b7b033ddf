"""Broken input gets a clear not_gradable report (exit code 2), never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LAB01, SOLUTIONS, grade_with_spec, make_workspace


def run_check(workspace: Path, report: Path) -> tuple[int, str, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "check", "01", "--workspace", str(workspace), "--report", str(report)],
        capture_output=True,
        text=True,
        check=False,
    )
    data = json.loads((report / "01_dbt_models" / "report.json").read_text())
    return done.returncode, done.stdout + done.stderr, data


def test_empty_workspace_is_not_gradable(tmp_path: Path) -> None:
    """A workspace without the lab folder is reported, with the reason, as not gradable."""
    (tmp_path / "ws").mkdir()
    code, output, report = run_check(tmp_path / "ws", tmp_path / "r")
    assert (code, report["status"], report["score"]) == (2, "not_gradable", 0)
    assert "No folder 01_dbt_models/" in report["problems"][0]
    assert "Traceback" not in output


def test_empty_lab_folder_is_not_gradable(tmp_path: Path) -> None:
    """An empty lab folder is not gradable and says there is nothing to grade."""
    (tmp_path / "ws" / "01_dbt_models").mkdir(parents=True)
    code, _, report = run_check(tmp_path / "ws", tmp_path / "r")
    assert (code, report["status"]) == (2, "not_gradable")
    assert "empty" in report["problems"][0]


def test_missing_dbt_project_is_not_gradable(tmp_path: Path) -> None:
    """Without dbt_project.yml the report says the dbt project is missing."""
    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    (ws / "01_dbt_models" / "warehouse" / "dbt_project.yml").unlink()
    code, _output, report = run_check(ws, tmp_path / "r")
    assert (code, report["status"]) == (2, "not_gradable")
    assert "dbt_project.yml" in report["problems"][0]
    assert report["tests"] == []


def test_dbt_project_yaml_error_names_the_file_and_line(tmp_path: Path) -> None:
    """A dbt_project.yml that is not YAML stops grading with the file, the line and the parser's words."""
    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    config = ws / "01_dbt_models" / "warehouse" / "dbt_project.yml"
    config.write_text(config.read_text().replace("profile:", "profile: [unclosed\nprofile:", 1))
    code, output, report = run_check(ws, tmp_path / "r")
    assert (code, report["status"]) == (2, "not_gradable")
    said = "\n".join(report["problems"])
    assert "in dbt_project.yml, line" in said.replace('"', "").replace("'", ""), said
    assert "<unicode string>" not in said
    assert "Traceback" not in output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("relative", "content", "says"),
    [
        ("warehouse/models/marts/_marts.yml", "models:\n  - name: orders\n   description: [unclosed\n", "_marts.yml"),
        ("warehouse/models/marts/orders.sql", "select * from {{ ref('no_such_model') }}\n", "no_such_model"),
        ("warehouse/models/marts/customers.sql", "select {{ 1 + }} as broken\n", "customers"),
    ],
    ids=["yaml_syntax_error", "ref_to_missing_model", "jinja_syntax_error"],
)
def test_project_that_does_not_parse_is_not_gradable(tmp_path: Path, relative: str, content: str, says: str) -> None:
    """YAML errors, missing refs and Jinja errors stop grading with dbt's own explanation."""
    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    (ws / "01_dbt_models" / relative).write_text(content)
    code, output, report = run_check(ws, tmp_path / "r")
    assert (code, report["status"], report["tests"]) == (2, "not_gradable", [])
    assert says in "\n".join(report["problems"])
    assert "Traceback" not in output


@pytest.mark.slow
def test_sql_error_in_one_model_is_graded_with_the_error_shown(tmp_path: Path) -> None:
    """A SQL error in one model still grades the rest; the failing tests quote the database error."""
    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    (ws / "01_dbt_models" / "warehouse" / "models" / "staging" / "stg_suppliers.sql").write_text(
        "select supplier_id, from {{ source('reference', 'suppliers') }}\n"
    )
    code, _, report = run_check(ws, tmp_path / "r")
    assert (code, report["status"]) == (1, "graded")
    failed = {t["id"]: t["message"] for t in report["tests"] if t["status"] != "passed"}
    assert "integration.suppliers_json_is_read_as_a_source" in failed
    assert 0 < report["score"] < report["max_score"]


def test_unknown_lab_exits_2(tmp_path: Path) -> None:
    """An unknown lab name is refused with the list of labs."""
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "check", "99"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "01_dbt_models" in done.stderr


def test_lab_without_grader_exits_2(tmp_path: Path) -> None:
    """Asking for a lab whose grader has not landed says so instead of scoring 0."""
    from grader.course import course

    planned = [lab["id"] for lab in course()["labs"] if lab["status"] == "planned"]
    if not planned:
        pytest.skip("every lab of course.yml is graded")
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "check", planned[0][:2], "--report", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "no grader yet" in done.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_crash_of_the_graders_own_job_is_an_error(tmp_path: Path) -> None:
    """When the job's own code fails (not the learner's), the report is an error, never a score."""
    from grader.labs import load_spec
    from grader.model import Status

    ws = make_workspace(tmp_path / "ws", "01_dbt_models", SOLUTIONS / "01_dbt_models")
    spec = load_spec("01_dbt_models")
    assert spec is not None
    report = grade_with_spec(LAB01, ws, options=lambda: {**spec.options(), "data": {"seed": 1, "scale": "x"}})
    assert report.status is Status.ERROR
    assert "problem of the grader" in report.problems[-1]
    assert report.tests == ()
