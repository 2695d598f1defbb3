"""What each chapter expects a reader to know, and how long it takes to read.

    python tools/chapter_info.py           # print the table
    python tools/chapter_info.py --write   # write the line at the top of every chapter

Every chapter's first cell carries one line, right under its title::

    *Before you start:* chapters 1–2; derivatives. *Reading time:* about 45 minutes,
    plus the exercises.

The prerequisites are written here, in ``PREREQUISITES``, by hand (they are a judgement);
the reading time is computed from the chapter itself -- its prose at 150 words a minute (a
technical text with formulas) and its code at 20 lines a minute (read, not typed) -- rounded
to 5 minutes, so that it follows the chapter when the chapter changes.
``tests/test_chapter_info.py`` checks that every chapter states both and that the stated time
is the computed one.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[01][0-9]_*.ipynb"))
WORDS_PER_MINUTE = 150
CODE_LINES_PER_MINUTE = 20
MARKER = "*Before you start:*"

PREREQUISITES = {
    1: "Python, a little PyTorch (tensors and `backward()`), derivatives and expectations",
    2: "chapter 1; derivatives and second derivatives",
    3: "chapters 1–2; quantiles of a distribution",
    4: "chapters 1–2; logarithms and the softmax",
    5: "chapters 1 and 4; probability distributions",
    6: "chapters 1, 2 and 4; vectors, dot products and cosine similarity",
    7: "chapter 4 (cross-entropy); dynamic programming helps",
    8: "chapters 2 and 4; images as arrays",
    9: "chapters 4 and 5 (KL and Jensen–Shannon); small neural networks",
    10: "chapters 1–2; gradients and the Hessian",
    11: "chapters 1–3; a linear model",
    12: "chapters 1–4",
    13: "chapters 4–5 (cross-entropy, KL); no reinforcement learning needed",
    14: "chapters 1 and 10",
    15: "chapters 1–4, and the family chapter of your task",
}


def reading_minutes(notebook: nbformat.NotebookNode) -> int:
    """The chapter's reading time in minutes, rounded to 5 (exercises' solutions excluded)."""
    words = code = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            if re.search(r"^#{2,4} Solutions", cell.source, re.M):
                words += len(cell.source.split("### Solutions")[0].split())
                break
            words += len(cell.source.split())
        elif cell.cell_type == "code" and "hide-input" not in cell.metadata.get("tags", []):
            code += sum(1 for line in cell.source.splitlines() if line.strip())
    minutes = words / WORDS_PER_MINUTE + code / CODE_LINES_PER_MINUTE
    return max(5, 5 * round(minutes / 5))


def info_line(number: int, minutes: int) -> str:
    return (
        f"{MARKER} {PREREQUISITES[number]}. *Reading time:* about {minutes} minutes, plus the "
        "exercises."
    )


def stated(notebook: nbformat.NotebookNode) -> tuple[str, int] | None:
    """(prerequisites, minutes) as the chapter's first cell states them, or None."""
    match = re.search(
        re.escape(MARKER) + r" (.*?)\. \*Reading time:\* about (\d+) minutes",
        notebook.cells[0].source,
        re.S,
    )
    return (" ".join(match.group(1).split()), int(match.group(2))) if match else None


def write(path: Path) -> bool:
    """Put the line under the chapter's title (replacing an older one); True if it changed."""
    notebook = nbformat.read(path, as_version=4)
    number = int(path.name[:2])
    line = info_line(number, reading_minutes(notebook))
    first = notebook.cells[0]
    lines = first.source.strip("\n").splitlines()
    kept = [x for x in lines if not x.startswith(MARKER)]
    new = "\n".join([kept[0], "", line, *kept[1:]]).replace("\n\n\n", "\n\n")
    if new == first.source:
        return False
    first.source = new
    nbformat.write(notebook, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the line into each chapter")
    args = parser.parse_args(argv)
    for path in CHAPTERS:
        if args.write:
            changed = write(path)
            print(f"{path.name}: {'written' if changed else 'unchanged'}")
        else:
            notebook = nbformat.read(path, as_version=4)
            print(
                f"{path.name:32} {reading_minutes(notebook):>3} min  {PREREQUISITES[int(path.name[:2])]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
