"""The tests workflow runs what the README and CONTRIBUTING promise, at the declared versions.

On every pull request and push: the package tests at the floors on the oldest supported Python
(tools/check_floor.sh) and with the pinned versions (constraints.txt) on the recorded and the
newest Python; the full suite as the project's CI runs it (.ci/run). On a schedule: the
notebooks against the newest torch. The floors the script installs are the floors the project
declares (pyproject.toml, requirements.txt), and the pins are the versions .ci/run installs.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text()  # (no tomllib: Python 3.10 is supported)
FLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text())
JOBS = FLOW["jobs"]


def runs(job: str) -> list[str]:
    return [
        line.strip() for s in JOBS[job]["steps"] if "run" in s for line in s["run"].splitlines()
    ]


def declared_floors() -> dict[str, str]:
    """``name: version`` for every ``name>=version`` in requirements.txt and pyproject.toml."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    lines += re.findall(r'"([A-Za-z0-9_.-]+>=[0-9.]+)"', PYPROJECT)  # dependencies, extras
    found = (re.match(r"^([A-Za-z0-9_.-]+)>=([0-9.]+)", line.strip()) for line in lines)
    return {m[1].lower(): m[2] for m in found if m}


def script_floors() -> dict[str, str]:
    text = (ROOT / "tools" / "check_floor.sh").read_text()
    listed = re.search(r"^FLOORS=\((.*)\)$", text, flags=re.M)
    assert listed, "tools/check_floor.sh lists its floors in one FLOORS=(...) line"
    return dict(pin.lower().split("==") for pin in listed[1].split())


def test_triggers_every_pull_request_push_and_a_schedule():
    triggers = FLOW.get("on", FLOW.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"]
    assert FLOW["permissions"] == {"contents": "read"}


def test_package_matrix_covers_the_floor_on_the_oldest_python_and_the_pins():
    oldest = re.search(r'^requires-python = ">=([0-9.]+)"$', PYPROJECT, flags=re.M)[1]
    cells = JOBS["package"]["strategy"]["matrix"]["include"]
    assert {"python": oldest, "torch": "floor"} in cells
    pinned = sorted(
        (c["python"] for c in cells if c["torch"] == "pinned"),
        key=lambda v: tuple(map(int, v.split("."))),
    )
    assert len(pinned) >= 2, "the pinned versions on the recorded and on the newest Python"
    steps = JOBS["package"]["steps"]
    floor = next(s for s in steps if s.get("if") == "matrix.torch == 'floor'")
    assert floor["run"].startswith("bash tools/check_floor.sh python3")
    assert "python3 -m pip install -r requirements.txt -c constraints.txt" in runs("package")
    assert "python3 -m pytest -m package" in runs("package")
    assert "python3 -m mypy" in runs("package")


def test_the_floor_script_installs_the_declared_floors():
    declared, installed = declared_floors(), script_floors()
    for name in ("torch", "numpy", "matplotlib", "ipywidgets", "tqdm"):
        floor = declared[name].split(".")
        assert installed[name].split(".")[: len(floor)] == floor, (
            name,
            declared[name],
            installed[name],
        )


def test_the_full_suite_is_ci_and_the_pins_are_what_ci_installs():
    assert "bash .ci/run" in runs("full")
    assert JOBS["full"]["container"].startswith("python:3.11")
    ci = (ROOT / ".ci" / "run").read_text()
    torch_pin = re.search(r"pip install torch==([0-9.]+)", ci)[1]
    pins = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    )
    assert pins["torch"] == torch_pin
    assert (
        "python3 -m pip install -r requirements.txt -c constraints.txt && python3 -m pytest" in ci
    )
    assert "mypy" in pins and "python3 -m mypy" in ci


def test_the_scheduled_job_runs_the_notebooks_against_the_newest_torch():
    job = JOBS["newest-torch"]
    assert "schedule" in job["if"]
    commands = runs("newest-torch")
    assert any(c.startswith("python3 -m pip install --upgrade torch") for c in commands)
    assert not any("constraints.txt" in c for c in commands), "the newest versions, not the pins"
    assert "python3 -m pytest -m notebook" in commands
