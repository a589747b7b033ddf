"""Fernhill's weekly price check: a task that runs in a container of its own (DockerOperator).

The check's code and its dependencies live in an image, not in Airflow's environment: the task
needs nothing installed on the workers but a Docker engine, and cannot clash with other tasks'
libraries. Here the image is the course's own Python base image, built offline by
`grader images build`.
"""

from __future__ import annotations

import pendulum
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk import dag


@dag(
    dag_id="fernhill_price_check",
    schedule="0 7 * * 1",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    tags=["fernhill", "lab04"],
    default_args={"owner": "data-team", "retries": 1},
)
def fernhill_price_check():
    # BEGIN SOLUTION: check_prices: a DockerOperator on the image orchestration-course/debian-python:bookworm running python3 with the logical date ({{ ds }}), no network, removed after success, no temporary-folder mount, 512m of memory (exercise 10.2)
    DockerOperator(
        task_id="check_prices",
        image="orchestration-course/debian-python:bookworm",
        command=["python3", "-c", "import sys; print('prices checked for', sys.argv[1])", "{{ ds }}"],
        network_mode="none",  # the check needs no network: give it none
        auto_remove="success",  # the container is removed when the task succeeds
        mount_tmp_dir=False,  # no host folder mounted into the container
        mem_limit="512m",
    )
    # END SOLUTION


fernhill_price_check()
