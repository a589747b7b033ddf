"""What every lab's artifacts share: the job record, probe outputs and safe reads of files."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from grader.checks import MissingArtifact

MAX_READ_BYTES = 1024 * 1024  # submission files read on the host are capped: a 1 GB YAML is not read


class JobArtifacts:
    """Artifacts of one job. ``project`` is the staged copy of the learner's files (read as data)."""

    def __init__(self, out_dir: Path, lab_dir: Path, project: Path, options: dict[str, Any]) -> None:
        self.out_dir, self.lab_dir, self.project, self.options = out_dir, lab_dir, project, options

    @cached_property
    def job(self) -> dict[str, Any]:
        path = self.out_dir / "job.json"
        return json.loads(path.read_text()) if path.exists() else {"steps": [], "probes": {}}

    def work_graph(self) -> dict[str, Any] | None:
        """The learner's work as a graph for the feedback page (grader/reports/work_graph.py), if the lab has one."""
        return None

    def step(self, name: str) -> dict[str, Any]:
        for step in self.job.get("steps", []):
            if step["name"] == name:
                return step
        raise MissingArtifact(f"the step '{name}' to have run", "it never ran (an earlier step stopped the job)")

    def step_ok(self, name: str) -> bool:
        return any(s["name"] == name and s["status"] == "ok" for s in self.job.get("steps", []))

    def probe(self, probe_id: str) -> dict[str, Any]:
        found = self.job.get("probes", {}).get(probe_id)
        if found is None:
            raise MissingArtifact(f"the probe '{probe_id}' to run", "it never ran (the job stopped before it)")
        return found

    def read_text(self, relative: str, *, base: Path | None = None) -> str | None:
        """A submission file as text, or None when absent; never follows a link out of the lab."""
        root = (base or self.lab_dir).resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        with path.open("rb") as f:
            return f.read(MAX_READ_BYTES).decode("utf-8", "replace")

    def read_yaml(self, relative: str, *, base: Path | None = None) -> Any:
        text = self.read_text(relative, base=base)
        if text is None:
            return None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            where = Path(relative).name  # "line 4 of profiles.yml", not of "<unicode string>"
            raise MissingArtifact(
                f"{relative} to be valid YAML", f"a YAML error: {exc}".replace('"<unicode string>"', where)
            ) from exc
