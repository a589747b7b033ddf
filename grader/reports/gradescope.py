"""Gradescope's autograder results.json for one learner: every lab's tests, with their points."""

from __future__ import annotations

from typing import Any

from grader.model import LabReport


def to_gradescope(reports: list[LabReport]) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    problems = []
    for report in reports:
        if report.status.value != "graded":
            problems.append(f"{report.lab}: {report.status.value}. " + " ".join(report.problems))
        for test in report.tests:
            tests.append(
                {
                    "name": f"{report.lab} {test.id}",
                    "score": test.score,
                    "max_score": test.max_score,
                    "status": "passed" if test.status == "passed" else "failed",
                    "output": test.message,
                    "tags": list(test.concepts),
                    "visibility": "visible",
                }
            )
    return {
        "score": round(sum(r.score for r in reports), 2),
        "execution_time": round(sum(r.duration_s for r in reports)),
        "output": "\n".join(problems),
        "visibility": "visible",
        "tests": tests,
    }
