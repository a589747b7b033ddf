"""Every container grading of the suite, two at a time, once per session.

Much of a container grading is waiting (the container's start, its PostgreSQL sibling), so two
at a time take little longer than one; the longest go first. The correct submission of
each lab in a container is its first alternative-correct fixture (passes_*): it is compared test
by test with the same fixture's local report in its lab's batch, which proves the two runners
agree and that correct work in another style keeps full marks, in one grading per lab. The lab's
other passes_* fixtures differ in style, not in what the runner does: the local batch grades them
(the untouched solution too: a container grading of it would prove nothing the fixtures do not).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from grader.config import OWNER_LABEL
from grader.labs import graded_lab_ids
from grader.model import LabReport
from tests.conftest import LAB01, LABS, SOLUTIONS, fixture_submissions, grade_with_spec, make_workspace
from tests.hostile_lab04 import grade_hostile

LAB02, LAB03, LAB04, LAB05 = "02_semantic_layer", "03_snapshots", "04_airflow_dags", "05_sensors_pools"

ALTERNATIVES = [(lab, p) for lab in graded_lab_ids() for p in fixture_submissions(lab) if p.name.startswith("passes_")]
# the first alternative-correct fixture of every lab, by lab: the ones graded in a container
CONTAINED: dict[str, Path] = {}
for _lab, _fixture in ALTERNATIVES:
    CONTAINED.setdefault(_lab, _fixture)


def grader_containers() -> list[str]:
    """This test process's grader containers and networks still present (the job's PostgreSQL and its
    network too); another test worker's running jobs are theirs."""
    owner = f"label={OWNER_LABEL}={os.getpid()}"
    listed = [
        subprocess.run([*cmd, "--filter", owner], capture_output=True, text=True, check=True).stdout.split()
        for cmd in (["docker", "ps", "-aq"], ["docker", "network", "ls", "-q"])
    ]
    return listed[0] + listed[1]


def alternative_name(lab: str, fixture: Path) -> str:
    return f"{lab[:2]}-{fixture.name}"


def first_alternative(lab: str) -> tuple[str, str]:
    """The grading name and fixture name of a lab's first alternative-correct fixture."""
    return alternative_name(lab, CONTAINED[lab]), CONTAINED[lab].name


# (a model that never ends is the fork bomb's case in test_hostile_submissions.py: the same wall-time stop)
HOSTILE_MODELS = {
    "allocates_10_gb": "    hog = bytearray(10 * 1024**3)\n    hog[::4096] = b'x' * len(hog[::4096])\n",
    "calls_the_network": (
        "    import urllib.request\n    urllib.request.urlopen('http://example.com', timeout=5).read()\n"
    ),
}


def hostile_model_workspace(root: Path, behaviour: str) -> Path:
    ws = make_workspace(root, LAB01, SOLUTIONS / LAB01)
    (ws / LAB01 / "warehouse" / "models" / "marts" / "customer_segments.py").write_text(
        "def model(dbt, session):\n    dbt.config(materialized='table')\n"
        + HOSTILE_MODELS[behaviour]
        + "    return dbt.ref('customers').df()\n"
    )
    return ws


_GRADED: dict[str, LabReport] = {}


def graded_in_containers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LabReport]:
    """Every container grading of the suite by name: alternatives, starters, hostile cases."""
    if not _GRADED:
        root = tmp_path_factory.mktemp("contained")

        def alternative(lab: str, fixture: Path) -> LabReport:
            name = alternative_name(lab, fixture)
            workspace = make_workspace(root / name, lab, SOLUTIONS / lab, fixture / "edits.yml")
            return grade_with_spec(lab, workspace, "container")

        def starter(lab: str) -> LabReport:
            return grade_with_spec(lab, make_workspace(root / f"t{lab[:2]}", lab, LABS / lab), "container")

        # longest first, so the two threads end together: the hostile grading (its fork bombs and
        # endless tasks run to their deadlines), then the Airflow labs
        airflow_first = sorted(CONTAINED.items(), key=lambda each: each[0] not in (LAB04, LAB05))
        gradings: dict[str, Callable[[], LabReport]] = {
            # every hostile DAG file, task and learner test, fork bombs included (tests/hostile_lab04.py)
            "04-hostile": partial(grade_hostile, root / "h04", "container"),
            **{alternative_name(lab, f): partial(alternative, lab, f) for lab, f in airflow_first},
            "04-starter": partial(starter, LAB04),
            "02-starter": partial(starter, LAB02),
            "01-starter": partial(starter, LAB01),
            **{
                behaviour: partial(
                    grade_with_spec,
                    LAB01,
                    hostile_model_workspace(root / behaviour, behaviour),
                    "container",
                    timeout_s=120,  # the job; the memory hog ends at once by the OOM killer
                )
                for behaviour in HOSTILE_MODELS
            },
        }
        # each container may take both cores (no --jobs share): the pool's gradings are the suite's
        # own, and the fork bombs' neighbours have deadlines to spare (the share made the hostile
        # grading, the longest, take 378 s instead of 292)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(grade) for name, grade in gradings.items()}
            _GRADED.update({name: future.result() for name, future in futures.items()})
    return _GRADED
