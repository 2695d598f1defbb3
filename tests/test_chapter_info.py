"""Every chapter states what it expects a reader to know and how long it takes to read, under
its title; the reading time is the one tools/chapter_info.py computes from the chapter."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from chapter_info import CHAPTERS, PREREQUISITES, reading_minutes, stated  # noqa: E402


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_the_chapter_states_prerequisites_and_its_reading_time(path):
    notebook = nbformat.read(path, as_version=4)
    found = stated(notebook)
    assert found, (
        f"{path.name}: no '*Before you start:*' line (python tools/chapter_info.py --write)"
    )
    prerequisites, minutes = found
    assert prerequisites == PREREQUISITES[int(path.name[:2])]
    assert minutes == reading_minutes(notebook), "stale: run python tools/chapter_info.py --write"
    assert notebook.cells[0].source.splitlines()[0].startswith("# ")  # the title stays first


def test_the_reading_time_follows_the_text():
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 1. T\n" + "w " * 1500)]
    )
    assert reading_minutes(notebook) == 10  # 1500 words at 150 a minute
    notebook.cells.append(nbformat.v4.new_code_cell("x = 1\n" * 100))
    assert reading_minutes(notebook) == 15  # + 100 lines at 20 a minute
