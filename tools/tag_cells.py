"""Collapse what does not teach: add the ``hide-input`` tag to the cells that need it.

    python tools/tag_cells.py              # every notebook in book/, in place
    python tools/tag_cells.py --check      # list what would change; exit 1 if anything would
    python tools/tag_cells.py book/03_regression.ipynb

The rule (docs/CONTRIBUTING.md, checked by tests/test_notebook_tags.py): a code cell's
input is collapsed by default (Jupyter Book's ``hide-input``: a "Show code" button) when it

* is the **set-up cell** (installs lossbook on Colab: it mentions ``google.colab``);
* is the **imports cell** (the first code cell after the set-up cell, if it starts with
  an ``import``);
* **only draws a figure**: it calls ``figure(``, ``plt.subplots(`` or ``plt.figure(`` and
  its outputs hold a PNG and no printed text (no stream output); or its output is a
  kernel-free slider (``lossbook.widgets.interactive_figure``) and it prints nothing.

A cell the author wants open although it matches (its code *is* the lesson) carries the
tag ``show-input``. Cells already folded (``hide-cell``) or removed (``remove-input``,
``remove-cell``) are left alone. Only the metadata changes -- never a cell's source or
outputs -- so re-running the script changes nothing (idempotent) and strict nbval is
unaffected. Notebooks are rewritten with nbformat's own layout (indent 1), as
``tools/execute_notebooks.py`` writes them.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
HIDE = "hide-input"
OPT_OUT = "show-input"
ALREADY_HIDDEN = {"hide-cell", "remove-input", "remove-cell", HIDE}
FIGURE_CALL = re.compile(r"(?<![\w.])(?:figure|plt\.subplots|plt\.figure)\(")


def source_of(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def is_setup_cell(cell) -> bool:
    return cell.get("cell_type") == "code" and "google.colab" in source_of(cell)


def starts_with_import(cell) -> bool:
    # IPython magics (%pip, !cmd) are not Python: drop them before parsing
    lines = [ln for ln in source_of(cell).splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return False
    return bool(tree.body) and isinstance(tree.body[0], ast.Import | ast.ImportFrom)


def _outputs(cell):
    return cell.get("outputs", [])


def prints_text(cell) -> bool:
    return any(out.get("output_type") == "stream" for out in _outputs(cell))


def has_png(cell) -> bool:
    return any("image/png" in out.get("data", {}) for out in _outputs(cell))


def has_static_slider(cell) -> bool:
    for out in _outputs(cell):
        html = out.get("data", {}).get("text/html", "")
        if "lossbook-slider" in ("".join(html) if isinstance(html, list) else html):
            return True
    return False


def only_draws_a_figure(cell) -> bool:
    if cell.get("cell_type") != "code" or prints_text(cell):
        return False
    if has_static_slider(cell):
        return True
    return bool(FIGURE_CALL.search(source_of(cell))) and has_png(cell)


def cells_to_hide(notebook) -> list[tuple[int, str]]:
    """``(index, why)`` of every cell the rule collapses, whatever its tags are now."""
    found: list[tuple[int, str]] = []
    code = [(i, c) for i, c in enumerate(notebook["cells"]) if c.get("cell_type") == "code"]
    setup = [i for i, c in code if is_setup_cell(c)]
    found += [(i, "set-up cell") for i in setup]
    if setup:
        after = [(i, c) for i, c in code if i > setup[0]]
        if after and starts_with_import(after[0][1]):
            found.append((after[0][0], "imports cell"))
    taken = {i for i, _ in found}
    found += [(i, "draws a figure") for i, c in code if i not in taken and only_draws_a_figure(c)]
    return sorted(found)


def missing_tags(notebook) -> list[tuple[int, str]]:
    """The cells the rule collapses that are not collapsed yet (and not opted out)."""
    missing = []
    for i, why in cells_to_hide(notebook):
        tags = set(notebook["cells"][i].get("metadata", {}).get("tags", []))
        if not tags & (ALREADY_HIDDEN | {OPT_OUT}):
            missing.append((i, why))
    return missing


def tag(path: Path, *, write: bool = True) -> list[tuple[int, str]]:
    notebook = nbformat.read(path, as_version=4)
    missing = missing_tags(notebook)
    if missing and write:
        for i, _ in missing:
            metadata = notebook.cells[i].setdefault("metadata", {})
            metadata["tags"] = [*metadata.get("tags", []), HIDE]
        nbformat.write(notebook, path)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    changed = 0
    for path in paths:
        missing = tag(path, write=not args.check)
        for i, why in missing:
            print(f"{path}: cell {i} ({why}) {'needs' if args.check else 'tagged'} {HIDE}")
        changed += len(missing)
    print(f"{changed} cell(s) {'need' if args.check else 'got'} {HIDE}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
