"""Hostile DAG files and tasks in lab 04: each is contained with a clear message, the rest is graded.

One workspace holds them all, laid over the lab 04 solution, so one grading run covers every case:
an import that loops forever (once with SIGALRM honoured, once ignored), ``sys.exit(0)`` and
``os._exit(3)`` at import, a DAG reading a connection and calling the network at parse time, and a
task that never finishes (SIGALRM ignored too).
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.labs import load_spec
from grader.model import LabReport, Status
from tests.conftest import SOLUTIONS, grade_with_spec, make_workspace

pytestmark = pytest.mark.slow

LAB = "04_airflow_dags"
# Airflow's own import timeout; the grader stops an import 5 s after it. Above a plain DAG file's
# import with two gradings sharing the cores (this test grades with both runners at once).
IMPORT_TIMEOUT_S = 8
RUN_TIMEOUT_S = 45  # each DAG run's deadline: above a dbt build's run, below a task's execution_timeout (60 s)

HOSTILE_DAG_FILES = {
    "dags/loops_forever.py": "while True:\n    pass\n",
    # ... after starting a process in a session of its own, which must not outlive the import's deadline
    "dags/ignores_the_alarm.py": (
        "import signal, subprocess\nsubprocess.Popen(['sleep', '86399'], start_new_session=True)\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    ),
    "dags/exits_quietly.py": "import sys\nsys.exit(0)\n",
    "dags/exits_hard.py": "import os\nos._exit(3)\n",
    "dags/reads_at_parse_time.py": (
        "import urllib.request\nfrom airflow.sdk import BaseHook, dag\n"
        "conn = BaseHook.get_connection('fernhill_supplier_api')\n"
        "try:\n    urllib.request.urlopen(f'http://{conn.host}:{conn.port}/suppliers', timeout=2)\n"
        "except OSError:\n    pass\n\n"
        "@dag(schedule=None)\ndef reads_at_parse_time():\n    pass\n\nreads_at_parse_time()\n"
    ),
}
# write_summary runs only on a day with orders: the busy day's run hangs, the others do not
NEVER_ENDING_TASK = """

def write_summary(*args, **kwargs):
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
"""
EXPECTED_MESSAGES = {
    "dags/loops_forever.py": "Timeout",
    "dags/ignores_the_alarm.py": f"did not finish within {IMPORT_TIMEOUT_S + 5} s and was stopped",
    "dags/exits_quietly.py": "SystemExit: 0",
    "dags/exits_hard.py": "ended the process before finishing",
}
LOST = {
    "validation.dags_import_without_errors": 2,
    "validation.dag_file_does_no_work_at_parse_time": 2,
    "integration.busy_day_passes_counts_through_xcom": 3,
    "integration.templates_render_the_logical_date": 2,
}


def hostile_workspace(root: Path) -> Path:
    workspace = make_workspace(root, LAB, SOLUTIONS / LAB)
    for name, text in HOSTILE_DAG_FILES.items():
        (workspace / LAB / name).write_text(text)
    orders = workspace / LAB / "include" / "fernhill" / "orders.py"
    orders.write_text(orders.read_text() + NEVER_ENDING_TASK)
    return workspace


def grade_hostile(workspace: Path, isolation: str) -> LabReport:
    spec = load_spec(LAB)
    assert spec is not None
    options = {**spec.options(), "import_timeout_s": IMPORT_TIMEOUT_S, "run_timeout_s": RUN_TIMEOUT_S}
    return grade_with_spec(LAB, workspace, isolation, options=lambda: options)


def assert_contained(report: LabReport) -> None:
    assert report.status == Status.GRADED, report.problems
    failed = {t.id: t for t in report.tests if t.status != "passed"}
    assert set(failed) == set(LOST), {k: v.message[:300] for k, v in failed.items()}
    assert report.score == report.max_score - sum(LOST.values())
    imports = failed["validation.dags_import_without_errors"].message
    for path, words in EXPECTED_MESSAGES.items():
        assert f"{path}: " in imports, (path, imports)
        assert words in imports.split(f"{path}: ", 1)[1].split(";")[0], (path, imports)
    parse_work = failed["validation.dag_file_does_no_work_at_parse_time"].message
    assert "dags/reads_at_parse_time.py line 3: BaseHook.get_connection" in parse_work, parse_work
    busy = failed["integration.busy_day_passes_counts_through_xcom"].message
    assert f"did not finish within {RUN_TIMEOUT_S} s and was stopped" in busy, busy


@pytest.mark.docker
def test_hostile_dags_are_contained_with_both_runners(runtime_image: str, tmp_path: Path) -> None:
    """Locally and in a container at once: most of each grading is waiting for a deadline."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        local, contained = pool.map(
            lambda isolation: grade_hostile(hostile_workspace(tmp_path / isolation), isolation), ["local", "container"]
        )
    assert_contained(local)
    assert_contained(contained)
    left = subprocess.run(["pgrep", "-f", "sleep 86399"], capture_output=True, text=True, check=False).stdout.split()
    assert not left, f"the import's own process outlived it: {left}"
