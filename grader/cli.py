"""The grader's command line (contract: see README, "How grading works").

grader check LAB [--workspace DIR] [--isolation local|container] [--report DIR]
grader grade SUBMISSIONS [--lab LAB]... [--isolation ...] [--jobs N] [--report DIR]
grader release [--check]
grader data generate OUT [--seed N] [--scale X]   /   grader data load OUT DATABASE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader import course

EXIT_ALL_PASSED, EXIT_SOME_FAILED, EXIT_NOT_GRADED = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_NOT_GRADED
    return int(args.func(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Grade the labs of the orchestration course.")
    sub = parser.add_subparsers()

    p = sub.add_parser("check", help="grade one lab (or all) of a workspace")
    p.add_argument("lab", help="01 or 01_dbt_models; 'all' for every lab")
    p.add_argument(
        "--workspace",
        type=Path,
        default=course.REPO_ROOT / "labs",
        help="a folder shaped like labs/ (default: this checkout's labs/)",
    )
    p.add_argument("--isolation", choices=["local", "container"], default="local")
    p.add_argument("--report", type=Path, default=Path("grader-reports"), help="where reports go")
    p.add_argument("--tests", type=Path, help="an instructor's private check pack (a folder of .py files)")
    p.add_argument("--keep-work", action="store_true", help="keep the job's folder (for debugging)")
    p.set_defaults(func=_check)

    g = sub.add_parser("grade", help="grade every submission of a cohort")
    g.add_argument("submissions", type=Path, help="a folder holding one folder per learner")
    g.add_argument("--lab", action="append", default=None, help="lab to grade (repeatable; default all)")
    g.add_argument("--isolation", choices=["local", "container"], default="container")
    g.add_argument("--jobs", type=int, default=1)
    g.add_argument("--report", type=Path, default=Path("grader-reports"))
    g.add_argument("--tests", type=Path)
    g.set_defaults(func=_grade)

    r = sub.add_parser("release", help="write labs/ from solutions/")
    r.add_argument("--check", action="store_true", help="only report differences; exit 1 if any")
    r.set_defaults(func=_release)

    i = sub.add_parser("images", help="build the container images (offline too) or clean up containers")
    isub = i.add_subparsers()
    build = isub.add_parser("build", help="build the runtime, PostgreSQL and Redis images if missing or stale")
    build.set_defaults(func=_images_build)
    clean = isub.add_parser("clean", help="remove every container the grader left behind")
    clean.set_defaults(func=_images_clean)

    d = sub.add_parser("data", help="generate or load Fernhill Market's raw data")
    dsub = d.add_subparsers()
    gen = dsub.add_parser("generate", help="write the raw CSV/JSON files")
    gen.add_argument("out", type=Path)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.set_defaults(func=_data_generate)
    load = dsub.add_parser("load", help="load raw files into a DuckDB warehouse (the EL step)")
    load.add_argument("folder", type=Path, help="a folder written by `grader data generate` (its raw/ part)")
    load.add_argument("database", type=Path)
    load.add_argument("--append", action="store_true")
    load.set_defaults(func=_data_load)
    return parser


def _check(args: argparse.Namespace) -> int:
    from grader.grading import grade_workspace

    reports = grade_workspace(
        args.workspace,
        args.lab,
        isolation=args.isolation,
        report_dir=args.report,
        tests=args.tests,
        keep_work=args.keep_work,
    )
    if reports is None:
        return EXIT_NOT_GRADED
    if any(r.status.value != "graded" for r in reports):
        return EXIT_NOT_GRADED
    return EXIT_ALL_PASSED if all(r.score == r.max_score for r in reports) else EXIT_SOME_FAILED


def _grade(args: argparse.Namespace) -> int:
    from grader.cohort import grade_cohort

    return grade_cohort(
        args.submissions,
        args.lab or ["all"],
        isolation=args.isolation,
        jobs=args.jobs,
        report_dir=args.report,
        tests=args.tests,
    )


def _release(args: argparse.Namespace) -> int:
    from grader.release.release import diff_release, release_all

    if args.check:
        problems = diff_release(course.REPO_ROOT)
        for line in problems:
            print(line)
        print("labs/ matches a fresh release of solutions/" if not problems else f"{len(problems)} difference(s)")
        return 1 if problems else 0
    written = release_all(course.REPO_ROOT)
    print(f"released {len(written)} files into labs/")
    return 0


def _images_build(args: argparse.Namespace) -> int:
    from grader.config import settings
    from grader.images.build import ImageBuildError, build_all

    try:
        build_all(settings(), log=lambda line: print(line, file=sys.stderr, flush=True))
    except ImageBuildError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return EXIT_NOT_GRADED
    return 0


def _images_clean(args: argparse.Namespace) -> int:
    from grader.runners.container import remove_leftovers

    print(f"removed {remove_leftovers()} grader container(s)")
    return 0


def _data_generate(args: argparse.Namespace) -> int:
    from grader.datagen import generate

    out = generate(seed=args.seed, scale=args.scale).write(args.out)
    print(f"wrote Fernhill Market data (seed {args.seed}, scale {args.scale}) to {out}")
    return 0


def _data_load(args: argparse.Namespace) -> int:
    from grader.datagen.load import load_duckdb

    loaded = load_duckdb(args.database, args.folder, append=args.append)
    for table, rows in loaded.items():
        print(f"raw.{table}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
