"""Strip solution regions from project files (SQL, Jinja, YAML, Python), leaving a TODO stub.

A region starts with a comment line ``BEGIN SOLUTION`` and ends with ``END SOLUTION``, in the
comment style of the file: ``-- BEGIN SOLUTION: hint`` (SQL), ``{#- BEGIN SOLUTION: hint -#}``
(Jinja), ``# BEGIN SOLUTION: hint`` (YAML, Python). The hint after the colon becomes the stub the
learner sees. Python stubs also raise NotImplementedError so the file still imports.
"""

from __future__ import annotations

import re
from pathlib import Path

STRIPPED_SUFFIXES = {".sql", ".yml", ".yaml", ".py", ".toml", ".cfg", ".sh", ".txt"}

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)(?P<open>--|#|\{#-?)\s*BEGIN SOLUTION(?::\s*(?P<hint>.*?))?\s*(?:-?#\})?\s*$")
_END = re.compile(r"^[ \t]*(?:--|#|\{#-?)\s*END SOLUTION\s*(?:-?#\})?\s*$")


class MarkerError(ValueError):
    """A solution region is not closed, or nested: the file would release wrong."""


def has_solution(text: str) -> bool:
    return any(_BEGIN.match(line) for line in text.splitlines())


def strip_solutions(text: str, *, python: bool = False, source: str = "<text>") -> str:
    """Return ``text`` with every solution region replaced by its TODO stub."""
    out: list[str] = []
    region_start: int | None = None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        begin = _BEGIN.match(line.rstrip("\n"))
        if begin:
            if region_start is not None:
                raise MarkerError(f"{source}:{number}: BEGIN SOLUTION inside the region opened at line {region_start}")
            region_start = number
            out.extend(_stub(begin, python=python))
            continue
        if _END.match(line.rstrip("\n")):
            if region_start is None:
                raise MarkerError(f"{source}:{number}: END SOLUTION without BEGIN SOLUTION")
            region_start = None
            continue
        if region_start is None:
            out.append(line)
    if region_start is not None:
        raise MarkerError(f"{source}:{region_start}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "".join(out)


def _stub(begin: re.Match[str], *, python: bool) -> list[str]:
    indent, opener = begin["indent"], begin["open"]
    hint = begin["hint"] or "your code here"
    if opener.startswith("{#"):
        return [f"{indent}{{#- TODO: {hint} -#}}\n"]
    lines = [f"{indent}{opener} TODO: {hint}\n"]
    if python:
        lines.append(f"{indent}raise NotImplementedError({hint!r})\n")
    return lines


def strip_file(path: Path) -> str:
    text = path.read_text()
    return strip_solutions(text, python=path.suffix == ".py", source=str(path))
