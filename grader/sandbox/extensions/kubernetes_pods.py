"""The pods the KubernetesExecutor would start for a DAG's tasks, without a cluster.

``airflow kubernetes generate-dag-yaml`` builds each task's pod as the executor does: the pod
template file (``[kubernetes_executor] pod_template_file``) as the base, the task's
``executor_config`` ``pod_override`` merged on top. The step calls the command's own function in a
forked child (the CLI's start-up alone took 6 s) and writes the pods as data to pods.json.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

import yaml

from grader.sandbox.forked import map_in_fork
from grader.sandbox.recorder import Recorder, StepFailed


def generate(job: Any, spec: dict[str, Any]) -> dict[str, Any]:
    import pendulum
    from airflow.providers.cncf.kubernetes.cli.kubernetes_command import generate_pod_yaml

    template = job.project / spec["pod_template_file"]
    if not template.is_file():
        return {"error": f"no pod template at {spec['pod_template_file']}"}
    os.environ["AIRFLOW__KUBERNETES_EXECUTOR__POD_TEMPLATE_FILE"] = str(template)
    out = job.work / "pods"
    args = argparse.Namespace(
        dag_id=spec["dag_id"],
        logical_date=pendulum.parse(spec["logical_date"]),
        output_path=str(out),
        bundle_name=None,
        team=None,
        subdir=None,
    )
    try:
        generate_pod_yaml(args)
    except BaseException as exc:  # a DAG missing, a template that is no pod: the learner's problem
        return {"error": f"{type(exc).__name__}: {exc}"[:600]}
    pods = {}
    for path in sorted((out / "airflow_yaml_output").glob("*.yml")):
        pod = yaml.safe_load(path.read_text())
        task_id = (pod.get("metadata", {}).get("annotations") or {}).get("task_id", path.stem)
        for container in pod.get("spec", {}).get("containers", []):
            container.pop("args", None)  # the workload's JSON: long, and nothing the learner wrote
        pods[task_id] = pod
    return {"pods": pods}


def pods_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    spec = options  # dag_id, logical_date, pod_template_file (in the project)
    with rec.step("pod_specs", f"Render the KubernetesExecutor's pods for {spec['dag_id']} (generate-dag-yaml)"):
        (result,) = map_in_fork(lambda s: generate(job, s), [spec], timeout_s=60)
        if result.problem:
            raise StepFailed(f"rendering the pods {result.problem}")
        (job.out / "pods.json").write_text(json.dumps(result.value, indent=1, default=str))


STEPS = {"pod_specs": pods_step}
