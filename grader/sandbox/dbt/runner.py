"""dbt invoked in-process (dbtRunner): dbt is imported once per job, not once per command."""

from __future__ import annotations

import datetime as dt
import decimal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner


@dataclass
class Invocation:
    success: bool
    result: Any
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "does not match any enabled nodes", say


class Dbt:
    """Runs dbt commands against one project with the grader's profiles and output folders."""

    def __init__(self, project_dir: Path, profiles_dir: Path, target_dir: Path, log_dir: Path) -> None:
        self.project_dir = project_dir
        self.common = [
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(profiles_dir),
            "--target-path",
            str(target_dir),
            "--log-path",
            str(log_dir),
            "--log-level-file",
            "none",
            "--quiet",
            "--no-use-colors",
        ]
        self.manifest: Any = None
        # deps takes no output-path options
        self.deps_common = [
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(profiles_dir),
            "--quiet",
            "--no-use-colors",
        ]

    def invoke(self, args: list[str], *, reuse_manifest: bool = False, common: list[str] | None = None) -> Invocation:
        errors: list[str] = []
        warned: list[str] = []

        def collect(event: Any) -> None:
            if event.info.level == "error" and event.info.msg:
                errors.append(str(event.info.msg))
            elif event.info.level == "warn" and event.info.msg:
                warned.append(str(event.info.msg))

        # Reusing the parsed manifest skips a parse per command. A manifest keeps state from
        # the commands that compiled with it (ephemeral CTEs), so commands that must compile
        # models afresh (the incremental rerun) parse again, which partial parsing makes quick.
        runner = dbtRunner(manifest=self.manifest if reuse_manifest else None, callbacks=[collect])
        try:
            res = runner.invoke([*args, *(self.common if common is None else common)])
        except BaseException as exc:  # dbt or the learner's Python model may raise anything, even SystemExit
            return Invocation(False, None, [*errors, f"{type(exc).__name__}: {exc}"], warned)
        if res.exception is not None and not any(str(res.exception).strip() in e for e in errors):
            errors.append(str(res.exception))
        return Invocation(bool(res.success), res.result, errors, warned)

    def parse(self) -> Invocation:
        inv = self.invoke(["parse"])
        if inv.success:
            self.manifest = inv.result
        return inv

    def show(self, args: list[str], limit: int = 500) -> dict[str, Any]:
        self._forget_inline_nodes()
        # --no-write-json: a probe's manifest and run results are never read, and writing them
        # took half of each probe's time
        inv = self.invoke(
            ["show", *args, "--limit", str(limit), "--output", "json", "--no-write-json"], reuse_manifest=True
        )
        if not inv.success or inv.result is None or not inv.result.results:
            return {"ok": False, "error": first_error(inv)}
        node = inv.result.results[0]
        table = getattr(node, "agate_table", None)
        if table is None:
            return {"ok": False, "error": node.message or "dbt show returned no rows"}
        return {
            "ok": True,
            "columns": list(table.column_names),
            "rows": [[plain(v) for v in row] for row in table.rows],
        }

    def _forget_inline_nodes(self) -> None:
        """Take out what an earlier ``show --inline`` left in the shared manifest.

        dbt removes its inline node after a run, but not when the SQL failed to compile (a macro
        the learner renamed, say): the next inline probe then failed with "dbt found two
        sql_operations with the name inline_query", and one broken macro cost the points of every
        macro probed after it.
        """
        if self.manifest is None:
            return
        for unique_id in [
            u for u in self.manifest.nodes if u.startswith("sql_operation.") and u.endswith(".inline_query")
        ]:
            del self.manifest.nodes[unique_id]


def first_error(inv: Invocation) -> str:
    if inv.errors:
        return "\n".join(dict.fromkeys(without_traceback(e) for e in inv.errors))[:4000]
    results = getattr(inv.result, "results", None) or []
    messages = [without_traceback(r.message) for r in results if getattr(r, "message", None)]
    # no error at all: dbt's warnings say why (a --select that matches no node: a missing model)
    return "\n".join(messages or inv.warnings)[:4000] or "dbt failed without an error message"


TRACEBACK = "Traceback (most recent call last):"


def without_traceback(text: str) -> str:
    """dbt's sentence without the Python traceback under it: the traceback's last line says what broke."""
    if TRACEBACK not in text:
        return text
    head, _, tail = text.partition(TRACEBACK)
    last = [line.strip() for line in tail.splitlines() if line.strip()][-1:]
    return "\n".join([head.rstrip(), *last]).strip()


def plain(value: Any) -> Any:
    """JSON-safe values: decimals as floats, times as ISO text."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def skip_stack_walks() -> None:
    """Name a behaviour flag's source without walking the whole call stack.

    dbt_common calls ``inspect.stack()`` for every behaviour flag of every adapter it registers,
    once per command: reading the source line of each of about 60 frames took a fifth of a quick
    command such as ``dbt show``. The name it looks for is the first calling module's: the frames'
    globals say it without reading any file.
    """
    from dbt_common import behavior_flags

    def first_caller_module() -> str:
        frame: Any = sys._getframe(1)
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if name and name != behavior_flags.__name__:
                return name
            frame = frame.f_back
        return "Unknown"

    behavior_flags.BehaviorFlagRendered._default_source = staticmethod(first_caller_module)  # type: ignore[method-assign]


def contain_python_models() -> None:
    """Make a Python model's SystemExit (``sys.exit()``) that model's own error.

    dbt-duckdb catches ``Exception`` around a Python model; a SystemExit escapes it, ends dbt's
    worker thread without a result, and ``dbt build`` then waits forever for that thread: one
    ``sys.exit()`` would cost the whole job's time and every later step.
    """
    from dbt.adapters.duckdb.impl import DuckDBAdapter
    from dbt_common.exceptions import DbtRuntimeError

    original = DuckDBAdapter.submit_python_job
    if getattr(original, "contained", False):
        return

    def submit(self: Any, parsed_model: dict, compiled_code: str) -> Any:
        try:
            return original(self, parsed_model, compiled_code)
        except (SystemExit, KeyboardInterrupt, GeneratorExit) as exc:
            raise DbtRuntimeError(
                f"Python model failed: it raised {type(exc).__name__}({exc}), which would end dbt itself "
                "(sys.exit() in a model?). Return a DataFrame instead."
            ) from None

    submit.contained = True  # type: ignore[attr-defined]
    DuckDBAdapter.submit_python_job = submit  # type: ignore[method-assign]
