"""Hostile DAG files, tasks and learner tests laid over the lab 04 solution: one grading covers them all.

Locally (tests/test_hostile_dags.py): an import that loops forever (once with SIGALRM honoured,
once ignored), ``sys.exit(0)`` and ``os._exit(3)`` at import, a DAG reading a connection and
calling the network at parse time, and a task that never finishes (SIGALRM ignored too). In a
container (tests/containers.py) the same, plus three fork bombs: a DAG file's import, a learner
test, and the task (only a pids limit and a kill of the whole process group stop them; never
graded locally, where as root on the host no limit would hold them).
"""

from __future__ import annotations

from pathlib import Path

from grader.labs import load_spec
from grader.model import LabReport, Status
from tests.conftest import SOLUTIONS, grade_with_spec, make_workspace

LAB = "04_airflow_dags"
# Airflow's own import timeout; the grader stops an import 5 s after it. Above a plain DAG file's
# import with two gradings sharing the cores.
IMPORT_TIMEOUT_S = 8
RUN_TIMEOUT_S = 45  # each DAG run's and test variant's deadline: above a dbt build's run, below a task's 60 s

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
FORK_LOOP = "\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n"
FORK_BOMB_DAG = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
# write_summary runs only on a day with orders: the busy day's run hangs, the others do not
NEVER_ENDING_TASK = """

def write_summary(*args, **kwargs):
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
"""
FORKING_TASK = "\n\ndef write_summary(*args, **kwargs):\n    import os\n" + FORK_LOOP
EXPECTED_MESSAGES = {
    "dags/loops_forever.py": "Timeout",
    "dags/ignores_the_alarm.py": f"did not finish within {IMPORT_TIMEOUT_S + 5} s and was stopped",
    "dags/exits_quietly.py": "SystemExit: 0",
    "dags/exits_hard.py": "ended the process before finishing",
}
FORK_BOMB_MESSAGE = {"dags/forks_forever.py": "importing this file did not finish"}
LOST = {
    "validation.dags_import_without_errors": 2,
    "validation.dag_file_does_no_work_at_parse_time": 2,
    "integration.busy_day_passes_counts_through_xcom": 3,
    "integration.templates_render_the_logical_date": 2,
}


def hostile_workspace(root: Path, *, forks: bool) -> Path:
    workspace = make_workspace(root, LAB, SOLUTIONS / LAB)
    for name, text in HOSTILE_DAG_FILES.items():
        (workspace / LAB / name).write_text(text)
    orders = workspace / LAB / "include" / "fernhill" / "orders.py"
    orders.write_text(orders.read_text() + (FORKING_TASK if forks else NEVER_ENDING_TASK))
    if forks:
        (workspace / LAB / "dags" / "forks_forever.py").write_text(FORK_BOMB_DAG)
        tests = workspace / LAB / "tests" / "test_forks.py"
        tests.write_text("import os\n\n\ndef test_forks_forever():" + FORK_LOOP)
    return workspace


def grade_hostile(root: Path, isolation: str) -> LabReport:
    """Lab 04 with every hostile case (and, in a container, the fork bombs), short deadlines."""
    spec = load_spec(LAB)
    assert spec is not None
    plan = spec.options()
    options = {**plan, "import_timeout_s": IMPORT_TIMEOUT_S, "run_timeout_s": RUN_TIMEOUT_S}
    options["learner_tests"] = {**plan["learner_tests"], "timeout_s": RUN_TIMEOUT_S}
    workspace = hostile_workspace(root, forks=isolation == "container")
    return grade_with_spec(LAB, workspace, isolation, options=lambda: options)


def assert_contained(report: LabReport, *, forks: bool) -> None:
    """Each case costs its own points with its own message; everything else keeps full marks."""
    assert report.status == Status.GRADED, report.problems
    failed = {t.id: t for t in report.tests if t.status != "passed"}
    learner_tests = {t for t in failed if t.startswith("unit.your_tests_")}
    assert bool(learner_tests) == forks, {k: v.message[:300] for k, v in failed.items()}
    for test in learner_tests:  # the correct pipeline's run timed out: the broken copies are not tried
        assert f"did not finish within {RUN_TIMEOUT_S} s and were stopped" in failed[test].message
    assert set(failed) - learner_tests == set(LOST), {k: v.message[:300] for k, v in failed.items()}
    lost = sum(LOST.values()) + sum(t.max_score for t in report.tests if t.id in learner_tests)
    assert report.score == report.max_score - lost
    imports = failed["validation.dags_import_without_errors"].message
    for path, words in {**EXPECTED_MESSAGES, **(FORK_BOMB_MESSAGE if forks else {})}.items():
        assert f"{path}: " in imports, (path, imports)
        assert words in imports.split(f"{path}: ", 1)[1].split(";")[0], (path, imports)
    parse_work = failed["validation.dag_file_does_no_work_at_parse_time"].message
    assert "dags/reads_at_parse_time.py line 3: BaseHook.get_connection" in parse_work, parse_work
    busy = failed["integration.busy_day_passes_counts_through_xcom"].message
    assert f"did not finish within {RUN_TIMEOUT_S} s and was stopped" in busy, busy
