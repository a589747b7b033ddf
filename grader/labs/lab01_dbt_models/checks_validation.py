"""Lab 01, validation tier: the project is shaped so dbt (and CI) can work with it."""

from __future__ import annotations

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.model import Tier

FOLDERS = ("models", "seeds", "snapshots", "macros", "tests", "analyses")


@check(tier=Tier.VALIDATION, points=2, concepts=["dbt.project_structure"])
def project_declares_version_and_folders(a: DbtArtifacts) -> None:
    """dbt_project.yml pins the dbt versions it supports and the six standard folders exist."""
    config = a.read_yaml("dbt_project.yml", base=a.project) or {}
    missing = [f for f in FOLDERS if not (a.project / f).is_dir()]
    expect(not missing, expected=f"the folders {', '.join(FOLDERS)}", found=f"missing: {', '.join(missing)}")
    versions = config.get("require-dbt-version")
    versions = [versions] if isinstance(versions, str) else versions or []
    expect(
        any(">=1.11" in str(v).replace(" ", "") for v in versions)
        and any("<1.12" in str(v).replace(" ", "") for v in versions),
        expected="require-dbt-version: ['>=1.11.0', '<1.12.0'] in dbt_project.yml",
        found=f"require-dbt-version: {config.get('require-dbt-version')!r}",
    )


@check(tier=Tier.VALIDATION, points=2, concepts=["dbt.packages"])
def packages_install_from_a_local_path(a: DbtArtifacts) -> None:
    """packages.yml installs fernhill_utils from a local path (offline) and a model uses its macro."""
    config = a.read_yaml("packages.yml", base=a.project) or {}
    packages = config.get("packages") or [] if isinstance(config, dict) else []
    expect(packages, expected="packages.yml listing the local package fernhill_utils", found="no packages")
    hub = [p for p in packages if not (isinstance(p, dict) and "local" in p)]
    expect(not hub, expected="only `local:` packages (the package hub is not reachable offline)", found=f"{hub}")
    expect(a.step_ok("deps"), expected="`dbt deps` to succeed", found=a.step("deps").get("error", "it failed"))
    users = [
        n["name"]
        for n in a.nodes("model")
        if any(m.startswith("macro.fernhill_utils.") for m in n["depends_on"]["macros"])
    ]
    expect(
        users,
        expected="a model calling fernhill_utils.generate_surrogate_key (stg_country_population)",
        found="no model uses a macro of fernhill_utils",
    )


@check(tier=Tier.VALIDATION, points=2, concepts=["dbt.ci_cd"])
def ci_workflow_runs_slim_dbt_build(a: DbtArtifacts) -> None:
    """ci/dbt-ci.yml is a CI workflow that runs a slim `dbt build` (state:modified+, --defer, --state)."""
    workflow = a.read_yaml("ci/dbt-ci.yml")
    expect(
        isinstance(workflow, dict) and isinstance(workflow.get("jobs"), dict),
        expected="a GitHub Actions workflow with `jobs:` in ci/dbt-ci.yml",
        found=workflow,
    )
    runs = [
        str(step["run"])
        for job in workflow["jobs"].values()
        if isinstance(job, dict)
        for step in job.get("steps", []) or []
        if isinstance(step, dict) and step.get("run")
    ]
    builds = [r for r in runs if "dbt build" in r]
    expect(builds, expected="a step that runs `dbt build`", found=f"steps running: {runs}")
    slim = [r for r in builds if "state:modified+" in r and "--defer" in r and "--state" in r]
    expect(slim, expected="`dbt build --select state:modified+ --defer --state <prod artifacts>`", found=builds[0])
