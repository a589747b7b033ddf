"""The constraints file of the course's MWAA Airflow (3.3.1), made from the package index alone.

MWAA's environments install requirements.txt under Airflow's official constraints, which live
outside the package index (on GitHub), out of reach on a locked-down network. The course makes its
own: the providers the course's pipeline uses and MWAA's Celery on SQS, resolved with uv as the
index stood when Airflow 3.3.1 was released (its last package, apache-airflow-task-sdk 1.3.1, was
uploaded on 2026-08-12 at 08:10:39 UTC, 14 s after apache-airflow itself: the cutoff is the end
of that day).

    python -m grader.labs.lab06_mwaa.constraints    # rewrites constraints-3.3.1.txt (needs the index)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

AIRFLOW_VERSION = "3.3.1"
PYTHON_VERSION = "3.11"
RELEASED_BY = "2026-08-13T00:00:00Z"
REQUIREMENTS = (
    f"apache-airflow[amazon,celery,cncf-kubernetes,http,postgres,slack,standard]=={AIRFLOW_VERSION}",
    "kombu[sqs]",  # Celery on SQS, MWAA's broker: pycurl and boto3
)
CONSTRAINTS = Path(__file__).with_name(f"constraints-{AIRFLOW_VERSION}.txt")


def command(requirements: Path, output: Path) -> list[str]:
    return [
        "uv", "pip", "compile", str(requirements), "--python-version", PYTHON_VERSION,
        "--exclude-newer", RELEASED_BY, "--no-header", "--no-annotate", "--quiet", "-o", str(output),
    ]  # fmt: skip


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        requirements, output = Path(scratch) / "requirements.in", Path(scratch) / "constraints.txt"
        requirements.write_text("\n".join(REQUIREMENTS) + "\n")
        # uv would otherwise download a Python 3.11 it cannot find
        done = subprocess.run(command(requirements, output), env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
        if done.returncode:
            return done.returncode
        header = (
            f"# Constraints for MWAA's Apache Airflow {AIRFLOW_VERSION} on Python {PYTHON_VERSION}, made by\n"
            f"# `python -m grader.labs.lab06_mwaa.constraints` from the package index as of {RELEASED_BY}:\n"
            f"# {' '.join(REQUIREMENTS)}\n"
        )
        CONSTRAINTS.write_text(header + output.read_text())
    print(f"wrote {CONSTRAINTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
