"""The two ways to install agree: conda's environment.yml mirrors pyproject.toml."""

from __future__ import annotations

import itertools
import re
import tomllib

import yaml

from helpers import REPO_ROOT


def requirement(spec: str) -> tuple[str, str]:
    name, bound = re.match(r"([A-Za-z0-9_.\[\]-]+)\s*(.*)", spec).groups()
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower(), bound.replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(
        map(requirement, project["dependencies"] + project["optional-dependencies"]["test"])
    )
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda = dict(requirement(d) for d in env["dependencies"] if isinstance(d, str))
    assert "conda-forge" in env["channels"]
    for name, bound in wanted.items():
        assert name in conda, f"{name} missing from environment.yml"
        assert conda[name] == bound, (
            f"{name}: {conda[name]} in environment.yml, {bound} in pyproject"
        )
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "--editable ." in pip


def test_every_dependency_has_a_reason():
    """Each dependency line in pyproject.toml is preceded by a comment saying why."""
    lines = (REPO_ROOT / "pyproject.toml").read_text().splitlines()
    in_list = False
    for previous, line in itertools.pairwise(lines):
        if line.strip().startswith(("dependencies = [", "test = [", "dev = [")):
            in_list = True
            continue
        if in_list and line.strip() == "]":
            in_list = False
        if in_list and line.strip().startswith('"'):
            assert previous.strip().startswith("#"), f"no reason given for {line.strip()}"
