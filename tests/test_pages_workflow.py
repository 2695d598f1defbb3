"""The GitHub Pages workflow publishes what the README's build command builds."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_pages_workflow_builds_as_the_readme_says_and_deploys_the_site():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = flow["jobs"]["build"]["steps"]
    runs = [step["run"].strip() for step in steps if "run" in step]
    build = next(r for r in runs if "jupyter-book build" in r)
    assert build in readme_commands(), "the workflow's build command is the README's, verbatim"
    assert any(r.startswith("python3 tools/build_pdf.py") for r in runs)
    assert runs.index(build) < next(i for i, r in enumerate(runs) if "build_pdf" in r)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])


def test_readme_names_the_pdf_command_and_ci_runs_it_after_the_build():
    assert "python3 tools/build_pdf.py" in readme_commands()
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    build = next(i for i, line in enumerate(ci) if "jupyter-book build" in line)
    assert ci[build + 1] == "python3 tools/build_pdf.py"
