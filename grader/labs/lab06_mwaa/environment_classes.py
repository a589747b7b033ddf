"""What MWAA's environment classes allow, as the MWAA user guide states it (environment class,
automatic scaling): the facts the course rules and the autoscaling reference are built on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnvironmentClass:
    name: str
    tasks_per_worker: int  # concurrent tasks a worker runs by default (celery.worker_autoscale can raise it)
    autoscales: bool = True  # mw1.micro runs one worker (with the scheduler) and never scales


CLASSES = {
    c.name: c
    for c in (
        EnvironmentClass("mw1.micro", 3, autoscales=False),
        EnvironmentClass("mw1.small", 5),
        EnvironmentClass("mw1.medium", 10),
        EnvironmentClass("mw1.large", 20),
        EnvironmentClass("mw1.xlarge", 40),
        EnvironmentClass("mw1.2xlarge", 80),
    )
}
