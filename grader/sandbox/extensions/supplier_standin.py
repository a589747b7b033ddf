"""A real local HTTP server standing in for the outside services a DAG talks to.

Two services on one port, each a real HTTP endpoint (no mocks):
- the supplier API, ``GET /suppliers?since=YYYY-MM-DD``: the shop's suppliers as JSON, only with
  ``Authorization: Bearer <token>``; the token is chosen per run, so it can only come from the
  Airflow connection, never from code. ``mode = "down"`` answers 503, for forced failures;
- the Slack incoming webhook, ``POST /services/<T>/<B>/<X>``: answers ``ok`` as Slack does;
- the supplier API's ``GET /health``, for sensors: by default ready at once; a run may give it a
  script instead (``Remote.set_health``), one answer per request (``"404"``, ``"503"``, or a status
  such as ``"starting"`` answered as 200 ``{"status": ...}``), the last one repeated. Until the
  script reaches ``"ready"``, ``/suppliers`` answers 503: the API is still starting.

Every request is recorded (method, path, whether the token was right, the body), so a test can
check what a hook fetched and what a notifier posted. The connections pointing at it are
``connections()``, as ``AIRFLOW_CONN_*`` values.

The server runs in the job's main process; the DAG runs happen in forked children, which steer it
with ``remote()`` (mode, requests) over a control path only the grader knows.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from grader.sandbox.recorder import Recorder

SUPPLIER_CONN_ID = "fernhill_supplier_api"
SLACK_CONN_ID = "fernhill_slack"
WEBHOOK_TOKEN = "T0FERNHILL/B0ALERTS/standin"
MAX_BODY = 64_000


class StandIn:
    def __init__(self, suppliers: list[dict[str, Any]]) -> None:
        self.suppliers = suppliers
        self.token = secrets.token_hex(12)
        self.control = f"/_standin/{secrets.token_hex(12)}"
        self.mode = "up"
        self.health: list[str] = ["ready"]
        self.health_polls = 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="http-standin", daemon=True).start()

    def connections(self) -> dict[str, str]:
        """``AIRFLOW_CONN_<ID>`` environment variables (JSON form) for the two services."""
        supplier = {
            "conn_type": "http",
            "host": "127.0.0.1",
            "port": self.port,
            "schema": "http",
            "login": "fernhill",
            "password": self.token,
        }
        slack = {
            "conn_type": "slackwebhook",
            "host": f"http://127.0.0.1:{self.port}/services",
            "password": WEBHOOK_TOKEN,
        }
        return {
            f"AIRFLOW_CONN_{SUPPLIER_CONN_ID.upper()}": json.dumps(supplier),
            f"AIRFLOW_CONN_{SLACK_CONN_ID.upper()}": json.dumps(slack),
        }

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            if len(self.requests) < 200:  # a task in a loop must not fill the memory
                self.requests.append(entry)

    def take(self) -> list[dict[str, Any]]:
        """The requests since the last call, oldest first."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def remote(self) -> Remote:
        return Remote(f"http://127.0.0.1:{self.port}{self.control}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API names these
            if self.path == f"{standin.control}/requests":
                return self._answer(200, standin.take())
            authorized = self.headers.get("Authorization") == f"Bearer {standin.token}"
            standin.record({"method": "GET", "path": self.path[:300], "authorized": authorized})
            return self._answer(*_supplier_api(standin, self.path, authorized))

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            if self.path == f"{standin.control}/mode":
                standin.mode = body
                return self._answer(200, {"mode": body})
            if self.path == f"{standin.control}/health":
                standin.health, standin.health_polls = json.loads(body) or ["ready"], 0
                return self._answer(200, {"health": standin.health})
            standin.record({"method": "POST", "path": self.path[:300], "body": body})
            if self.path.rstrip("/") != f"/services/{WEBHOOK_TOKEN}":
                return self._answer(404, {"error": "no such webhook"})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def _answer(self, status: int, value: Any) -> None:
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # quiet: the requests are recorded instead
            pass

    return Handler


def _supplier_api(standin: StandIn, path: str, authorized: bool) -> tuple[int, Any]:
    health = path.split("?")[0].rstrip("/") == "/health"
    with standin._lock:
        polls, script = standin.health_polls, standin.health
        standin.health_polls += health
    if health:
        answer = script[min(polls, len(script) - 1)]
        return (int(answer), {"error": "not up yet"}) if answer.isdigit() else (200, {"status": answer})
    if not path.startswith("/suppliers"):
        return 404, {"error": "no such endpoint"}
    # ready once /health has said so (before the first poll: if the script starts ready)
    said = script[min(max(polls - 1, 0), len(script) - 1)]
    if standin.mode == "down" or said != "ready":
        return 503, {"error": "supplier API unavailable"}
    if not authorized:
        return 401, {"error": "missing or wrong bearer token"}
    return 200, standin.suppliers


class Remote:
    """The stand-in steered from another process (a forked child running a DAG)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def set_mode(self, mode: str) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/mode", data=mode.encode()), timeout=10).read()

    def set_health(self, script: list[str]) -> None:
        body = json.dumps(script).encode()
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/health", data=body), timeout=10).read()

    def take(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/requests", timeout=10) as response:
            return json.loads(response.read())


def standin_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    """Start the stand-in supplier API and Slack webhook; their connections reach the DAGs as AIRFLOW_CONN_*."""
    with rec.step("standin", "Start the stand-in supplier API and Slack webhook (a local HTTP server)"):
        standin = StandIn(job.data.suppliers)
        os.environ.update(standin.connections())
        job.services["standin"] = standin.remote()


STEPS = {"standin": standin_step}
