"""Run every check of the lab (and an instructor's pack) on the artifacts; one result each."""

from __future__ import annotations

import traceback

from grader.checks import Check, CheckFailed, collect, import_modules
from grader.context import Context
from grader.course import explained_in
from grader.model import TestResult


def run(ctx: Context) -> None:
    assert ctx.out_dir is not None
    assert ctx.staged_lab is not None
    spec = ctx.spec
    ctx.artifacts = spec.artifacts(ctx.out_dir, ctx.staged_lab, ctx.staged_lab / spec.project, ctx.options)
    checks = collect([*import_modules(spec.check_modules), *ctx.extra_check_modules])
    for tier in dict.fromkeys(item.tier for item in checks):
        results = [judge_one(item, ctx) for item in checks if item.tier is tier]
        ctx.results += results
        passed = sum(r.status == "passed" for r in results)
        ctx.on_progress(
            f"{tier.value} tier: {passed}/{len(results)} tests passed, "
            f"{sum(r.score for r in results):g}/{sum(r.max_score for r in results):g} points"
        )


def judge_one(item: Check, ctx: Context) -> TestResult:
    where = explained_in(ctx.spec.id, item.concepts)
    try:
        item.func(ctx.artifacts)
    except CheckFailed as failed:
        message = f"{item.description}\n{failed}" + (f"\nLearn: {where}" if where else "")
        return TestResult(item.id, item.tier, item.concepts, 0.0, item.points, "failed", message, item.description)
    except Exception as exc:  # a check must never take the whole report down
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        message = (
            f"{item.description}\nThe check could not read your results ({detail}). "
            "This is usually a table or column that is missing or has an unexpected type."
        )
        return TestResult(item.id, item.tier, item.concepts, 0.0, item.points, "error", message, item.description)
    return TestResult(
        item.id, item.tier, item.concepts, item.points, item.points, "passed", item.description, item.description
    )
