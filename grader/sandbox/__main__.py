"""Entry point of a sandbox job: ``python -m grader.sandbox PLAN.json``."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from grader.sandbox import notebook_autograde, side_process
from grader.sandbox.recorder import NotGradable, Recorder, StepFailed


def _finish_notebook(proc: subprocess.Popen, plan: dict, recorder: Recorder) -> None:
    with recorder.step("notebook", "Autograde the notebook's exercise cells (nbgrader)"):
        record = Path(plan["out_dir"]) / notebook_autograde.RESULT_FILE
        timeout_s = plan["notebook"]["timeout_s"] + 30
        error = side_process.finish(proc, record, timeout_s=timeout_s, what="nbgrader").get("error")
        if error:
            raise StepFailed(error[:1500])


def main(argv: list[str]) -> int:
    plan_file = argv[1]
    plan = json.loads(Path(plan_file).read_text())
    recorder = Recorder(Path(plan["out_dir"]))
    engine = importlib.import_module(f"grader.sandbox.{plan['engine']}")
    # the notebook's exercises are graded by a second process, beside whatever the engine builds
    notebook = (
        side_process.start("notebook_autograde", Path(plan_file), Path(plan["work_dir"]) / "notebook-output.log")
        if plan.get("notebook")
        else None
    )
    try:
        engine.run(plan, recorder)
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
