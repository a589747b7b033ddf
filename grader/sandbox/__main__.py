"""Entry point of a sandbox job: ``python -m grader.sandbox PLAN.json``."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from grader.sandbox import notebook_autograde
from grader.sandbox.recorder import NotGradable, Recorder, StepFailed


def _finish_notebook(proc: subprocess.Popen, plan: dict, recorder: Recorder) -> None:
    with recorder.step("notebook", "Autograde the notebook's exercise cells (nbgrader)"):
        try:
            proc.wait(timeout=plan["notebook"]["timeout_s"] + 30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise StepFailed("nbgrader did not finish in time") from None
        record = Path(plan["out_dir"]) / notebook_autograde.RESULT_FILE
        if not record.exists():
            raise StepFailed("nbgrader ended without leaving a record")
        error = json.loads(record.read_text()).get("error")
        if error:
            raise StepFailed(error[:1500])


def main(argv: list[str]) -> int:
    plan_file = argv[1]
    plan = json.loads(Path(plan_file).read_text())
    recorder = Recorder(Path(plan["out_dir"]))
    job = importlib.import_module(f"grader.sandbox.{plan['job']}")
    # the notebook's exercises are graded by a second process, beside whatever the job builds
    notebook = (
        notebook_autograde.start(Path(plan_file), Path(plan["work_dir"]) / "notebook-output.log")
        if plan.get("notebook")
        else None
    )
    try:
        job.run(plan, recorder)
    except NotGradable:
        pass  # already recorded by the step that found it
    except Exception as exc:  # the job must always leave a readable record behind
        recorder.fail_job(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if notebook is not None:
            _finish_notebook(notebook, plan, recorder)
        recorder.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
