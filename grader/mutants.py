"""`make mutants`: the grader's own mutation score.

Each lab may keep a ``mutants.yml`` beside its SPEC: small plausible bugs (a comparison flipped, a
boundary moved, a dependency edge removed, a YAML test deleted, a trigger rule changed), each an
edit of one file of ``solutions/<lab>``. They are graded as one cohort, beside the untouched
solution, and a mutant is *killed* when it scores less than the solution. A mutant that keeps full
marks is a *survivor*: either it is equivalent to the solution (its entry says why under
``equivalent:``) or a check is missing. The goal is that at least 90% are killed.

    python -m grader.mutants [--lab 01]... [--only ID]... [--jobs 2] [--isolation local] [--report DIR]

Exit 0 when every lab reaches the goal, 1 when one does not, 2 when the solution itself no longer
gets full marks (the mutants would say nothing).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.cohort import grade_cohort
from grader.course import course_root
from grader.labs import graded_lab_ids, grader_folder, resolve_lab_id

GOAL = 0.9
CONTROL = "_solution"  # the untouched solution, graded in the same batch
IGNORE = shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb", ".airflow", ".warehouse", "__pycache__")


@dataclass(frozen=True)
class Mutant:
    id: str
    kind: str
    file: str
    find: str
    replace: str
    expect: str = ""
    equivalent: str = ""  # why it cannot change any result, for a known survivor


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    score: float
    status: str
    failed: tuple[str, ...]

    def killed(self, full: float) -> bool:
        return self.status != "graded" or self.score < full


def mutants_file(lab_id: str) -> Path | None:
    folder = grader_folder(lab_id)
    path = folder / "mutants.yml" if folder else None
    return path if path and path.exists() else None


def load_mutants(lab_id: str) -> list[Mutant]:
    path = mutants_file(lab_id)
    if path is None:
        return []
    entries = yaml.safe_load(path.read_text())["mutants"]
    mutants = [Mutant(**entry) for entry in entries]
    ids = [m.id for m in mutants]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path}: two mutants share the id(s) {duplicates}")
    return mutants


def apply(mutant: Mutant, solution: Path, workspace: Path, lab_id: str) -> None:
    """A copy of the solution with the one edit, as a workspace shaped like labs/."""
    target = workspace / lab_id
    shutil.copytree(solution, target, ignore=IGNORE)
    path = target / mutant.file
    text = path.read_text()
    if text.count(mutant.find) != 1:
        raise ValueError(f"mutant {mutant.id}: its find is not in {mutant.file} exactly once (the solution moved on)")
    path.write_text(text.replace(mutant.find, mutant.replace))


def run_lab(lab_id: str, mutants: list[Mutant], *, jobs: int, isolation: str, report_dir: Path) -> list[Outcome]:
    solution = course_root() / "solutions" / lab_id
    with tempfile.TemporaryDirectory(prefix=f"mutants-{lab_id[:2]}-") as scratch:
        cohort = Path(scratch)
        shutil.copytree(solution, cohort / CONTROL / lab_id, ignore=IGNORE)
        for mutant in mutants:
            apply(mutant, solution, cohort / mutant.id, lab_id)
        print(
            f"{lab_id}: grading the solution and {len(mutants)} mutants ({isolation}, --jobs {jobs})", file=sys.stderr
        )
        grade_cohort(cohort, [lab_id], isolation=isolation, jobs=jobs, report_dir=report_dir, tests=None)
    control = _report(report_dir, CONTROL, lab_id)
    if control["status"] != "graded" or control["score"] != control["max_score"]:
        raise SystemExit(f"the solution of {lab_id} scores {control['score']}/{control['max_score']}: fix that first")
    outcomes = []
    for mutant in mutants:
        report = _report(report_dir, mutant.id, lab_id)
        failed = tuple(t["id"] for t in report.get("tests", []) if t["status"] != "passed")
        outcomes.append(Outcome(mutant, report.get("score", 0.0), report["status"], failed))
    return outcomes


def _report(report_dir: Path, learner: str, lab_id: str) -> dict:
    return json.loads((report_dir / learner / lab_id / "report.json").read_text())


def summary(lab_id: str, outcomes: list[Outcome], full: float) -> tuple[str, float]:
    killed = [o for o in outcomes if o.killed(full)]
    survivors = [o for o in outcomes if not o.killed(full)]
    unexplained = [o for o in survivors if not o.mutant.equivalent]
    share = len(killed) / len(outcomes) if outcomes else 1.0
    lines = [f"\n{lab_id}: {len(killed)} of {len(outcomes)} mutants lost points ({share:.0%}; goal {GOAL:.0%})"]
    for o in outcomes:
        mark = "killed  " if o.killed(full) else "SURVIVED"
        lost = f"{o.score:g}/{full:g}" if o.status == "graded" else o.status
        lines.append(f"  {mark} {o.mutant.id:<48} {o.mutant.kind:<18} {lost:<14} {', '.join(o.failed)[:90]}")
    by_kind: dict[str, list[bool]] = {}
    for o in outcomes:
        by_kind.setdefault(o.mutant.kind, []).append(o.killed(full))
    lines.append("  by kind: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_kind.items())))
    for o in survivors:
        why = (
            f"equivalent: {o.mutant.equivalent}" if o.mutant.equivalent else f"no check catches it ({o.mutant.expect})"
        )
        lines.append(f"  survivor {o.mutant.id}: {why}")
    if unexplained:
        lines.append(f"  {len(unexplained)} survivor(s) need a check or an `equivalent:` reason")
    return "\n".join(lines), share


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.mutants", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lab", action="append", help="01 or 01_dbt_models (repeatable; default every lab with mutants)"
    )
    parser.add_argument("--only", action="append", help="grade only these mutant ids (repeatable)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--isolation", choices=["local", "container"], default="local")
    parser.add_argument("--report", type=Path, default=Path("grader-reports") / "mutants")
    args = parser.parse_args(argv)
    labs = [resolve_lab_id(name) for name in args.lab] if args.lab else graded_lab_ids()
    results = {}
    reached = True
    for lab_id in labs:
        mutants = [m for m in load_mutants(lab_id) if not args.only or m.id in args.only]
        if not mutants:
            continue
        outcomes = run_lab(lab_id, mutants, jobs=args.jobs, isolation=args.isolation, report_dir=args.report / lab_id)
        full = _report(args.report / lab_id, CONTROL, lab_id)["max_score"]
        text, share = summary(lab_id, outcomes, full)
        print(text)
        reached &= share >= GOAL
        results[lab_id] = {
            "share_killed": round(share, 3),
            "mutants": [
                {
                    "id": o.mutant.id,
                    "kind": o.mutant.kind,
                    "killed": o.killed(full),
                    "score": o.score,
                    "failed": o.failed,
                }
                for o in outcomes
            ],
        }
    args.report.mkdir(parents=True, exist_ok=True)
    (args.report / "mutants.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())
