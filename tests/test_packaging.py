"""The project's own install files agree with each other, and the bundled data is what the README promises."""

import hashlib
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_agrees_with_pyproject():
    project = _pyproject()["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # python version satisfies requires-python; pip installs the project itself from pyproject.toml
    python = next(d for d in conda if d.startswith("python"))
    assert SpecifierSet(project["requires-python"]).contains(python.split("=")[-1] + ".0")
    assert "pip" in conda
    assert any(re.fullmatch(r"-e \.(\[[\w,]+\])?", p) for p in pip)
    # every conda package is a pyproject dependency with the same version specifier
    declared = {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in project["dependencies"]}
    for dep in conda:
        if dep.startswith(("python", "pip")):
            continue
        requirement = Requirement(dep)
        assert requirement.name.lower() in declared, f"{dep} is in environment.yml but not in pyproject.toml"
        assert str(requirement.specifier) == declared[requirement.name.lower()], dep


def test_core_dependencies_are_declared():
    names = {Requirement(r).name.lower() for r in _pyproject()["project"]["dependencies"]}
    assert {"jupyterlab", "pandas", "matplotlib", "jieba", "gensim", "papermill"} <= names


def test_seed_reports_are_bundled_byte_identical_and_unchanged():
    raw = sorted((ROOT / "data" / "raw").glob("*.txt"))
    assert [p.name for p in raw] == [f"{i:03d}_{h}.txt" for i, h in enumerate(
        ["207fb4099e85d4c9", "f479d68ab5149bf3", "72858070d2a0e224", "c7f94249779b73e0", "2d83ae9706601383"])]
    sums = (ROOT / "data" / "raw.sha256").read_text(encoding="utf-8").split("\n")
    expected = dict(reversed(line.split("  ")) for line in sums if line)
    for path in raw:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected[path.name]
