"""--isolation container: same scores as local, limits enforced from outside, nothing left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from grader.config import OWNER_LABEL, settings
from grader.labs import load_spec
from grader.model import LabReport, Status
from tests.conftest import LAB01, LABS, SOLUTIONS, grade_with_spec, graded_once, make_workspace

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def grade_in_container(workspace: Path, **spec_changes: float) -> LabReport:
    return grade_with_spec(LAB01, workspace, "container", **spec_changes)


def grader_containers() -> list[str]:
    """This test process's grader containers and networks still present (the job's PostgreSQL and its
    network too); another test worker's running jobs are theirs."""
    owner = f"label={OWNER_LABEL}={os.getpid()}"
    listed = [
        subprocess.run([*cmd, "--filter", owner], capture_output=True, text=True, check=True).stdout.split()
        for cmd in (["docker", "ps", "-aq"], ["docker", "network", "ls", "-q"])
    ]
    return listed[0] + listed[1]


# (a model that never ends is the fork bomb's case in test_hostile_submissions.py: the same wall-time stop)
HOSTILE_MODELS = {
    "allocates_10_gb": "    hog = bytearray(10 * 1024**3)\n    hog[::4096] = b'x' * len(hog[::4096])\n",
    "calls_the_network": (
        "    import urllib.request\n    urllib.request.urlopen('http://example.com', timeout=5).read()\n"
    ),
}
LAB04 = "04_airflow_dags"
LAB03 = "03_snapshots"
LAB02 = "02_semantic_layer"
_CONTAINED: dict[str, LabReport] = {}


def hostile_model_workspace(root: Path, behaviour: str) -> Path:
    ws = make_workspace(root, LAB01, SOLUTIONS / LAB01)
    (ws / LAB01 / "warehouse" / "models" / "marts" / "customer_segments.py").write_text(
        "def model(dbt, session):\n    dbt.config(materialized='table')\n"
        + HOSTILE_MODELS[behaviour]
        + "    return dbt.ref('customers').df()\n"
    )
    return ws


# forks without end when imported: only a pids limit and a kill of its whole process group stop it
# (never graded locally: as root on the host, no limit would hold it)
FORK_BOMB_DAG = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"


# a learner test and a task that fork without end: each stopped with its group at its own deadline
FORK_LOOP = "\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n"
FORKING_RUN_S = 45  # the deadline of each DAG run and each test variant in this case


def forking_tests_workspace(root: Path) -> Path:
    workspace = fork_bomb_workspace(root)
    (workspace / LAB04 / "tests" / "test_forks.py").write_text("import os\n\n\ndef test_forks_forever():" + FORK_LOOP)
    orders = workspace / LAB04 / "include" / "fernhill" / "orders.py"  # write_summary runs on the busy day only
    orders.write_text(orders.read_text() + "\n\ndef write_summary(*args, **kwargs):\n    import os\n" + FORK_LOOP)
    return workspace


def grade_forking_tests(root: Path) -> LabReport:
    spec = load_spec(LAB04)
    assert spec is not None
    plan = spec.options()
    plan["run_timeout_s"] = FORKING_RUN_S
    plan["learner_tests"] = {**plan["learner_tests"], "timeout_s": FORKING_RUN_S}
    return grade_with_spec(LAB04, forking_tests_workspace(root), "container", options=lambda: plan)


def fork_bomb_workspace(root: Path) -> Path:
    workspace = make_workspace(root, LAB04, SOLUTIONS / LAB04)
    (workspace / LAB04 / "dags" / "forks_forever.py").write_text(FORK_BOMB_DAG)
    return workspace


def graded_in_containers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LabReport]:
    """Every container grading of this module, two at a time, once per session.

    Much of a container grading is waiting (the container's start, its PostgreSQL sibling), so
    two at a time take little longer than one. The longest (lab 04) go first.
    """
    if not _CONTAINED:
        root = tmp_path_factory.mktemp("contained")
        gradings: dict[str, Callable[[], LabReport]] = {
            "04-solution": lambda: grade_with_spec(
                LAB04, make_workspace(root / "s04", LAB04, SOLUTIONS / LAB04), "container"
            ),
            "04-starter": lambda: grade_with_spec(
                LAB04, make_workspace(root / "t04", LAB04, LABS / LAB04), "container"
            ),
            # one grading for three fork bombs: a DAG file's import, a learner test, a task
            "04-fork-bombs": lambda: grade_forking_tests(root / "f04"),
            "03-solution": lambda: grade_with_spec(
                LAB03, make_workspace(root / "s03", LAB03, SOLUTIONS / LAB03), "container"
            ),
            "02-solution": lambda: grade_with_spec(
                LAB02, make_workspace(root / "s02", LAB02, SOLUTIONS / LAB02), "container"
            ),
            "02-starter": lambda: grade_with_spec(
                LAB02, make_workspace(root / "t02", LAB02, LABS / LAB02), "container"
            ),
            "01-solution": lambda: grade_in_container(make_workspace(root / "s01", LAB01, SOLUTIONS / LAB01)),
            "01-starter": lambda: grade_in_container(make_workspace(root / "t01", LAB01, LABS / LAB01)),
            **{
                behaviour: partial(
                    grade_in_container, hostile_model_workspace(root / behaviour, behaviour), timeout_s=60
                )
                for behaviour in HOSTILE_MODELS
            },
        }
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(grade) for name, grade in gradings.items()}
            _CONTAINED.update({name: future.result() for name, future in futures.items()})
    return _CONTAINED


def test_solution_scores_the_same_as_with_the_local_runner(
    runtime_image: str, solution_report_01: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test gets the same result in a container as in the local runner: full marks."""
    report = graded_in_containers(tmp_path_factory)["01-solution"]
    assert report.status is Status.GRADED, report.problems
    assert [(t.id, t.score) for t in report.tests] == [(t["id"], t["score"]) for t in solution_report_01["tests"]]
    assert report.score == report.max_score
    assert grader_containers() == []


def test_snapshot_lab_keeps_the_same_history_in_a_container(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Lab 03's six days replay in the container as they do locally: every test passes, with the same scores."""
    local = graded_once(tmp_path_factory, LAB03, SOLUTIONS)
    report = graded_in_containers(tmp_path_factory)["03-solution"]
    assert report.status is Status.GRADED, report.problems
    assert [(t.id, t.score) for t in report.tests] == [(t["id"], t["score"]) for t in local["tests"]]
    assert report.score == report.max_score
    assert grader_containers() == []


@pytest.mark.parametrize("source", [SOLUTIONS, LABS], ids=["solution", "starter"])
def test_semantic_layer_lab_answers_the_same_in_a_container(
    runtime_image: str, source: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Lab 02's metric queries (MetricFlow in the runtime image), on DuckDB and PostgreSQL, score as they do locally."""
    local = graded_once(tmp_path_factory, LAB02, source)
    report = graded_in_containers(tmp_path_factory)["02-solution" if source == SOLUTIONS else "02-starter"]
    assert report.status is Status.GRADED, report.problems
    assert [(t.id, t.score) for t in report.tests] == [(t["id"], t["score"]) for t in local["tests"]]
    assert grader_containers() == []


def test_starter_scores_zero_in_a_container(runtime_image: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The untouched starter scores 0 in a container too."""
    report = graded_in_containers(tmp_path_factory)["01-starter"]
    assert (report.status, report.score) == (Status.GRADED, 0)


@pytest.mark.parametrize("source", [SOLUTIONS, LABS], ids=["solution", "starter"])
def test_airflow_lab_scores_the_same_in_a_container(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory, source: Path
) -> None:
    """Lab 04's DAGs parse and run in the container as they do locally: full marks, and 0 for the starter."""
    local = graded_once(tmp_path_factory, LAB04, source)
    report = graded_in_containers(tmp_path_factory)["04-solution" if source == SOLUTIONS else "04-starter"]
    assert report.status is Status.GRADED, report.problems
    assert [(t.id, t.score) for t in report.tests] == [(t["id"], t["score"]) for t in local["tests"]]
    assert report.score == (report.max_score if source == SOLUTIONS else 0)
    # the dbt DAG's warehouse: DuckDB locally, PostgreSQL in a sibling container here
    labels = {step["name"]: step["label"] for step in report.steps}
    assert "PostgreSQL" in labels["warehouse"]
    assert "DuckDB" in {s["name"]: s["label"] for s in local["steps"]}["warehouse"]
    assert grader_containers() == []


def test_a_fork_bombing_dag_import_costs_only_its_own_points(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A DAG file that forks without end at import is stopped with its whole process group: the
    submission is graded, the import check is lost, later steps can still start processes."""
    gradings = graded_in_containers(tmp_path_factory)
    report = gradings["04-fork-bombs"]
    assert report.status is Status.GRADED, report.problems
    lost = {t.id: t.message for t in report.tests if t.status != "passed"}
    assert "forks_forever.py: importing this file did not finish" in lost["validation.dags_import_without_errors"]
    # the time it cost, beside the plain solution's (read in --durations; no timing assertion)
    print(f"fork bombs {report.duration_s:.0f} s, solution {gradings['04-solution'].duration_s:.0f} s")
    assert grader_containers() == []


def test_a_fork_bombing_test_and_task_cost_only_their_own_points(
    runtime_image: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A learner test and a task that fork without end are stopped at their deadlines with their
    process groups: the submission is graded, losing the tests' checks and the busy day's run only."""
    gradings = graded_in_containers(tmp_path_factory)
    report = gradings["04-fork-bombs"]
    assert report.status is Status.GRADED, report.problems
    lost = {t.id: t.message for t in report.tests if t.status != "passed"}
    runs = {"integration.busy_day_passes_counts_through_xcom", "integration.templates_render_the_logical_date"}
    assert runs <= set(lost), lost
    tests = set(lost) - runs - {"validation.dags_import_without_errors"}
    assert tests, lost
    assert all(t.startswith("unit.your_tests_") for t in tests), lost
    assert all(f"did not finish within {FORKING_RUN_S} s and were stopped" in lost[t] for t in tests)
    # the correct pipeline's run timed out: the broken copies are not tried (one deadline, not one per copy)
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


def test_settings_have_offline_friendly_defaults() -> None:
    """Ryuk is off by default and the image name follows the lock file and sandbox code."""
    config = settings()
    assert os.environ["TESTCONTAINERS_RYUK_DISABLED"] == "true"
    assert config.runtime_image.startswith("orchestration-course/grader-runtime:")
