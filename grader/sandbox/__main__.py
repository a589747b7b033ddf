"""Entry point of a sandbox job: ``python -m grader.sandbox PLAN.json``."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from grader.sandbox.recorder import NotGradable, Recorder


def main(argv: list[str]) -> int:
    plan = json.loads(Path(argv[1]).read_text())
    recorder = Recorder(Path(plan["out_dir"]))
    job = importlib.import_module(f"grader.sandbox.{plan['job']}")
    try:
        job.run(plan, recorder)
    except NotGradable:
        pass  # already recorded by the step that found it
    except Exception as exc:  # the job must always leave a readable record behind
        recorder.fail_job(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        recorder.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
