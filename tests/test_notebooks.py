"""The committed notebooks are what strict nbval can really check, and follow the book's rules.

Strict nbval (run over ``book/`` by the same pytest command) re-executes each
notebook and compares every text output with the committed one. That proves
nothing for a cell saved without outputs, so these tests insist that every
code cell was executed, in order, in one clean top-to-bottom run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if p.name[:2].isdigit()]  # 01_... to 15_...
TOC = (ROOT / "_toc.yml").read_text()


def code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def markdown(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_the_book_has_fifteen_chapters_and_two_pages():
    """Chapters 01-15 in order (one notebook each), plus the API reference and the explorer."""
    assert [p.name[:2] for p in CHAPTERS] == [f"{n:02d}" for n in range(1, 16)]
    assert sorted(p.name for p in NOTEBOOKS if p not in CHAPTERS) == [
        "api.ipynb",
        "explorer.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_in_one_clean_run(path):
    counts = [cell["execution_count"] for cell in code_cells(path)]
    assert None not in counts, f"{path.name}: code cells never executed: {counts}"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; "
        "re-run it with tools/execute_notebooks.py"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_outputs_and_no_widget_state(path):
    notebook = json.loads(path.read_text())
    assert "widgets" not in notebook["metadata"], "widget state would need widget JS from a CDN"
    for cell in code_cells(path):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{path.name}: {output.get('ename')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_in_table_of_contents(path):
    assert re.search(rf"file:\s*book/{re.escape(path.stem)}\b", TOC), f"{path.name} not in _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_conventions(path):
    """Colab set-up first, a kernel-free slider, exercises, citations, a fixed seed."""
    cells = code_cells(path)
    assert "google.colab" in "".join(cells[0]["source"]), "first code cell must install on Colab"
    sources = "\n".join("".join(c["source"]) for c in cells)
    assert "manual_seed" in sources or "default_rng" in sources, "seed the randomness"
    html = [
        "".join(o["data"]["text/html"])
        for c in cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert any('class="lossbook-slider"' in h for h in html), "needs a kernel-free slider"
    text = markdown(path)
    assert re.search(r"^#+ .*Exercises", text, re.M), "needs an Exercises section"
    assert "{cite" in text, "cite sources from the bibliography"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_static_figure_has_alt_text(path):
    """Figures shown as PNG outputs need ``mystnb: image: alt`` cell metadata (accessibility)."""
    missing = []
    for cell in code_cells(path):
        has_png = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        if has_png and len(alt.strip()) < 20:
            missing.append(cell["execution_count"])
    assert not missing, f"{path.name}: figures without alt text in cells {missing}"


# Prose that reports a result the notebook never computes. Every number the book states must
# come from an executed cell, so a phrase like these means: compute it (in a cell the reader can
# rerun) or delete the claim. Matched case-insensitively across line breaks, in the markdown
# cells and in the comments of the code cells.
UNEXECUTED_RESULT_PHRASES = [
    r"not\s+(?:been\s+)?executed",  # "... which is why it is not executed here"
    r"not\s+(?:run|re-?run|computed|shown|reproduced)\s+here",
    r"(?:too\s+slow|takes\s+too\s+long)\s+to\s+(?:run|execute)",
    r"in\s+our\s+(?:own\s+)?(?:trials|experiments|tests|testing)",  # not "in our run" (ch. 8's)
    r"we\s+(?:have\s+)?(?:found|observed|measured)\s+(?:elsewhere|separately|offline)",
]


def prose_and_comments(path: Path) -> str:
    """The notebook's markdown, and the ``#`` comments of its code cells."""
    parts = []
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(source)
        elif cell["cell_type"] == "code":
            parts += [line.split("#", 1)[1] for line in source.splitlines() if "#" in line]
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_results_from_runs_the_book_does_not_execute(path):
    text = prose_and_comments(path)
    found = [
        " ".join(match.group(0).split())
        for pattern in UNEXECUTED_RESULT_PHRASES
        for match in re.finditer(pattern, text, re.IGNORECASE)
    ]
    assert not found, (
        f"{path.name} reports results no cell computes ({found}): "
        "compute them in an executed cell, or remove the claim"
    )


def exercise_cells(path: Path) -> list[dict]:
    """The cells after the chapter's *Exercises* heading."""
    cells = json.loads(path.read_text())["cells"]
    start = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown"
        and re.search(r"^#+ .*Exercises", "".join(c["source"]), re.M)
    )
    return cells[start:]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_solutions_are_folded(path):
    """Every code cell after the Exercises heading is a solution, folded with ``hide-cell``."""
    unfolded = [
        "".join(c["source"]).splitlines()[0][:60]
        for c in exercise_cells(path)
        if c["cell_type"] == "code"
        and "".join(c["source"]).strip()
        and "hide-cell" not in c.get("metadata", {}).get("tags", [])
    ]
    assert not unfolded, f"{path.name}: solutions not tagged hide-cell: {unfolded}"
    assert any(c["cell_type"] == "code" for c in exercise_cells(path)), "exercises need solutions"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_markdown_cell_links_the_chapters_glossary_terms(path):
    cells = json.loads(path.read_text())["cells"]
    first = "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])
    glossary = (ROOT / "book" / "glossary.md").read_text()
    terms = re.findall(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`", first)
    assert terms, f"{path.name}: the first markdown cell links no glossary term"
    for text, target in terms:
        term = (target or text).strip()
        assert re.search(rf"^{re.escape(term)}$", glossary, re.M | re.I), (
            f"{path.name}: {{term}}`{term}` is not a glossary entry"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_wall_clock_times_in_outputs(path):
    """Timings differ on every run and every machine: strict nbval would fail on them."""
    timed = []
    for cell in code_cells(path):
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", "")) + "".join(
                output.get("data", {}).get("text/plain", "")
            )
            if re.search(r"\b(?:took|elapsed|wall|time:)\s*[:=]?\s*\d", text, re.I):
                timed.append(cell["execution_count"])
    assert not timed, f"{path.name}: cells {timed} print timings"
