"""Artifacts of a dbt job: manifest, run results, probes and read-only copies of the warehouse."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import duckdb

from grader.artifacts.base import JobArtifacts
from grader.checks import MissingArtifact


class DbtArtifacts(JobArtifacts):
    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.out_dir / "manifest.json"
        if not path.exists():
            raise MissingArtifact("dbt to parse the project", "no manifest.json (parsing failed or never ran)")
        return json.loads(path.read_text())

    @cached_property
    def project_name(self) -> str:
        return str(self.manifest["metadata"].get("project_name") or "")

    def nodes(self, resource_type: str) -> list[dict[str, Any]]:
        """Nodes of one type that belong to the learner's project (not packages)."""
        pool = self.manifest["sources"] if resource_type == "source" else self.manifest["nodes"]
        if resource_type == "unit_test":
            pool = self.manifest.get("unit_tests", {})
        return [
            n for n in pool.values() if n["resource_type"] == resource_type and n["package_name"] == self.project_name
        ]

    def find(self, resource_type: str, name: str) -> dict[str, Any] | None:
        return next((n for n in self.nodes(resource_type) if n["name"] == name), None)

    def model(self, name: str) -> dict[str, Any]:
        node = self.find("model", name)
        if node is None:
            raise MissingArtifact(f"a model named {name}", "no such model in the project")
        return node

    def run_results(self, phase: str = "build") -> dict[str, Any]:
        path = self.out_dir / f"run_results_{phase}.json"
        if not path.exists():
            raise MissingArtifact(
                f"results of the {phase} step", "none (the step did not finish; see the problems above)"
            )
        return json.loads(path.read_text())

    def result(self, unique_id: str, phase: str = "build") -> dict[str, Any] | None:
        """A node's run result; unit tests ran in their own step, so "build" looks there too."""
        phases = [phase, "unit"] if phase == "build" else [phase]
        for name in phases:
            if (self.out_dir / f"run_results_{name}.json").exists() or name == phase:
                found = next((r for r in self.run_results(name)["results"] if r["unique_id"] == unique_id), None)
                if found:
                    return found
        return None

    def status(self, unique_id: str, phase: str = "build") -> str:
        found = self.result(unique_id, phase)
        return found["status"] if found else "not run"

    def tests_on(self, model_name: str) -> list[dict[str, Any]]:
        """Data tests attached to a model (generic ones carry the column they test)."""
        model_id = f"model.{self.project_name}.{model_name}"
        return [t for t in self.nodes("test") if t.get("attached_node") == model_id]

    def overridden_builtin_tests(self) -> list[str]:
        """Macros of the project that replace dbt's own generic tests (a test that cannot fail)."""
        builtin = ("unique", "not_null", "accepted_values", "relationships")
        names = {f"{prefix}test_{name}" for name in builtin for prefix in ("", "default__", "duckdb__", "postgres__")}
        return sorted(
            m["name"]
            for m in self.manifest["macros"].values()
            if m["package_name"] == self.project_name and m["name"] in names
        )

    def query(self, sql: str, phase: str = "build") -> list[tuple]:
        """Run SQL on a copy of the warehouse, read-only and with file access off.

        The database came out of the sandbox: a view in it could try to read host files when
        queried, which ``enable_external_access = false`` refuses.
        """
        try:
            return self._connection(phase).execute(sql).fetchall()
        except duckdb.Error as exc:
            raise MissingArtifact(f"this query to run on your warehouse: {sql}", str(exc).splitlines()[0]) from exc

    def table(self, name: str, phase: str = "build") -> tuple[list[str], list[tuple]]:
        """Column names and rows of one relation of the DuckDB warehouse."""
        try:
            cur = self._connection(phase).execute(f'select * from "{name}"')
            return [d[0] for d in cur.description], cur.fetchall()
        except duckdb.Error as exc:
            raise MissingArtifact(f"a relation {name} in your DuckDB warehouse", str(exc).splitlines()[0]) from exc

    def _connection(self, phase: str) -> duckdb.DuckDBPyConnection:
        """One read-only connection per warehouse copy, opened on first use: a lab's checks query
        the same copies many times (lab 03 reads four snapshots after each of six days)."""
        cache: dict[str, duckdb.DuckDBPyConnection] = self.__dict__.setdefault("_connections", {})
        if phase not in cache:
            path = self.out_dir / f"warehouse_{phase}.duckdb"
            if not path.exists():
                raise MissingArtifact(f"the warehouse after the {phase} step", "no warehouse (the step never finished)")
            cache[phase] = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
        return cache[phase]

    @cached_property
    def postgres(self) -> dict[str, Any]:
        """What the PostgreSQL build of the same project left (grader.sandbox.dbt.postgres_target)."""
        path = self.out_dir / "postgres.json"
        if not path.exists():
            raise MissingArtifact("the PostgreSQL build's record", "none: the job stopped before that step")
        return json.loads(path.read_text())

    def query_by_key(self, sql: str, phase: str = "build") -> dict[Any, Any]:
        """Rows keyed by their first column; a key seen twice fails the check (grain broken)."""
        rows = self.query(sql, phase)
        keyed: dict[Any, Any] = {}
        for row in rows:
            keyed[row[0]] = row[1] if len(row) == 2 else row[1:]
        if len(keyed) != len(rows):
            table = sql.split(" from ")[-1].split()[0]
            raise MissingArtifact(
                f"one row per key in {table}", f"{len(rows) - len(keyed)} duplicated rows (the grain is broken)"
            )
        return keyed

    def relation_types(self, phase: str = "build") -> dict[str, str]:
        rows = self.query(
            "select table_name, table_type from information_schema.tables where table_schema = 'main'", phase
        )
        return {name: kind for name, kind in rows}

    def work_graph(self) -> dict[str, Any] | None:
        """The project's lineage (sources, seeds, models, snapshots), each node in its build state."""
        kinds = ("source", "seed", "model", "snapshot")
        nodes = [n for kind in kinds for n in self.nodes(kind)]
        ids = {n["unique_id"] for n in nodes}
        states = {r["unique_id"]: r["status"] for r in self._results_or_empty()}
        tested_bad = {
            t.get("attached_node") for t in self.nodes("test") if states.get(t["unique_id"]) in ("fail", "error")
        }

        def state(node: dict[str, Any]) -> str:
            if node["resource_type"] == "source":
                return "ok"
            status = states.get(node["unique_id"])
            if status == "error" or node["unique_id"] in tested_bad:
                return "failed"
            return {"success": "ok", "skipped": "skipped", None: "not_run"}.get(status, "ok")

        return {
            "kind": "lineage",
            "nodes": [
                {
                    "id": n["unique_id"],
                    "label": f"{n['source_name']}.{n['name']}" if n["resource_type"] == "source" else n["name"],
                    "group": n["resource_type"],
                    "state": state(n),
                }
                for n in nodes
            ],
            "edges": [
                [parent, n["unique_id"]]
                for n in nodes
                for parent in dict.fromkeys(n.get("depends_on", {}).get("nodes", []))
                if parent in ids
            ],
        }

    def _results_or_empty(self) -> list[dict[str, Any]]:
        try:
            return list(self.run_results("build")["results"])
        except MissingArtifact:
            return []
