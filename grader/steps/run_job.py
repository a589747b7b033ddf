"""Run the lab's sandbox job once with the chosen runner and read back its record."""

from __future__ import annotations

import json
from typing import Any

from grader.model import Status
from grader.pipeline import Context, Stop
from grader.runners import JobOutcome, RunnerUnavailable


def run(ctx: Context) -> None:
    assert ctx.work_dir is not None
    assert ctx.staged_lab is not None
    out_dir = ctx.work_dir / "out"
    plan = {
        "job": ctx.spec.job,
        "lab": ctx.spec.id,
        "project_dir": str(ctx.staged_lab / ctx.spec.project),
        "work_dir": str(ctx.work_dir / "job"),
        "out_dir": str(out_dir),
        "services": list(ctx.spec.services)
        + (list(ctx.spec.container_services) if ctx.runner.name == "container" else []),
        **ctx.spec.job_options,
        **ctx.job_options,
    }
    (ctx.work_dir / "job").mkdir(exist_ok=True)
    outcome = _run_job(ctx, plan)
    ctx.out_dir = out_dir
    record_file = out_dir / "job.json"
    if not record_file.exists():
        raise Stop(
            Status.ERROR,
            "The grading job did not start (no record was written). Its output:\n" + outcome.output_tail[-1500:],
        )
    record = json.loads(record_file.read_text())
    ctx.job_steps = record.get("steps", [])
    ctx.problems += _what_went_wrong(ctx, outcome, record)
    if record.get("status") == "crashed":
        # learner failures are caught inside the job (dbt reports them); an exception that escaped
        # it is the grader's own failure, which must never turn into a score
        raise Stop(
            Status.ERROR,
            "The grading job itself failed, which is a problem of the grader, not of your "
            "work: " + " ".join(record.get("problems", []))[:1500],
        )
    if record.get("status") == "not_gradable":
        raise Stop(Status.NOT_GRADABLE, "\n".join(record.get("problems", [])) or "The project could not be built.")
    for step in ctx.job_steps:
        if _has_failures(step.get("summary")):
            ctx.problems.append(_build_summary(step["summary"]))
        if step["status"] == "failed" and step.get("error"):
            ctx.problems.append(f"{step['label']}: {step['error'][:1500]}")
    if not any(s["name"] == "parse" and s["status"] == "ok" for s in ctx.job_steps):
        raise Stop(
            Status.NOT_GRADABLE,
            "Your project never got as far as being parsed by dbt, so nothing can "
            "be graded. " + (ctx.problems[-1] if ctx.problems else ""),
        )


def _run_job(ctx: Context, plan: dict[str, Any]) -> JobOutcome:
    assert ctx.work_dir is not None
    try:
        return ctx.runner.run(plan, ctx.work_dir, timeout_s=ctx.spec.timeout_s, on_progress=ctx.on_progress)
    except RunnerUnavailable as exc:
        raise Stop(Status.ERROR, str(exc)) from exc
    except Exception as exc:  # the runner's machinery failed (Docker died mid-job): never a score
        raise Stop(
            Status.ERROR,
            f"The grading job could not run ({type(exc).__name__}: {exc}). "
            "This is a problem of the grading machine, not of your work.",
        ) from exc


def _what_went_wrong(ctx: Context, outcome: JobOutcome, record: dict[str, Any]) -> list[str]:
    """The runner's view of the job's end, in words a learner understands."""
    problems = [outcome.note] if outcome.note else []
    if outcome.timed_out:
        running = next((s["label"] for s in ctx.job_steps if s["status"] == "running"), "the job")
        problems.append(
            f"Stopped after {ctx.spec.timeout_s:.0f}s during '{running}': something in your "
            "project never finishes (an endless loop?). What finished before is graded."
        )
    elif record.get("status") == "running":
        running = next((s["label"] for s in ctx.job_steps if s["status"] == "running"), "the job")
        problems.append(
            f"The job stopped during '{running}' without finishing (exit code {outcome.exit_code}): "
            "something in your project ended the process (sys.exit or os._exit?). "
            "What finished before is graded."
        )
    elif outcome.exit_code != 0:
        problems.append(
            f"The job ended early (exit code {outcome.exit_code}); what finished before is graded. "
            + " ".join(record.get("problems", []))[:1500]
        )
    return problems


def _has_failures(summary: dict[str, Any] | None) -> bool:
    return summary is not None and any(summary["counts"].get(k) for k in ("error", "fail", "skipped"))


def _build_summary(summary: dict[str, Any]) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary["counts"].items()))
    first = "\n".join(f"- {p}" for p in summary["first_problems"])
    if not first:
        return f"dbt build: {counts}."
    hint = (
        "\n(A model that still holds only its TODO line is empty SQL, which fails with "
        "'syntax error at or near \")\"'.)"
        if 'near ")"' in first
        else ""
    )
    return f"dbt build: {counts}. First problems:\n{first}{hint}"
