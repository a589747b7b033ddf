"""Lab 02's metric queries: MetricFlow's own engine, in the job's process, on the built warehouse.

A fresh ``mf query`` process spends about 5 s starting up for some 30 ms of querying; here the
engine is made once from the project's ``target/semantic_manifest.json`` and answers every
request of the plan. It talks to DuckDB through a small client of MetricFlow's ``SqlClient``
protocol (MetricFlow's DuckDB renderer writes the SQL), which is ready in under a second, where
going through the dbt adapter takes about 4 s. Pin metricflow: its engine class is not yet stable.

Each request is what a BI tool would send the Semantic Layer API ({metrics, group_by, where,
order_by, limit}, or a saved query); each answer carries the SQL MetricFlow wrote and the rows,
or MetricFlow's own error message.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from grader.sandbox.recorder import NotGradable, Recorder, summary


class DuckDbClient:
    """MetricFlow's SqlClient protocol over one read-only DuckDB connection."""

    def __init__(self, database: Path) -> None:
        import duckdb
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        self.sql_engine_type = SqlEngine.DUCKDB
        self.sql_plan_renderer: Any = DuckDbSqlPlanRenderer()
        self._con = duckdb.connect(str(database), read_only=True)

    def query(self, stmt: str, sql_bind_parameter_set: Any = None) -> Any:
        from metricflow.data_table.mf_table import MetricFlowDataTable

        cursor = self._con.execute(stmt)
        columns = [d[0] for d in cursor.description]
        return MetricFlowDataTable.create_from_rows(columns, cursor.fetchall())

    def execute(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        self._con.execute(stmt)

    def dry_run(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        self._con.execute("explain " + stmt)

    def close(self) -> None:
        self._con.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return "$" + bind_parameter_key


class PostgresClient(DuckDbClient):
    """The same protocol over one PostgreSQL connection (the side build's server), MetricFlow's PostgreSQL renderer."""

    def __init__(self, connection: dict[str, Any]) -> None:
        import psycopg2
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.postgres import PostgresSQLSqlPlanRenderer

        self.sql_engine_type = SqlEngine.POSTGRES
        self.sql_plan_renderer = PostgresSQLSqlPlanRenderer()
        self._pg = psycopg2.connect(**connection)
        self._pg.set_session(readonly=True, autocommit=True)

    def query(self, stmt: str, sql_bind_parameter_set: Any = None) -> Any:
        from metricflow.data_table.mf_table import MetricFlowDataTable

        with self._pg.cursor() as cursor:
            cursor.execute(stmt)
            columns = [d.name for d in cursor.description]
            return MetricFlowDataTable.create_from_rows(columns, cursor.fetchall())

    def execute(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        with self._pg.cursor() as cursor:
            cursor.execute(stmt)

    def dry_run(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        self.execute("explain " + stmt)

    def close(self) -> None:
        self._pg.close()


def engine(semantic_manifest: Path, database: Path) -> Any:
    """A MetricFlow engine over the learner's semantic manifest and the DuckDB warehouse dbt built."""
    return engine_from_text(semantic_manifest.read_text(), database)


def engine_from_text(semantic_manifest: str, database: Path | DuckDbClient) -> Any:
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest = parse_manifest_from_dbt_generated_manifest(semantic_manifest)
    client = database if isinstance(database, DuckDbClient) else DuckDbClient(database)
    return MetricFlowEngine(SemanticManifestLookup(manifest), client)


REQUEST_KEYS = {
    "metrics": "metric_names",
    "group_by": "group_by_names",
    "where": "where_constraints",
    "order_by": "order_by_names",
    "limit": "limit",
    "saved_query": "saved_query_name",
}


def answer(mf: Any, request: dict[str, Any]) -> dict[str, Any]:
    """One request, as a BI tool sends it, answered with the SQL and the rows, or the error in words."""
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    unknown = set(request) - set(REQUEST_KEYS) - {"id", "compile"}
    if unknown:
        raise ValueError(f"unknown request keys {sorted(unknown)}; a request takes {sorted(REQUEST_KEYS)}")
    args = {REQUEST_KEYS[k]: v for k, v in request.items() if k in REQUEST_KEYS}
    try:
        mf_request = MetricFlowQueryRequest.create(**args)
        if request.get("compile"):
            return {"sql": mf.explain(mf_request).sql_statement.sql}
        result = mf.query(mf_request)
    except Exception as exc:  # MetricFlow's own message is the learner's feedback
        return {"error": f"{type(exc).__name__}: {str(exc).strip()[:1500]}"}
    table = result.result_df
    rows = [list(row) for row in table.rows[:MAX_ROWS]]
    found = {"sql": result.sql, "columns": list(table.column_names), "rows": rows}
    if table.row_count > MAX_ROWS:  # a time spine of a million days answers with a million rows
        found["truncated_from"] = table.row_count
    return found


MAX_ROWS = 5000  # more than any graded request needs (a day grain over the data's years)


def _manifest_text(job: Any) -> str:
    """The semantic manifest the parse step just wrote (never an older one: ``mf`` would read a stale file)."""
    path = job.work / "target" / "semantic_manifest.json"
    if not path.exists():
        raise NotGradable("dbt parse wrote no semantic_manifest.json, so there is no semantic layer to query.")
    return path.read_text()


def _readable_copy(job: Any) -> Path:
    """A copy of the warehouse for MetricFlow to read: dbt's own connection still holds the file, and
    the copy keeps its file name, so the catalog in MetricFlow's SQL ("warehouse"."main"...) resolves."""
    from grader.sandbox.dbt.build_steps import copy_warehouse

    target = job.work / "semantic_layer" / job.warehouse.name
    if not target.exists():
        target.parent.mkdir(exist_ok=True)
        copy_warehouse(job.warehouse, target)
    return Path(target)


def validate(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    """What ``mf validate-configs`` does, in this process: the semantic rules, then each element on the warehouse."""
    from metricflow.validation.data_warehouse_model_validator import DataWarehouseModelValidator
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import SemanticManifestValidator
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest

    with rec.step("semantic_validations", "Validate the semantic layer (as mf validate-configs does)") as entry:
        text = _manifest_text(job)
        (job.out / "semantic_manifest.json").write_text(text)
        manifest = parse_manifest_from_dbt_generated_manifest(text)
        results = SemanticManifestValidator(max_workers=1).validate_semantic_manifest(manifest)
        issues = list(results.all_issues)
        if not results.has_blocking_issues:  # mf stops here too: queries of a broken model say nothing new
            client = DuckDbClient(_readable_copy(job))
            try:
                checker = DataWarehouseModelValidator(sql_client=client)
                for run in (
                    checker.validate_semantic_models,
                    checker.validate_dimensions,
                    checker.validate_entities,
                    checker.validate_simple_metrics,
                    checker.validate_metrics,
                ):
                    issues += list(run(manifest, timeout=60).all_issues)
            finally:
                client.close()
        found = {
            level: [_issue_text(i) for i in issues if i.level.name == level]
            for level in ("ERROR", "FUTURE_ERROR", "WARNING")
        }
        (job.out / "semantic_validation.json").write_text(json.dumps(found, indent=1))
        errors = found["ERROR"]
        entry["summary"] = summary(
            "mf validate-configs",
            {"errors": len(errors), "warnings": len(found["WARNING"]) + len(found["FUTURE_ERROR"])},
            errors[:5],
            attention=bool(errors),
        )


def _issue_text(issue: Any) -> str:
    """MetricFlow's own sentence for an issue, with the element it is about, and no traceback."""
    message = str(issue.message).strip()
    context = issue.context.context_str() if issue.context is not None else ""
    return f"{context}: {message}"[:1500] if context else message[:1500]


def run_queries(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    """Every request of the plan (``metric_queries``: id -> request) through one engine, into metric_answers.json."""
    requests: dict[str, dict[str, Any]] = job.plan["metric_queries"]
    with rec.step(
        "metric_queries", f"Query the metrics through MetricFlow's engine ({len(requests)} requests)"
    ) as entry:
        try:
            mf = engine_from_text(_manifest_text(job), _readable_copy(job))
        except Exception as exc:  # the learner's model may not even load: say so for every request
            mf, failure = None, f"MetricFlow could not load the semantic layer: {type(exc).__name__}: {str(exc)[:1500]}"
        answers = {}
        for query_id, request in requests.items():
            answers[query_id] = answer(mf, request) if mf is not None else {"error": failure}
            rec.progress(f"  {query_id}: {'error' if 'error' in answers[query_id] else 'ok'}")
        if mf is not None:
            mf._sql_client.close()
        (job.out / "metric_answers.json").write_text(json.dumps(answers, indent=1, default=_plain))
        failed = {k: v["error"] for k, v in answers.items() if "error" in v}
        entry["summary"] = summary(
            "metric queries",
            {"answered": len(answers) - len(failed), "failed": len(failed)},
            [f"{k}: {v[:300]}" for k, v in list(failed.items())[:5]],
            attention=bool(failed),
        )


def _plain(value: Any) -> Any:
    """JSON for what DuckDB hands back: a day as 2025-03-01, a decimal as a number."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def postgres_answers(plan: dict[str, Any], work: Path, connection: dict[str, Any], result: dict[str, Any]) -> None:
    """In the PostgreSQL side build (``postgres_target``'s ``after_build``): the plan's requests on PostgreSQL.

    The same semantic layer, compiled by the PostgreSQL build's own parse, answering on the
    PostgreSQL warehouse: the host compares the rows with DuckDB's.
    """
    manifest = work / "target" / "semantic_manifest.json"
    if not manifest.exists():
        result["answers_error"] = "the PostgreSQL build wrote no semantic_manifest.json"
        return
    client = PostgresClient(connection)
    try:
        mf = engine_from_text(manifest.read_text(), client)
        result["answers"] = {
            query_id: answer(mf, request)
            for query_id, request in plan["metric_queries"].items()
            if not request.get("compile")  # the SQL differs by dialect; the rows must not
        }
    finally:
        client.close()
    json.dumps(result, default=_plain)  # fail here, not on the host, if a value cannot be written


STEPS = {"semantic_validations": validate, "metric_queries": run_queries}
