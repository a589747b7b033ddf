"""The learner's own DAG tests, run against the grader's copies of the pipeline: tests graded by the bugs they catch.

For each variant (the reference pipeline, then each deliberately broken one) a forked child of the
Airflow job writes the variant's files, points the job's DAGs folder (a symlink Airflow was
configured with) at them, resets the metadata database to its fresh state and runs pytest on the
learner's tests/ folder. Airflow is already imported, so a variant costs its tests' own time.
The learner's pytest configuration files are ignored (``-c /dev/null``): tests cannot be switched
off from an ini file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from grader.datagen import generate
from grader.sandbox.forked import ForkResult, map_in_fork
from grader.sandbox.recorder import Recorder

LEARNER_MODULES = ("include", "fernhill_tools", "unusual_prefix_", "test_", "conftest")


class _Outcomes:
    """A pytest plugin noting each test's outcome (a failing setup counts as an error)."""

    def __init__(self) -> None:
        self.tests: dict[str, str] = {}
        self.messages: dict[str, str] = {}  # why a test failed: its last line, for the feedback

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or report.outcome != "passed":
            self.tests.setdefault(report.nodeid, "error" if report.when != "call" else report.outcome)
        if report.outcome == "failed":
            lines = [line for line in str(report.longreprtext).splitlines() if line.strip()]
            self.messages.setdefault(report.nodeid, "\n".join(lines[-3:])[-400:])

    def pytest_collectreport(self, report: Any) -> None:
        if report.outcome == "failed":
            self.tests[f"{report.nodeid or 'tests'} (collection)"] = "error"


def run_variants(
    project: Path,
    spec: dict[str, Any],
    *,
    work: Path,
    dags_link: Path,
    db_file: Path,
    db_template: Path,
    test_data: Path,
) -> dict[str, Any]:
    """{variant id: {"tests": {nodeid: outcome}, "exit_code": int}} or {"error": ...} per variant."""
    variants = all_variants(spec)

    def one(variant: dict[str, Any]) -> dict[str, Any]:
        root = work / "variants" / variant["id"]
        write_variant(root, spec["reference"], variant["edits"])
        sys.path[:] = [p for p in sys.path if Path(p).resolve() != project.resolve()]
        sys.path.insert(0, str(root))
        shutil.copytree(project / "tests", root / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        dags_link.unlink()
        dags_link.symlink_to(root / "dags", target_is_directory=True)
        for stale in (db_file, db_file.with_name(db_file.name + "-wal"), db_file.with_name(db_file.name + "-shm")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(db_template, db_file)
        _forget_learner_modules()
        os.environ.update({"FERNHILL_TESTS_PREPARED": "1", "FERNHILL_TEST_DATA": str(test_data)})
        os.chdir(root)
        import pytest

        outcomes = _Outcomes()
        code = pytest.main(
            [
                "-q",
                "-c",
                os.devnull,
                "--rootdir",
                str(root),
                "-p",
                "no:cacheprovider",
                "-p",
                "no:faulthandler",
                # its cleanup runs gc.collect() over Airflow's whole heap in a forked child: a
                # third of each variant's time, for warnings that -W ignore drops anyway
                "-p",
                "no:unraisableexception",
                "-W",
                "ignore",
                str(root / "tests"),
            ],
            plugins=[outcomes],
        )
        return {"tests": outcomes.tests, "messages": outcomes.messages, "exit_code": int(code)}

    timeout_s = spec.get("timeout_s", 120)
    results = map_in_fork(one, variants[:1], timeout_s=timeout_s)
    if results[0].problem is None:
        results += map_in_fork(one, variants[1:], timeout_s=timeout_s)
    else:  # tests that never finish (or end the process) on the correct pipeline would on every copy
        skipped = f"were not run on this copy: on the correct pipeline they {results[0].problem}"
        results += [ForkResult(problem=skipped) for _ in variants[1:]]
    return {
        variant["id"]: result.value if result.problem is None else {"error": f"your tests {_plural(result.problem)}"}
        for variant, result in zip(variants, results, strict=True)
    }


def _plural(problem: str) -> str:
    """The forked run's words, said of tests: "... and was stopped" -> "... and were stopped"."""
    return problem.replace(" and was stopped", " and were stopped")


def all_variants(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference pipeline first (no edits), then each mutant."""
    return [{"id": "reference", "edits": []}, *spec["mutants"]]


def write_variant(root: Path, files: dict[str, str], edits: list[dict[str, str]]) -> None:
    """The pipeline's files under ``root``, each edit (find/replace once) applied."""
    texts = dict(files)
    for edit in edits:
        texts[edit["file"]] = texts[edit["file"]].replace(edit["find"], edit["replace"], 1)
    for name, text in texts.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _forget_learner_modules() -> None:
    """The learner's include/ and DAG modules the parent imported would shadow the variant's."""
    for name in [m for m in sys.modules if m.startswith(LEARNER_MODULES)]:
        del sys.modules[name]


def learner_tests_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    """The learner's tests/ against the reference pipeline and its mutants (after the database step)."""
    spec = job.plan["learner_tests"]
    variants = 1 + len(spec["mutants"])
    with rec.step("tests", f"Run your tests/ against the grader's pipeline, correct and broken ({variants} variants)"):
        if not (job.project / "tests").is_dir():
            (job.out / "learner_tests.json").write_text(json.dumps({"missing": "no tests/ folder"}))
            return
        if importlib.util.find_spec("pytest") is None:  # the grader's image, not the learner, is at fault
            raise RuntimeError("pytest is missing from the grading environment: rebuild it (make images)")
        test_data = job.work / "test_data"
        generate(seed=spec["data_seed"]).write(test_data)
        results = run_variants(
            job.project,
            spec,
            work=job.work,
            dags_link=job.dags_link,
            db_file=job.home / "airflow.db",
            db_template=job.home / "airflow.fresh.db",
            test_data=test_data / "raw",
        )
        (job.out / "learner_tests.json").write_text(json.dumps(results, indent=1))


STEPS = {"learner_tests": learner_tests_step}
