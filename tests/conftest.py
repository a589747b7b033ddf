"""Shared helpers: build workspaces shaped like labs/ and grade them through the real pipeline."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.cohort import grade_cohort
from grader.context import Context
from grader.labs import load_spec
from grader.model import LabReport
from grader.pipeline import grade_lab
from grader.runners import get_runner

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
LABS = REPO / "labs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IGNORE = shutil.ignore_patterns("target", "dbt_packages", "logs", "data", "*.duckdb", ".ipynb_checkpoints")


def make_workspace(root: Path, lab: str, source: Path, edits: Path | None = None) -> Path:
    """Copy ``source`` (a lab folder) into ``root/lab``, then apply the ``edits`` file.

    An edit replaces ``find`` (exactly once in ``file``) with ``replace``, or ``create``s a new file.
    """
    target = root / lab
    shutil.copytree(source, target, ignore=IGNORE)
    if edits is not None:
        for edit in yaml.safe_load(edits.read_text())["edits"]:
            path = target / edit["file"]
            if "create" in edit:  # a file of the learner's own, next to the lab's
                assert not path.exists(), f"{edits}: {edit['file']} exists already"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(edit["create"])
                continue
            text = path.read_text()
            # a find that no longer matches means the solution moved on: the fixture must follow
            assert text.count(edit["find"]) == 1, f"{edits}: {edit['find']!r} is not in {edit['file']} exactly once"
            path.write_text(text.replace(edit["find"], edit["replace"]))
    return root


LAB01 = "01_dbt_models"


def grade_with_spec(lab: str, workspace: Path, isolation: str = "local", **spec_changes: Any) -> LabReport:
    """Grade ``lab`` of ``workspace`` through the pipeline, with some of its spec changed (a shorter timeout, say).

    The one grading helper of the suite; a whole cohort goes through ``graded_batch`` instead.
    """
    spec = load_spec(lab)
    assert spec is not None
    ctx = Context(
        spec=dataclasses.replace(spec, **spec_changes),
        workspace=workspace,
        isolation=isolation,
        runner=get_runner(isolation),
        on_progress=lambda _: None,
    )
    return grade_lab(ctx)


@pytest.fixture(scope="session")
def solution_report_01(tmp_path_factory: pytest.TempPathFactory) -> LabReport:
    """lab 01 solutions graded once for every test that reads it."""
    return graded_once(tmp_path_factory, "01_dbt_models", SOLUTIONS)


@pytest.fixture(scope="session")
def starter_report_01(tmp_path_factory: pytest.TempPathFactory) -> LabReport:
    """lab 01 untouched starter (labs/) graded once."""
    return graded_once(tmp_path_factory, "01_dbt_models", LABS)


_GRADED: dict[tuple[str, Path], LabReport] = {}


def graded_once(tmp_path_factory: pytest.TempPathFactory, lab: str, source: Path) -> LabReport:
    """A lab of solutions/ or labs/ graded once per test session, whichever test asks first."""
    if (lab, source) not in _GRADED:
        root = tmp_path_factory.mktemp(f"ws-{source.name}-{lab[:2]}")
        _GRADED[(lab, source)] = grade_with_spec(lab, make_workspace(root, lab, source / lab))
    return _GRADED[(lab, source)]


def fixture_submissions(lab: str) -> list[Path]:
    """The lab's fixture submissions, wrong ones (fails_*) and correct ones in another style (passes_*):
    tests/fixtures/labNN/<outcome>/ with edits.yml and expected.yml."""
    folder = FIXTURES / f"lab{lab[:2]}"
    return sorted(p for p in folder.iterdir() if (p / "expected.yml").exists()) if folder.is_dir() else []


_BATCHES: dict[str, dict[str, dict[str, Any]]] = {}


def graded_batch(tmp_path_factory: pytest.TempPathFactory, lab: str) -> dict[str, dict[str, Any]]:
    """Every fixture submission of ``lab`` graded as one cohort (``grader grade --jobs 2``), once per session.

    Returns each fixture's report.json by fixture name: what an instructor's scripts would read.
    """
    if lab not in _BATCHES:
        root = tmp_path_factory.mktemp(f"batch-{lab[:2]}")
        cohort, reports = root / "cohort", root / "reports"
        for fixture in fixture_submissions(lab):
            make_workspace(cohort / fixture.name, lab, SOLUTIONS / lab, fixture / "edits.yml")
        code = grade_cohort(cohort, [lab], isolation="local", jobs=2, report_dir=reports, tests=None)
        assert code in (0, 2)  # 2: a fixture that expects not_gradable
        _BATCHES[lab] = {
            fixture.name: json.loads((reports / fixture.name / lab / "report.json").read_text())
            for fixture in fixture_submissions(lab)
        }
    return _BATCHES[lab]


@pytest.fixture(scope="session")
def runtime_image() -> str:
    """The grader's runtime image, built if missing; skipped without Docker, except in CI."""
    from grader.config import settings
    from grader.images.build import build_runtime
    from grader.runners import RunnerUnavailable
    from grader.runners.container import docker_client

    try:
        docker_client()
    except RunnerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Docker engine: {exc}")
        pytest.skip(str(exc))
    return build_runtime(settings(), log=lambda _line: None)
