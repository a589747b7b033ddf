"""nbgrader autograde of a lab notebook's exercise cells, as a second process of the sandbox job.

Only the cells nbgrader grades run: each answer cell and its locked test cell, in the learner's
order. Notebook exercises are written to stand alone, so the rest of the notebook (dbt builds,
pictures) is not executed again: grading takes seconds, not the notebook's minutes.

nbgrader does the grading proper: it restores locked test cells from their checksums, puts the
hidden tests back, runs every cell with a timeout and scores each test cell. Around it:
- a deleted answer cell comes back as an empty stub, a deleted test cell comes back and scores 0;
- answer cells that reach for the machinery that decides pass or fail (IPython's traceback
  display, sys.excepthook, exec, processes) are not run at all, since their tests could not be
  trusted; the learner is told which word was found;
- the record says only the error's type and message per test cell, never the test source, so the
  hidden tests stay hidden.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

RESULT_FILE = "notebook.json"
STUDENT = "learner"

# Words an answer cell has no business using: they change how errors are shown or recorded, run
# code nbgrader cannot see, or start processes that outlive the cell.
SUSPICIOUS = re.compile(
    r"showtraceback|excepthook|ultratb|InteractiveShell|get_ipython|sys\.modules|__builtins__|\bbuiltins\b"
    r"|\bexec\s*\(|\beval\s*\(|\bcompile\s*\(|__import__|importlib|\bgc\b|settrace|setprofile|atexit"
    r"|subprocess|\bos\.(system|fork|exec|spawn|popen|_exit|kill)|multiprocessing|threading|\bsocket\b"
)


def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    found = meta.get("nbgrader") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else {}


def source_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def extract_gradable(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook with only its graded code cells (answers and tests), outputs cleared."""
    cells = []
    for cell in notebook.get("cells", []):
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") == "code" and (meta.get("solution") or meta.get("grade")):
            cells.append({**cell, "outputs": [], "execution_count": None})
    return {**notebook, "cells": cells}


def main(plan_file: str) -> int:
    plan = json.loads(Path(plan_file).read_text())
    result: dict[str, Any] = {"ok": False, "cells": {}, "error": ""}
    try:
        grade(plan["notebook"], result)
    except Exception as exc:  # a record always reaches the host
        result["error"] = result["error"] or f"{type(exc).__name__}: {exc}"
    (Path(plan["out_dir"]) / RESULT_FILE).write_text(json.dumps(result, indent=1))
    return 0


def grade(options: dict[str, Any], result: dict[str, Any]) -> None:
    course = Path(options["course_dir"])
    assignment, name = options["assignment"], Path(options["path"]).name
    source = json.loads((course / "source" / assignment / name).read_text())
    expected = [nbgrader_meta(c) for c in source["cells"]]

    learner_file = Path(options["path"])
    if not learner_file.exists():
        result["error"] = f"the notebook {name} is missing"
        return
    try:
        learner = extract_gradable(json.loads(learner_file.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        result["error"] = f"{name} is not a readable notebook (JSON): {exc}"
        return

    submitted, deleted = _complete(learner, source)
    result["deleted"] = deleted
    for cell in submitted["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            found = SUSPICIOUS.search(source_text(cell))
            if found:
                result["tampered"] = {"cell": meta.get("grade_id"), "word": found.group(0)}
                result["ok"] = True
                for test in (m for m in expected if m.get("grade")):
                    result["cells"][test["grade_id"]] = {"score": 0.0, "max_score": float(test.get("points", 0))}
                return

    target = course / "submitted" / STUDENT / assignment / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(submitted, indent=1))
    start = time.monotonic()
    failure = _autograde(
        course,
        [
            "autograde",
            assignment,
            "--student",
            STUDENT,
            f"--CourseDirectory.root={course}",
            f"--ExecutePreprocessor.timeout={int(options.get('cell_timeout_s', 30))}",
            "--force",
            "--log-level=ERROR",
        ],
    )
    result["autograde_s"] = round(time.monotonic() - start, 2)
    graded = course / "autograded" / STUDENT / assignment / name
    if failure is not None or not graded.exists():
        result["error"] = "nbgrader autograde failed: " + (failure or "it wrote no graded notebook")[-1500:]
        return
    errors = _errors(json.loads(graded.read_text()))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(Path(name).stem, assignment, STUDENT)
        for grade_row in notebook.grades:
            cell_id = grade_row.name
            score = 0.0 if cell_id in deleted else float(grade_row.auto_score or 0)  # never "manual"
            result["cells"][cell_id] = {
                "score": score,
                "max_score": float(grade_row.max_score),
                "error": errors.get(cell_id),
            }
    result["ok"] = True


def _autograde(course: Path, argv: list[str]) -> str | None:
    """``nbgrader autograde`` in this process (nbgrader is imported once, not twice); what went wrong, or None.

    The kernel that runs the learner's cells is still a process of its own, started by nbgrader.
    """
    # nbgrader runs `alembic` for a new gradebook: the environment's own bin/ comes first
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.chdir(course)
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            from nbgrader.apps.nbgraderapp import NbGraderApp

            NbGraderApp.launch_instance(argv=argv)
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            return said.getvalue() or f"nbgrader exited with {exit_.code}"
    except Exception as exc:
        return f"{said.getvalue()}{type(exc).__name__}: {exc}"
    return None


def _complete(learner: dict[str, Any], source: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Put deleted graded cells back where the source has them: tests as they were, answers as stubs."""
    have = {nbgrader_meta(c).get("grade_id") for c in learner["cells"]}
    cells, deleted = list(learner["cells"]), []
    for position, cell in enumerate(source["cells"]):
        meta = nbgrader_meta(cell)
        if meta.get("grade_id") in have:
            continue
        deleted.append(str(meta.get("grade_id")))
        if meta.get("solution"):
            cell = {**cell, "source": "raise NotImplementedError()  # this answer cell was deleted"}
        cells.insert(min(position, len(cells)), {**cell, "outputs": [], "execution_count": None})
    return {**learner, "cells": cells}, deleted


def _errors(notebook: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The first error of each graded cell: its type and message, no traceback (it quotes the tests)."""
    found = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found[nbgrader_meta(cell).get("grade_id", "")] = {
                    "ename": str(output.get("ename", ""))[:200],
                    "evalue": str(output.get("evalue", ""))[:500],
                }
                break
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
