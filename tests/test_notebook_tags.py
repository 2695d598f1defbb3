"""The notebooks' metadata: what is collapsed, which kernel runs them, where set-up installs from.

* Hide what does not teach: the set-up cell, the imports cell and every cell that only
  draws a figure carry ``hide-input`` (the rule and the script that applies it:
  ``tools/tag_cells.py``; the rule is written in docs/CONTRIBUTING.md).
* Every notebook names its kernel (``metadata.kernelspec``: python3), so Jupyter,
  JupyterLab and Colab open it without asking; ``tools/execute_notebooks.py`` writes it.
* The repository URL is written once, in ``_config.yml`` (``repository.url``): every
  chapter's set-up cell installs from it and the README points to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import tag_cells  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def read(path: Path):
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_what_does_not_teach_is_collapsed(path):
    missing = tag_cells.missing_tags(read(path))
    assert not missing, (
        f"{path.name}: cells without hide-input (run python tools/tag_cells.py): "
        + ", ".join(f"cell {i} ({why})" for i, why in missing)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_its_kernel(path):
    spec = read(path).metadata.get("kernelspec") or {}
    assert spec.get("name") == "python3" and spec.get("language") == "python", (
        f"{path.name}: metadata.kernelspec is {spec!r} (tools/execute_notebooks.py writes it)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_installs_from_the_configured_repository(path):
    cells = [c for c in read(path).cells if tag_cells.is_setup_cell(c)]
    assert len(cells) == 1, f"{path.name}: {len(cells)} set-up cells (expected one)"
    source = tag_cells.source_of(cells[0])
    assert f"git+{REPO_URL}" in source, f"{path.name}: set-up cell does not install {REPO_URL}"
    longest = max(map(len, source.splitlines()))
    assert longest <= 88, f"{path.name}: set-up cell has a {longest}-character line"


def test_readme_points_to_the_configured_repository():
    readme = (ROOT / "README.md").read_text()
    assert f"git+{REPO_URL}" in readme
    slug = REPO_URL.removeprefix("https://github.com/")
    assert f"colab.research.google.com/github/{slug}/" in readme


# --- the rule itself, on made-up cells (these pass whatever state the notebooks are in) ---
def code(source, outputs=(), tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


PNG = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}
TEXT = {"output_type": "stream", "name": "stdout", "text": "loss = 0.25\n"}
SLIDER = {"output_type": "display_data", "data": {"text/html": '<figure class="lossbook-slider">'}}
SETUP = 'import sys\nif "google.colab" in sys.modules:\n    %pip install -q "lossbook @ git+URL"'


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), *cells]
    return nb


def test_rule_finds_setup_imports_and_figure_cells():
    nb = notebook(
        code(SETUP),
        code("import torch\nimport lossbook as lb\n_ = torch.manual_seed(0)"),
        code("fig, ax = figure()\nax.plot([1, 2])", [PNG]),
        code("fig, ax = plt.subplots()\nprint('min at', 2)", [PNG, TEXT]),  # prints: teaches
        code("loss = lb.mse(a, b)\nloss", [{"output_type": "execute_result", "data": {}}]),
        code("interactive_figure(plot, {'delta': [1, 2]})", [SLIDER]),
        code("fig, ax = figure()", [PNG], tags=["hide-cell"]),  # already folded
        code("fig, ax = figure()", [PNG], tags=["show-input"]),  # opted out
        code("import numpy as np"),  # an import later on: not the imports cell
    )
    assert tag_cells.cells_to_hide(nb) == [
        (1, "set-up cell"),
        (2, "imports cell"),
        (3, "draws a figure"),
        (6, "draws a figure"),
        (7, "draws a figure"),
        (8, "draws a figure"),
    ]
    assert [i for i, _ in tag_cells.missing_tags(nb)] == [1, 2, 3, 6]


def test_tagging_is_idempotent_and_touches_only_tags(tmp_path):
    nb = notebook(code(SETUP), code("import torch"), code("fig, ax = figure()", [PNG]))
    nb.cells[3].metadata["mystnb"] = {"image": {"alt": "a line"}}
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    assert len(tag_cells.tag(path)) == 3
    first = path.read_text()
    assert tag_cells.tag(path) == []
    assert path.read_text() == first
    tagged = read(path)
    assert [c.metadata.get("tags") for c in tagged.cells[1:]] == [["hide-input"]] * 3
    assert tagged.cells[3].metadata["mystnb"] == {"image": {"alt": "a line"}}
    assert [c.source for c in tagged.cells] == [c.source for c in nb.cells]
