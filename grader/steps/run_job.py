"""Run the lab's sandbox job once with the chosen runner and read back its record."""

from __future__ import annotations

import json
from typing import Any

from grader.context import Context, Stop
from grader.model import Status
from grader.runners import JobOutcome, RunnerUnavailable


def run(ctx: Context) -> None:
    assert ctx.work_dir is not None
    assert ctx.staged_lab is not None
    out_dir = ctx.work_dir / "out"
    plan = {
        "engine": ctx.spec.engine,
        "steps": list(ctx.spec.steps),
        "extensions": list(ctx.spec.extensions),
        "lab": ctx.spec.id,
        "project_dir": str(ctx.staged_lab / ctx.spec.project),
        "work_dir": str(ctx.work_dir / "job"),
        "out_dir": str(out_dir),
        "services": list(ctx.spec.services)
        + (list(ctx.spec.container_services) if ctx.runner.name == "container" else []),
        **ctx.options,
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
        if (step.get("summary") or {}).get("attention"):
            ctx.problems.append(_summary_text(step["summary"]))
        if step["status"] == "failed" and step.get("error"):
            ctx.problems.append(f"{step['label']}: {step['error'][:1500]}")
    gate = next((s for s in ctx.job_steps if s["name"] == ctx.spec.gate), None)
    if gate is None or gate["status"] != "ok":
        what = f"'{gate['label']}'" if gate else f"the step '{ctx.spec.gate}'"
        raise Stop(
            Status.NOT_GRADABLE,
            f"The grading job never got through {what}, so nothing can be graded. "
            + (ctx.problems[-1] if ctx.problems else ""),
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


def _summary_text(summary: dict[str, Any]) -> str:
    """A step's own summary in words: its title, the counts, the first problems and the step's hint."""
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary["counts"].items()))
    first = "\n".join(f"- {p}" for p in summary.get("first_problems", []))
    text = f"{summary['title']}: {counts}."
    if first:
        text += f" First problems:\n{first}"
    if summary.get("hint"):
        text += f"\n({summary['hint']})"
    return text
