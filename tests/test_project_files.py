"""The project's files: licenses stated where readers look, pre-commit hooks, test markers."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_code_is_mit_and_the_book_is_cc_by_and_both_are_stated():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text()
    book = (ROOT / "LICENSE-book").read_text()
    assert "Creative Commons Attribution 4.0 International Public License" in book
    assert "Section 8 -- Interpretation." in book  # the whole legal code, not a summary
    readme = (ROOT / "README.md").read_text()
    assert "[MIT License](LICENSE)" in readme and "[CC BY 4.0](LICENSE-book)" in readme
    footer = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["extra_footer"]
    assert "creativecommons.org/licenses/by/4.0/" in footer and "MIT License" in footer


def test_pre_commit_runs_ruff_and_the_notebook_tag_check():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["ruff-check"]["entry"].startswith("ruff check")
    assert hooks["ruff-format"]["entry"].startswith("ruff format")
    assert "jupyter" in hooks["ruff-check"]["types_or"]
    assert hooks["notebook-tags"]["entry"] == "python3 tools/tag_cells.py --check"
    assert re.fullmatch(hooks["notebook-tags"]["files"], "book/03_regression.ipynb")


def test_every_test_gets_one_registered_marker_by_its_path():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    registered = (ROOT / "pyproject.toml").read_text()
    for kind in ("package", "notebook", "site"):
        assert f'"{kind}: ' in registered
    assert conftest.kind_of("book/03_regression.ipynb") == "notebook"
    assert conftest.kind_of("tests/test_notebook_tags.py") == "notebook"
    assert conftest.kind_of("tests/test_site.py") == "site"
    assert conftest.kind_of("tests/test_colab.py") == "site"
    assert conftest.kind_of("tests/test_nn.py") == "package"
    assert conftest.kind_of(__file__) == "package"
    contributing = (ROOT / "docs" / "CONTRIBUTING.md").read_text()
    assert "python -m pytest -m package" in contributing
