"""``make airflow-cluster``: the deployment lab 05 grades, started on this machine for a learner to look at.

PostgreSQL and Redis start as embedded servers (no Docker), then Airflow's api-server, scheduler,
dag-processor, triggerer and two Celery workers bound to queues, all on the given DAG folder. The
UI's address is printed; Ctrl-C stops every process, the servers included.

    make airflow-cluster                      # lab 04's dags/; DAGS=labs/05_sensors_pools/dags for lab 05's
    uv run python -m grader.airflow_cluster --dags labs/04_airflow_dags/dags --executor LocalExecutor
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grader.airflow_schema import metadata_schema_sql
from grader.sandbox.airflow.cluster import AirflowCluster, ClusterFailed, ClusterSpec


@contextlib.contextmanager
def embedded_services(celery: bool = True) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """PostgreSQL (and, for Celery, Redis) as embedded servers: their connection kwargs."""
    from grader.services import EmbeddedPostgres, EmbeddedRedis

    with EmbeddedPostgres() as pg, EmbeddedRedis() if celery else contextlib.nullcontext() as broker:
        yield pg.connection_kwargs(), (broker.connection_kwargs() if broker is not None else None)


def watch(cluster: AirflowCluster) -> None:
    """Say when a component stops; a lost worker is what lab 05's failover exercise does on purpose."""
    gone: set[str] = set()
    while True:
        for name, component in cluster.components.items():
            if name not in gone and not component.running():
                gone.add(name)
                print(
                    f"{name} stopped (exit {component.proc.returncode if component.proc else '?'}); "
                    f"the rest go on. Its log: {cluster.log_tail(name)[-300:]}",
                    flush=True,
                )
        time.sleep(2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="airflow-cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--dags", type=Path, required=True, help="the DAG folder to deploy")
    parser.add_argument("--executor", default="CeleryExecutor", choices=["CeleryExecutor", "LocalExecutor"])
    parser.add_argument("--port", type=int, default=8080, help="the api-server's (and UI's) port")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="AIRFLOW__SECTION__KEY=VALUE",
        help="an Airflow setting for every component, e.g. AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=30",
    )
    args = parser.parse_args(argv)
    settings = dict(item.split("=", 1) for item in args.setting if "=" in item)
    dags = args.dags.resolve()
    if not dags.is_dir():
        print(f"No DAG folder {args.dags}.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as cleanly on a kill as on Ctrl-C
    celery = args.executor == "CeleryExecutor"
    home = Path(tempfile.mkdtemp(prefix="airflow-cluster-"))
    print(f"Starting PostgreSQL{' and Redis' if celery else ''}, then Airflow ({args.executor})...", flush=True)
    try:
        with (
            embedded_services(celery) as (pg, broker),
            AirflowCluster(
                home,
                dags,
                dags.parent / "plugins",
                postgres=pg,
                redis=broker,
                spec=ClusterSpec(executor=args.executor, settings=settings),
                api_port=args.port,
                schema_sql=metadata_schema_sql(),
            ) as cluster,
        ):
            print(f"Airflow is up in {cluster.timings['api_ready_s']:.0f} s: open {cluster.api_url}", flush=True)
            print(f"Components: {', '.join(cluster.components)}; logs in {home / 'logs'}. Ctrl-C stops them.")
            broker_at = f"; broker: Redis at {broker['host']}:{broker['port']}" if broker else ""
            print(f"Metadata database: PostgreSQL at {pg['host']}{broker_at}.", flush=True)
            watch(cluster)
    except ClusterFailed as failed:
        print(f"The cluster stopped: {failed}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(home, ignore_errors=True)  # its logs and the Airflow home: nothing stays behind
    print("Stopped every component, PostgreSQL and Redis.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
