"""tools/student_copy.py: a teacher's copies of every chapter keep the exercises and drop every
solution; the answer sheets carry the printed numbers and no code."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from student_copy import answer_sheet, main, student_copy  # noqa: E402

CHAPTERS = sorted((ROOT / "book").glob("[01][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_the_copy_keeps_the_exercises_and_drops_every_solution(path):
    book = nbformat.read(path, as_version=4)
    copy = student_copy(book, clear_outputs=True)
    text = "\n".join(c.source for c in copy.cells)
    assert "## Exercises" in text and "Solutions" not in copy.cells[-1].source
    assert len(copy.cells) < len(book.cells)  # every chapter has solutions to remove
    kept = {c.source for c in copy.cells}
    solutions = [
        c for c in book.cells if c.source not in kept and "hide-cell" in c.metadata.get("tags", [])
    ]
    assert solutions, "no folded solution cell was removed"
    assert all(not c.get("outputs") for c in copy.cells if c.cell_type == "code")
    assert book.cells[-1].source not in kept  # the argument is not modified, the copy is short


def test_the_command_writes_copies_and_answer_sheets(tmp_path):
    chapter = ROOT / "book" / "03_regression.ipynb"
    assert main([str(chapter), "--out", str(tmp_path), "--answers"]) == 0
    copy = nbformat.read(tmp_path / chapter.name, as_version=4)
    assert nbformat.validate(copy) is None
    sheet = (tmp_path / "03_regression.answers.md").read_text()
    assert sheet.startswith("# Answers to check your work: 3.")
    assert "```" in sheet and "import " not in sheet and "lb." not in sheet  # outputs, no code


def test_a_notebook_without_solutions_is_refused():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 1. A page")])
    with pytest.raises(ValueError, match=r"^no '### Solutions' heading"):
        student_copy(notebook)
    with pytest.raises(ValueError, match=r"^no '### Solutions' heading"):
        answer_sheet(notebook, "x")
