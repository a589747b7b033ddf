"""Artifacts of lab 02's job: the dbt ones, plus the semantic manifest, its validation and the metric answers."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import MissingArtifact


class SemanticArtifacts(DbtArtifacts):
    @cached_property
    def semantic_manifest(self) -> dict[str, Any]:
        path = self.out_dir / "semantic_manifest.json"
        if not path.exists():
            raise MissingArtifact("dbt parse to write target/semantic_manifest.json", "no semantic manifest")
        return json.loads(path.read_text())

    def semantic_model(self, name: str) -> dict[str, Any]:
        found = next((m for m in self.semantic_manifest.get("semantic_models", []) if m["name"] == name), None)
        if found is None:
            names = sorted(m["name"] for m in self.semantic_manifest.get("semantic_models", []))
            raise MissingArtifact(f"a semantic model named {name}", f"semantic models {names or 'none'}")
        return found

    def metric(self, name: str) -> dict[str, Any]:
        found = next((m for m in self.semantic_manifest.get("metrics", []) if m["name"] == name), None)
        if found is None:
            names = sorted(m["name"] for m in self.semantic_manifest.get("metrics", []))
            raise MissingArtifact(f"a metric named {name}", f"metrics {names or 'none'}")
        return found

    @cached_property
    def validation(self) -> dict[str, list[str]]:
        """MetricFlow's issues by level (ERROR, FUTURE_ERROR, WARNING), as mf validate-configs finds them."""
        path = self.out_dir / "semantic_validation.json"
        if not path.exists():
            raise MissingArtifact("the semantic validations to run", "they never ran (an earlier step stopped the job)")
        return dict(json.loads(path.read_text()))

    @cached_property
    def answers(self) -> dict[str, dict[str, Any]]:
        path = self.out_dir / "metric_answers.json"
        if not path.exists():
            raise MissingArtifact("the metric queries to run", "they never ran (an earlier step stopped the job)")
        return dict(json.loads(path.read_text()))

    def answer(self, query_id: str) -> dict[str, Any]:
        """The answer to one request of queries.py; MetricFlow's refusal fails the check with its own words."""
        found = self.answers.get(query_id)
        if found is None:
            raise MissingArtifact(f"an answer to the request {query_id}", "the job did not send it")
        if "error" in found:
            raise MissingArtifact(
                f"MetricFlow to answer {_request_text(self._requests.get(query_id, {}))}", found["error"]
            )
        return found

    @property
    def _requests(self) -> dict[str, dict[str, Any]]:
        return dict(self.options.get("metric_queries", {}))

    def rows(self, query_id: str) -> list[dict[str, Any]]:
        found = self.answer(query_id)
        return [dict(zip(found["columns"], row, strict=True)) for row in found["rows"]]

    def work_graph(self) -> dict[str, Any] | None:
        """The semantic graph: each semantic model, an arrow for each join its
        foreign entities allow (to the model where that entity is primary, unique or natural); red where a
        graded query of one of its measures failed."""
        try:
            manifest = self.semantic_manifest
        except MissingArtifact:
            return super().work_graph()
        models = manifest.get("semantic_models", [])
        if not models:
            return super().work_graph()
        try:
            answers = self.answers
        except MissingArtifact:
            answers = {}
        owner = {measure["name"]: m["name"] for m in models for measure in m.get("measures", [])}
        metrics = {m["name"]: m for m in manifest.get("metrics", [])}
        failed = {
            owner[measure]
            for query_id, found in answers.items()
            if "error" in found
            for metric in self._requests.get(query_id, {}).get("metrics", [])
            for measure in _measures_of(metrics.get(metric, {}))
            if measure in owner
        }
        key = {e["name"]: m["name"] for m in models for e in m.get("entities", []) if e["type"] in KEYS}
        nodes = [
            {
                "id": m["name"],
                "label": m["name"],
                "group": "model",
                "state": "failed" if m["name"] in failed else "ok",
            }
            for m in models
        ]
        edges = [
            [m["name"], key[e["name"]]]
            for m in models
            for e in m.get("entities", [])
            if e["type"] == "foreign" and e["name"] in key and key[e["name"]] != m["name"]
        ]
        return {"kind": "semantic graph", "nodes": nodes, "edges": [list(e) for e in dict.fromkeys(map(tuple, edges))]}


KEYS = ("primary", "unique", "natural")  # entity types another model's foreign entity can join to


def _measures_of(metric: dict[str, Any]) -> list[str]:
    params = metric.get("type_params") or {}
    found = [(params.get("measure") or {}).get("name")]
    for side in ("numerator", "denominator"):
        found.append((params.get(side) or {}).get("name") if isinstance(params.get(side), dict) else None)
    conversion = params.get("conversion_type_params") or {}
    found += [(conversion.get(k) or {}).get("name") for k in ("base_measure", "conversion_measure")]
    cumulative = params.get("cumulative_type_params") or {}
    found.append((cumulative.get("metric") or {}).get("name") if isinstance(cumulative.get("metric"), dict) else None)
    return [m for m in found if m]


def _request_text(request: dict[str, Any]) -> str:
    if "saved_query" in request:
        return f"the saved query {request['saved_query']}"
    parts = [f"metrics {', '.join(request['metrics'])}"]
    if request.get("group_by"):
        parts.append(f"by {', '.join(request['group_by'])}")
    if request.get("where"):
        parts.append(f"where {' and '.join(request['where'])}")
    return " ".join(parts)
