"""Shared helpers: build workspaces shaped like labs/ and grade them through the real pipeline."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

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

    An edit replaces ``find`` (exactly once in ``file``) with ``replace``, ``create``s a new file,
    or ``write``s a whole file the lab has (a learner's own version of it, written from labs/).
    ``starter_files`` are put back as labs/ has them: the work a learner has not started yet.
    """
    target = root / lab
    shutil.copytree(source, target, ignore=IGNORE)
    if edits is not None:
        spec = yaml.safe_load(edits.read_text())
        for name in spec.get("starter_files", []):
            assert (LABS / lab / name).is_file(), f"{edits}: {name} is not a file of labs/{lab}"
            shutil.copyfile(LABS / lab / name, target / name)
        for edit in spec["edits"]:
            path = target / edit["file"]
            if "write" in edit:  # the learner's whole version of one of the lab's files
                assert path.exists(), f"{edits}: {edit['file']} is not a file of the lab"
                path.write_text(edit["write"])
                continue
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
LAB04 = "04_airflow_dags"


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


def fixture_submissions(lab: str) -> list[Path]:
    """The lab's fixture submissions, wrong ones (fails_*) and correct ones in another style (passes_*):
    tests/fixtures/labNN/<outcome>/ with edits.yml and expected.yml."""
    folder = FIXTURES / f"lab{lab[:2]}"
    return sorted(p for p in folder.iterdir() if (p / "expected.yml").exists()) if folder.is_dir() else []


# learner names of the untouched solution and starter in every lab's batch
SOLUTION, STARTER = "solution", "starter"


@dataclasses.dataclass(frozen=True)
class Batch:
    """One lab's cohort run: what ``grader grade`` printed and wrote."""

    reports: dict[str, dict[str, Any]]  # report.json of the lab, by learner
    folder: Path  # the report folder: gradebook.csv, index.html, one folder per learner
    returncode: int
    stdout: str
    stderr: str


# lab 01's cohort extras under awkward names: the pages' links must survive them (tests/test_pages_in_browser.py)
ZIPPED, TARRED = "Cy #2 (50%)", "Zoë"


def cohort_extras_01(cohort: Path, scratch: Path) -> None:
    """What only a cohort has, beside lab 01's fixtures: archives, broken submissions, odd names, tricks.

    Graded: a .ZIP in capitals (the solution) and a .tar.gz (the starter), under odd learner names. Not gradable:
    dee.zip (reaches outside), eve/ (empty), gil.zip (an empty zip). An error: fay/ and fay.zip
    claim one learner. Skipped: notes.txt and .DS_Store. gus and hal play notebook tricks.
    """
    make_workspace(scratch / "cy-src", LAB01, SOLUTIONS / LAB01)
    zip_folder(scratch / "cy-src", cohort / f"{ZIPPED}.ZIP", "labs")
    make_workspace(scratch / "zoe-src", LAB01, LABS / LAB01)
    with tarfile.open(cohort / f"{TARRED}.tar.gz", "w:gz") as tf:
        tf.add(scratch / "zoe-src", arcname="labs")
    with zipfile.ZipFile(cohort / "dee.zip", "w") as zf:
        zf.writestr("../../escape.txt", "out")
    (cohort / "eve").mkdir()
    (cohort / "fay").mkdir()
    zip_folder(scratch / "cy-src", cohort / "fay.zip", "labs")
    zipfile.ZipFile(cohort / "gil.zip", "w").close()
    (cohort / "notes.txt").write_text("grading notes\n")
    (cohort / ".DS_Store").write_bytes(b"\0")
    # gus hides tracebacks so failing notebook tests would look passed; hal empties a locked test cell
    make_workspace(cohort / "gus", LAB01, SOLUTIONS / LAB01)
    edit_quiz(cohort / "gus", 'answers = {"q1": "a"}\nget_ipython().showtraceback = lambda *a, **k: None\n')
    make_workspace(cohort / "hal", LAB01, SOLUTIONS / LAB01)
    edit_quiz(cohort / "hal", 'answers = {"q1": "c", "q2": "c", "q3": "a"}\n', test="assert True\n")


# per lab, the submissions its batch holds beyond fixtures, solution and starter
COHORT_EXTRAS: dict[str, Callable[[Path, Path], None]] = {LAB01: cohort_extras_01}

# lab 05's gradings wait more than they compute (sensors' timers, a Celery deployment's tasks and
# heartbeats): four at a time on two cores took 40 s a grading, two at a time 57 s, all exact
BATCH_JOBS = {"05_sensors_pools": 4}

_BATCHES: dict[str, Batch] = {}


def graded_batch(tmp_path_factory: pytest.TempPathFactory, lab: str) -> Batch:
    """The whole lab graded as one cohort (``grader grade --jobs 2``, or BATCH_JOBS), once per session.

    The cohort holds the untouched solution and starter, every fixture submission under its own
    name, and the lab's cohort extras: each job runs once, and every test reads its report.json,
    what an instructor's scripts would read.
    """
    if lab not in _BATCHES:
        root = tmp_path_factory.mktemp(f"batch-{lab[:2]}")
        cohort, reports = root / "cohort", root / "reports"
        make_workspace(cohort / SOLUTION, lab, SOLUTIONS / lab)
        make_workspace(cohort / STARTER, lab, LABS / lab)
        for fixture in fixture_submissions(lab):
            make_workspace(cohort / fixture.name, lab, SOLUTIONS / lab, fixture / "edits.yml")
        if lab in COHORT_EXTRAS:
            COHORT_EXTRAS[lab](cohort, root / "scratch")
        jobs = BATCH_JOBS.get(lab, 2)
        command = ["grade", str(cohort), "--lab", lab[:2], "--isolation", "local", "--jobs", str(jobs)]
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", *command, "--report", str(reports)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode in (0, 2), done.stderr[-3000:]  # 2: a submission that could not be graded
        _BATCHES[lab] = Batch(
            reports={
                learner.name: json.loads((learner / lab / "report.json").read_text())
                for learner in sorted(reports.iterdir())
                if (learner / lab / "report.json").exists()
            },
            folder=reports,
            returncode=done.returncode,
            stdout=done.stdout,
            stderr=done.stderr,
        )
    return _BATCHES[lab]


def graded_once(tmp_path_factory: pytest.TempPathFactory, lab: str, source: Path) -> dict[str, Any]:
    """report.json of the untouched solutions/ (``SOLUTIONS``) or starter (``LABS``), from the lab's batch."""
    return graded_batch(tmp_path_factory, lab).reports[SOLUTION if source == SOLUTIONS else STARTER]


@pytest.fixture(scope="session")
def solution_report_01(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """lab 01 solutions' report.json, graded once for every test that reads it."""
    return graded_once(tmp_path_factory, LAB01, SOLUTIONS)


NOTEBOOK_01 = f"{LAB01}/{LAB01}.ipynb"


def edit_quiz(learner: Path, answer: str, test: str | None = None) -> None:
    """Rewrite the quiz's answer cell (and its locked test cell) in a learner's lab 01 notebook."""
    path = learner / NOTEBOOK_01
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id == "quiz_cloud_vs_core":
            cell["source"] = answer
        if grade_id == "quiz_cloud_vs_core_tests" and test is not None:
            cell["source"] = test
    path.write_text(json.dumps(nb))


def zip_folder(folder: Path, archive: Path, prefix: str) -> Path:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{prefix}/{path.relative_to(folder)}")
    return archive


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
