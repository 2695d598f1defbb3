"""Student copies of the chapters: the exercises without their solutions, and answer sheets.

    python tools/student_copy.py book/03_regression.ipynb --out students/
    python tools/student_copy.py --out students/            # every chapter
    python tools/student_copy.py --out students/ --answers  # also the self-check sheets

A chapter ends with ``## Exercises`` and, in the same markdown cell, ``### Solutions``; every
cell after that heading is a solution (folded code cells, and dropdown admonitions with a
derivation). The student copy keeps the whole chapter up to the exercises and drops the
``### Solutions`` heading and every cell after it. Outputs are kept (so figures and printed
numbers read as in the book) unless ``--clear-outputs``.

``--answers`` also writes ``<chapter>.answers.md``: for each solution cell that prints
numbers, its first comment line (which names the exercise, ``# 2. ...``) and what it printed,
without the code -- numeric answers a student can check their own work against.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = re.compile(r"^#{2,4} Solutions\s*$", re.M)


def split_solutions(notebook: nbformat.NotebookNode) -> tuple[int, int]:
    """(index of the cell holding the ``Solutions`` heading, offset of the heading in it)."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            match = SOLUTIONS.search(cell.source)
            if match:
                return index, match.start()
    raise ValueError("no '### Solutions' heading: is this a chapter with exercises?")


def student_copy(
    notebook: nbformat.NotebookNode, *, clear_outputs: bool = False
) -> nbformat.NotebookNode:
    """The chapter without its solutions (a new notebook; the argument is not changed)."""
    copy = nbformat.from_dict(notebook)
    index, offset = split_solutions(copy)
    copy.cells = copy.cells[: index + 1]
    copy.cells[index].source = copy.cells[index].source[:offset].rstrip() + "\n"
    if clear_outputs:
        for cell in copy.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    return copy


def _printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def answer_sheet(notebook: nbformat.NotebookNode, title: str) -> str:
    """Markdown: for each solution cell that prints numbers, its exercise and its output."""
    index, _ = split_solutions(notebook)
    lines = [f"# Answers to check your work: {title}", ""]
    for cell in notebook.cells[index + 1 :]:
        if cell.cell_type != "code" or not re.search(r"\d", _printed(cell)):
            continue
        first = cell.source.splitlines()[0] if cell.source else ""
        label = first.lstrip("# ").strip() if first.startswith("#") else "(unlabelled)"
        lines += [f"**{label}**", "", "```", _printed(cell).rstrip(), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    parser.add_argument("--out", type=Path, required=True, help="folder for the copies")
    parser.add_argument("--clear-outputs", action="store_true")
    parser.add_argument("--answers", action="store_true", help="also write answer sheets")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "book").glob("[01][0-9]_*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        copy = student_copy(notebook, clear_outputs=args.clear_outputs)
        nbformat.write(copy, args.out / path.name)
        removed = len(notebook.cells) - len(copy.cells)
        message = f"{path.name}: {removed} solution cell(s) removed"
        if args.answers:
            title = notebook.cells[0].source.splitlines()[0].lstrip("# ")
            (args.out / f"{path.stem}.answers.md").write_text(answer_sheet(notebook, title))
            message += ", answer sheet written"
        print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
