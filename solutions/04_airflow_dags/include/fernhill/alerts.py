"""What the pipeline does when a task fails: an alert line the on-call person reads."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def record_failure(context: dict[str, Any]) -> None:
    """on_failure_callback: append which task of which run failed to $FERNHILL_ALERTS_FILE."""
    # BEGIN SOLUTION: append {"dag_id", "task_id", "run_id"} of context["ti"] as one JSON line (exercise 7.1)
    ti = context["ti"]
    line = {"dag_id": ti.dag_id, "task_id": ti.task_id, "run_id": ti.run_id}
    path = Path(os.environ.get("FERNHILL_ALERTS_FILE", "alerts.jsonl"))
    with path.open("a") as f:
        f.write(json.dumps(line) + "\n")
    # END SOLUTION
