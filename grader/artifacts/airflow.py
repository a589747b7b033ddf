"""Artifacts of an Airflow job: the DAGs described, the functions called, the runs made."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from grader.artifacts.base import JobArtifacts
from grader.checks import MissingArtifact


class AirflowArtifacts(JobArtifacts):
    def _load(self, name: str, what: str) -> Any:
        path = self.out_dir / name
        if not path.exists():
            raise MissingArtifact(what, "nothing: the job stopped before it (see the problems above)")
        return json.loads(path.read_text())

    @cached_property
    def parsed(self) -> dict[str, Any]:
        return self._load("dags.json", "the DAG files to be parsed")

    @cached_property
    def ruff_air(self) -> list[dict[str, Any]]:
        return self._load("ruff_air.json", "ruff's findings on dags/")

    @cached_property
    def learner_tests(self) -> dict[str, Any]:
        return self._load("learner_tests.json", "your tests/ to be run")

    @cached_property
    def pods(self) -> dict[str, Any]:
        found = self._load("pods.json", "the KubernetesExecutor's pods to be rendered")
        if "error" in found:
            raise MissingArtifact("the pods of your DAG's tasks", found["error"])
        return found["pods"]

    @cached_property
    def backfill(self) -> dict[str, Any]:
        return self._load("backfill.json", "your backfill command to be run")

    @cached_property
    def cluster(self) -> dict[str, Any]:
        """Lab 05's runs on the Celery deployment (celery_cluster): pools read, phases, tries."""
        return self._load("cluster.json", "the DAGs to be run on the Celery deployment")

    def cluster_phase(self, phase_id: str) -> dict[str, Any]:
        found = self.cluster
        if found.get("skipped") or found.get("error") or found.get("missing_dags"):
            why = found.get("skipped") or found.get("error") or f"DAGs never parsed: {found.get('missing_dags')}"
            raise MissingArtifact(f"the Celery deployment's {phase_id} runs", why)
        phase = found.get("phases", {}).get(phase_id)
        if phase is None:
            raise MissingArtifact(f"the Celery deployment's {phase_id} runs", "they never ran")
        return phase

    def dag(self, dag_id: str) -> dict[str, Any]:
        found = self.parsed["dags"].get(dag_id)
        if found is None:
            errors = "; ".join(f"{k}: {v}" for k, v in self.parsed["import_errors"].items())
            raise MissingArtifact(
                f"a DAG with dag_id {dag_id!r}",
                f"DAGs found: {sorted(self.parsed['dags']) or 'none'}"
                + (f"; import errors: {errors[:600]}" if errors else ""),
            )
        return found

    def tasks(self, dag_id: str) -> dict[str, dict[str, Any]]:
        return {t["task_id"]: t for t in self.dag(dag_id)["tasks"]}

    def call(self, call_id: str) -> dict[str, Any]:
        found = self._load("unit.json", "your functions to be called").get(call_id)
        if found is None:
            raise MissingArtifact(f"the call {call_id}", "it never ran")
        return found

    def run(self, run_id: str) -> dict[str, Any]:
        found = self._load("runs.json", "the DAG runs").get(run_id)
        if found is None:
            raise MissingArtifact(f"the run {run_id}", "it never ran (an earlier step stopped the job)")
        if "error" in found:
            raise MissingArtifact(f"the run {run_id} to start", found["error"])
        return found

    def _cluster_tasks(self) -> list[tuple[str, dict[str, Any]]]:
        """The task states of each run on the Celery deployment (cluster.json), phase by phase."""
        try:
            phases = self.cluster.get("phases", {})
        except MissingArtifact:
            return []
        found = []
        for phase in phases.values():
            found += [(dag_id, run.get("tasks", {})) for dag_id, run in phase.get("runs", {}).items()]
            backfill = phase.get("backfill") or {}
            dag_id = (backfill.get("created") or {}).get("dag_id")
            found += [(dag_id, run.get("tasks", {})) for run in backfill.get("runs", []) if dag_id]
        return found

    def work_graph(self) -> dict[str, Any] | None:
        """Every DAG the learner wrote, its tasks in the states of the grader's first run of that DAG.

        That is its first dag.test() run, else its first on the Celery deployment (triggered or backfilled).
        """
        dags = self.parsed.get("dags", {})
        try:
            made = self._load("runs.json", "the DAG runs")
        except MissingArtifact:
            made = {}
        first: dict[str, dict[str, Any]] = {}
        for run in self.options.get("runs", []):
            if run["dag_id"] not in first and "tasks" in made.get(run["id"], {}):
                first[run["dag_id"]] = made[run["id"]]["tasks"]
        for dag_id, tasks in self._cluster_tasks():
            first.setdefault(dag_id, tasks)
        shown = {"success": "ok", "failed": "failed", "upstream_failed": "failed", "skipped": "skipped"}
        nodes, edges = [], []
        for dag_id, dag in sorted(dags.items()):
            states = first.get(dag_id, {})
            for task in dag["tasks"]:
                node = f"{dag_id}.{task['task_id']}"
                state = states.get(task["task_id"], {}).get("state")
                nodes.append(
                    {"id": node, "label": task["task_id"], "group": dag_id, "state": shown.get(state, "not_run")}
                )
                edges += [[f"{dag_id}.{up}", node] for up in task["upstream"]]
        return {"kind": "DAGs", "nodes": nodes, "edges": edges} if nodes else None
