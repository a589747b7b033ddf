"""A learner's ``airflow backfill create`` command, read the way Airflow reads it.

The command is parsed by Airflow's own CLI parser, so ``--dag-id x``, ``--dag-id=x``, a line
continued with ``\\``, a comment or a date with a time all mean what they mean to ``airflow``.
What it asks for becomes the body of ``POST /api/v2/backfills``: the deployment's REST API runs
the same ``_create_backfill`` the CLI calls, and with the same default of 10 runs at once when
``--max-active-runs`` is left out.
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex
from pathlib import Path
from typing import Any


def command_lines(text: str) -> list[str]:
    """The shell lines of a script that run ``airflow``, continuations joined, comments dropped."""
    joined = text.replace("\\\r\n", " ").replace("\\\n", " ")
    lines = []
    for line in joined.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # an unclosed quote: shown as it is, the parser will say what is wrong
            words = line.split()
        if words and Path(words[0]).name == "airflow":
            lines.append(line.strip())
    return lines


def parse(line: str) -> tuple[dict[str, Any] | None, str | None]:
    """The arguments of one ``airflow backfill create`` line, or what Airflow says is wrong with it."""
    from airflow.cli.cli_parser import get_parser

    words = shlex.split(line, comments=True)[1:]
    if words[:2] == ["dags", "backfill"]:
        return None, "`airflow dags backfill` is Airflow 2's command; Airflow 3 has `airflow backfill create`"
    if words[:2] != ["backfill", "create"]:
        return None, f"`{line}` is not an `airflow backfill create` command"
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
            args = get_parser().parse_args(words)
    except SystemExit:  # argparse's way of refusing: the usage and the error are in what it said
        return None, "airflow refuses the command: " + said.getvalue().strip().splitlines()[-1][:300]
    keep = ("dag_id", "from_date", "to_date", "max_active_runs", "reprocess_behavior", "run_backwards", "dry_run")
    found: dict[str, Any] = {k: getattr(args, k, None) for k in keep}
    try:
        found["dag_run_conf"] = json.loads(args.dag_run_conf) if args.dag_run_conf else None
    except json.JSONDecodeError as exc:
        return None, f"--dag-run-conf is not JSON: {exc}"
    for k in ("from_date", "to_date"):
        found[k] = found[k].isoformat()
    return found, None


def read_backfill(path: Path) -> dict[str, Any]:
    """The file's backfill command: ``{"command", "args", "problems"}``; ``args`` is None when it cannot run."""
    if not path.is_file():
        return {"command": None, "args": None, "problems": [f"there is no {path.name}"]}
    lines = command_lines(path.read_text(errors="replace"))
    if len(lines) != 1:
        what = "no `airflow` command" if not lines else f"{len(lines)} `airflow` commands"
        return {"command": None, "args": None, "problems": [f"{path.name} holds {what}, not one backfill command"]}
    args, problem = parse(lines[0])
    if args is not None and args["dry_run"]:
        args, problem = None, "`--dry-run` only prints the runs a backfill would make: it makes none"
    return {"command": lines[0], "args": args, "problems": [problem] if problem else []}


def post_body(args: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/v2/backfills`` for the parsed command; what the command left out keeps the API's default,
    which is the CLI's (``Backfill.max_active_runs`` defaults to 10 in both)."""
    body = {k: args[k] for k in ("dag_id", "from_date", "to_date")}
    body["run_backwards"] = bool(args.get("run_backwards"))
    if args.get("max_active_runs") is not None:
        body["max_active_runs"] = args["max_active_runs"]
    if args.get("reprocess_behavior"):
        body["reprocess_behavior"] = args["reprocess_behavior"]
    if args.get("dag_run_conf"):
        body["dag_run_conf"] = args["dag_run_conf"]
    return body
