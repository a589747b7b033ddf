"""--isolation container: same scores as local, limits enforced from outside, nothing left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.model import LabReport, Status
from tests.conftest import LAB01, LABS, SOLUTIONS, STARTER, graded_batch
from tests.containers import (
    HOSTILE_MODELS,
    LAB02,
    LAB03,
    LAB04,
    first_alternative,
    graded_in_containers,
    grader_containers,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def local_and_contained(tmp_path_factory: pytest.TempPathFactory, lab: str, source: Path) -> tuple[Any, LabReport]:
    """A lab's correct work (its first alternative-correct fixture) or starter: the local batch's
    report.json and the container's report of the same submission."""
    batch = graded_batch(tmp_path_factory, lab)
    if source == SOLUTIONS:
        name, fixture = first_alternative(lab)
        return batch.reports[fixture], graded_in_containers(tmp_path_factory)[name]
    return batch.reports[STARTER], graded_in_containers(tmp_path_factory)[f"{lab[:2]}-starter"]


def same_tests(local: dict[str, Any], report: LabReport) -> None:
    assert report.status is Status.GRADED, report.problems
    assert [(t.id, t.score) for t in report.tests] == [(t["id"], t["score"]) for t in local["tests"]]


def test_correct_work_scores_the_same_as_with_the_local_runner(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test gets the same result in a container as in the local runner: full marks."""
    local, report = local_and_contained(tmp_path_factory, LAB01, SOLUTIONS)
    same_tests(local, report)
    assert report.score == report.max_score
    assert grader_containers() == []


def test_snapshot_lab_keeps_the_same_history_in_a_container(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Lab 03's six days replay in the container as they do locally: every test passes, with the same scores."""
    local, report = local_and_contained(tmp_path_factory, LAB03, SOLUTIONS)
    same_tests(local, report)
    assert report.score == report.max_score
    assert grader_containers() == []


@pytest.mark.parametrize("source", [SOLUTIONS, LABS], ids=["correct", "starter"])
def test_semantic_layer_lab_answers_the_same_in_a_container(
    runtime_image: str, source: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Lab 02's metric queries (MetricFlow in the runtime image), on DuckDB and PostgreSQL, score as they do locally."""
    local, report = local_and_contained(tmp_path_factory, LAB02, source)
    same_tests(local, report)
    assert grader_containers() == []


def test_starter_scores_zero_in_a_container(runtime_image: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The untouched starter scores 0 in a container too, test for test as locally."""
    local, report = local_and_contained(tmp_path_factory, LAB01, LABS)
    same_tests(local, report)
    assert (report.status, report.score) == (Status.GRADED, 0)


@pytest.mark.parametrize("source", [SOLUTIONS, LABS], ids=["correct", "starter"])
def test_airflow_lab_scores_the_same_in_a_container(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory, source: Path
) -> None:
    """Lab 04's DAGs parse and run in the container as they do locally: full marks, and 0 for the starter."""
    local, report = local_and_contained(tmp_path_factory, LAB04, source)
    same_tests(local, report)
    assert report.score == (report.max_score if source == SOLUTIONS else 0)
    # the dbt DAG's warehouse: DuckDB locally, PostgreSQL in a sibling container here
    labels = {step["name"]: step["label"] for step in report.steps}
    assert "PostgreSQL" in labels["warehouse"]
    assert "DuckDB" in {s["name"]: s["label"] for s in local["steps"]}["warehouse"]
    assert grader_containers() == []


@pytest.mark.parametrize("behaviour", list(HOSTILE_MODELS))
def test_hostile_python_model_is_contained(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory, behaviour: str
) -> None:
    """A Python model that hogs memory or calls out is stopped; the rest is graded; no container stays."""
    report = graded_in_containers(tmp_path_factory)[behaviour]
    assert report.status is Status.GRADED, report.problems
    assert report.tiers["definition"].score == report.tiers["definition"].max_score
    segments = next(t for t in report.tests if t.id == "integration.python_model_segments_customers")
    assert segments.status != "passed"
    said = {"allocates_10_gb": "ran out of memory (limit 3g)"}
    if behaviour in said:
        assert any(said[behaviour] in p for p in report.problems)
    else:
        assert "URLError" in segments.message
    assert grader_containers() == []


def check_in_container(tmp_path: Path, **env: str) -> tuple[int, dict]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader.cli",
            "check",
            "01",
            "--workspace",
            str(SOLUTIONS),
            "--isolation",
            "container",
            "--report",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    return done.returncode, json.loads((tmp_path / "01_dbt_models" / "report.json").read_text())


def test_unreachable_docker_engine_is_an_error_not_a_score(tmp_path: Path) -> None:
    """With no Docker engine, --isolation container exits 2, status error, with how to start it."""
    code, report = check_in_container(tmp_path, DOCKER_HOST="unix:///nonexistent/docker.sock")
    assert (code, report["status"], report["score"], report["tests"]) == (2, "error", 0, [])
    assert "Docker engine is not reachable" in report["problems"][0]


def test_missing_runtime_image_is_an_error_that_says_how_to_build_it(tmp_path: Path) -> None:
    """A missing runtime image is an infrastructure error naming `grader images build`."""
    code, report = check_in_container(tmp_path, GRADER_RUNTIME_IMAGE="orchestration-course/not-built:never")
    assert (code, report["status"]) == (2, "error")
    assert "grader images build" in report["problems"][0]
