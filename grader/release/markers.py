"""Strip solution regions from project files (SQL, Jinja, YAML, Python), leaving a TODO stub.

A region starts with a comment line ``BEGIN SOLUTION`` and ends with ``END SOLUTION``, in the
comment style of the file: ``-- BEGIN SOLUTION: hint`` (SQL), ``{#- BEGIN SOLUTION: hint -#}``
(Jinja), ``# BEGIN SOLUTION: hint`` (YAML, Python). The hint after the colon becomes the stub the
learner sees. Python stubs also raise NotImplementedError so the file still imports.

A region may carry the starter's own text instead of a stub: after a ``# STARTER`` line, the
commented-out lines are what the learner gets (uncommented), e.g. the Airflow 2 code the learner
migrates. In the solution they stay comments.
"""

from __future__ import annotations

import re
from pathlib import Path

STRIPPED_SUFFIXES = {".sql", ".yml", ".yaml", ".py", ".toml", ".cfg", ".sh", ".txt"}

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)(?P<open>--|#|\{#-?)\s*BEGIN SOLUTION(?::\s*(?P<hint>.*?))?\s*(?:-?#\})?\s*$")
_STARTER = re.compile(r"^[ \t]*(?:--|#)\s*STARTER\s*$")
_END = re.compile(r"^[ \t]*(?:--|#|\{#-?)\s*END SOLUTION\s*(?:-?#\})?\s*$")


class MarkerError(ValueError):
    """A solution region is not closed, or nested: the file would release wrong."""


def has_solution(text: str) -> bool:
    return any(_BEGIN.match(line) for line in text.splitlines())


def strip_solutions(text: str, *, python: bool = False, source: str = "<text>") -> str:
    """Return ``text`` with every solution region replaced by its TODO stub."""
    out: list[str] = []
    region_start: int | None = None
    opened: re.Match[str] | None = None
    region: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        begin = _BEGIN.match(line.rstrip("\n"))
        if begin:
            if region_start is not None:
                raise MarkerError(f"{source}:{number}: BEGIN SOLUTION inside the region opened at line {region_start}")
            region_start, opened, region = number, begin, []
            continue
        if _END.match(line.rstrip("\n")):
            if region_start is None:
                raise MarkerError(f"{source}:{number}: END SOLUTION without BEGIN SOLUTION")
            assert opened is not None  # set with region_start
            out.extend(_stub(opened, python=python, region=region, before=out))
            region_start = None
            continue
        if region_start is None:
            out.append(line)
        else:
            region.append(line)
    if region_start is not None:
        raise MarkerError(f"{source}:{region_start}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "".join(out)


def _stub(begin: re.Match[str], *, python: bool, region: list[str], before: list[str]) -> list[str]:
    indent, opener = begin["indent"], begin["open"]
    hint = begin["hint"] or "your code here"
    starter = next((i for i, line in enumerate(region) if _STARTER.match(line.rstrip("\n"))), None)
    if starter is not None:
        own_text = [_uncomment(line, indent, opener) for line in region[starter + 1 :]]
        return [f"{indent}{opener} TODO: {hint}\n", *own_text]
    if opener.startswith("{#"):
        return [f"{indent}{{#- TODO: {hint} -#}}\n"]
    lines = [f"{indent}{opener} TODO: {hint}\n"]
    if python:
        lines += _python_placeholder(indent, hint, region, before)
    return lines


def _python_placeholder(indent: str, hint: str, region: list[str], before: list[str]) -> list[str]:
    """What keeps the starter importable: nothing inside an argument list, `pass` in a class body or
    a @dag function's body (raising there would break the file at import, so the DAG file at parse
    time), else raise NotImplementedError."""
    code = [line.strip() for line in region if line.strip() and not line.strip().startswith("#")]
    if code and code[0].endswith(","):
        return []
    for number in range(len(before) - 1, -1, -1):
        line = before[number]
        if not line.strip() or len(line) - len(line.lstrip()) >= len(indent) or line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith(("(", "[", "{", ",")):  # inside a call or a literal, e.g. default_args={
            return []
        if line.lstrip().startswith("class ") or (
            line.lstrip().startswith("def ") and any(d.startswith("@dag") for d in _decorators(before, number))
        ):
            return [f"{indent}pass\n"]
        break
    return [f"{indent}raise NotImplementedError({hint!r})\n"]


def _decorators(lines: list[str], def_line: int) -> list[str]:
    """The decorators above line `def_line`, however many lines their arguments take."""
    indent = len(lines[def_line]) - len(lines[def_line].lstrip())
    found = []
    for line in reversed(lines[:def_line]):
        depth = len(line) - len(line.lstrip())
        if not line.strip() or depth > indent or line.lstrip().startswith(")"):
            continue
        if not line.lstrip().startswith("@"):
            break
        found.append(line.strip())
    return found


def strip_file(path: Path) -> str:
    text = path.read_text()
    return strip_solutions(text, python=path.suffix == ".py", source=str(path))


def _uncomment(line: str, indent: str, opener: str) -> str:
    """``<indent># code`` becomes ``<indent>code``; a bare ``#`` line becomes an empty line."""
    body = line[len(indent) :] if line.startswith(indent) else line.lstrip()
    if body.rstrip("\n") == opener:
        return "\n"
    if body.startswith(opener + " "):
        return indent + body[len(opener) + 1 :]
    raise MarkerError(f"a STARTER line must be a comment: {line!r}")
