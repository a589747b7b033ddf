"""The host's half of notebook grading: the gradebook the sandbox autogrades against, and the checks' view.

nbgrader needs a course folder with a gradebook: the source version of each graded cell, its
checksum, its points and its hidden tests. It is made from the solution notebook with
``generate_assignment`` once per version of that notebook and cached; each job gets a copy.
The sandbox half is grader/sandbox/notebook_autograde.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from grader.checks import CheckFailed, MissingArtifact
from grader.config import cache_root
from grader.course import course_root
from grader.sandbox.notebook_autograde import extract_gradable, nbgrader_meta, source_text

HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def solution_notebook(lab_id: str, file: str) -> Path:
    return course_root() / "solutions" / lab_id / file


def prepare_course(lab_id: str, file: str) -> Path:
    """A course folder holding the gradebook for this lab's notebook (built once, then cached)."""
    extract = extract_gradable(json.loads(solution_notebook(lab_id, file).read_text()))
    text = json.dumps(extract, indent=1, sort_keys=True)
    key = hashlib.sha256((text + version("nbgrader")).encode()).hexdigest()[:12]
    course = cache_root() / f"nbgrader-{lab_id}-{key}"
    if (course / "gradebook.db").exists():
        return course
    course.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=course.name + "-", dir=course.parent))
    (building / "source" / lab_id).mkdir(parents=True)
    (building / "source" / lab_id / file).write_text(text)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            lab_id,
            f"--CourseDirectory.root={building}",
            "--force",
            "--log-level=ERROR",
        ],
        cwd=building,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not (building / "gradebook.db").exists():
        shutil.rmtree(building, ignore_errors=True)
        raise RuntimeError(f"nbgrader generate_assignment failed for {file}: {(done.stderr or done.stdout)[-800:]}")
    shutil.rmtree(building / "release", ignore_errors=True)  # the learner's copy is labs/; not needed here
    try:
        building.rename(course)
    except OSError:  # another grading process finished first: use theirs
        shutil.rmtree(building, ignore_errors=True)
    return course


def graded_cells(lab_id: str, file: str) -> dict[str, dict[str, Any]]:
    """grade_id -> points and hidden test text, for each test cell of the solution notebook."""
    cells = json.loads(solution_notebook(lab_id, file).read_text())["cells"]
    found = {}
    for cell in cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            text = source_text(cell)
            hidden = text.split(HIDDEN[0], 1)[1].split(HIDDEN[1], 1)[0] if HIDDEN[0] in text else ""
            found[meta["grade_id"]] = {"points": float(meta.get("points", 0)), "hidden": hidden}
    return found


def expect_cell_passed(a: Any, lab_id: str, file: str, grade_id: str) -> None:
    """Turn the sandbox's autograde record of one test cell into a check result."""
    path = a.out_dir / "notebook.json"
    if not path.exists():
        raise MissingArtifact("the notebook to be autograded", "the grading job stopped before it")
    record = json.loads(path.read_text())
    where = f"test cell {grade_id} of {file}"
    if record.get("tampered"):
        tampered = record["tampered"]
        raise CheckFailed(
            "answer cells that compute answers, nothing more",
            f"cell {tampered.get('cell')} uses `{tampered.get('word')}`, which can change how test results are "
            "recorded, so no test of this notebook was run",
            hint="remove it and grade again",
        )
    if not record.get("ok"):
        raise CheckFailed(f"the notebook's tests to run ({where})", str(record.get("error", ""))[:600])
    cell = (record.get("cells") or {}).get(grade_id)
    if grade_id in (record.get("deleted") or []):
        raise CheckFailed(f"{where}", "it was deleted (a deleted test cell scores 0): restore it from labs/")
    if cell is None:
        raise CheckFailed(f"{where} to be graded", "nbgrader did not grade it")
    if cell["score"] >= cell["max_score"] > 0:
        return
    error = cell.get("error") or {}
    raise CheckFailed(f"{where} to pass", _safe_error(error, graded_cells(lab_id, file)[grade_id]["hidden"]))


def _safe_error(error: dict[str, str], hidden: str) -> str:
    """The error's type, and its message unless it could quote a hidden test."""
    ename, evalue = error.get("ename", "") or "a failing test", error.get("evalue", "")
    hidden_lines = [line.strip() for line in hidden.splitlines() if len(line.strip()) > 6]
    quotes_hidden = any(line in evalue for line in hidden_lines) or (len(evalue) > 3 and evalue in hidden)
    if ename == "AssertionError" and (not evalue or quotes_hidden):
        return "AssertionError: a test, maybe a hidden one, found a wrong answer"
    if quotes_hidden:
        return f"{ename} (its message is not shown: it would give away a hidden test)"
    return f"{ename}: {evalue}" if evalue else ename
