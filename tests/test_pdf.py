"""The printed book, tested as a PDF (``tools/build_pdf.py`` writes ``_build/pdf/lossbook.pdf``).

Read with PyMuPDF, as a reader's PDF viewer would show it: maths in MathJax's TeX fonts (no
fallback serif), body text at its intended size (Chromium shrinks a whole document to fit its
widest element), no link to the throw-away build server, bookmarks for every part and page of
``_toc.yml`` in order, a printed solution for every exercise, no web-only wording, no near-blank
page, a contents page with page numbers, running headers, and a size and page count within
bounds. A page of the PDF itself (not the print HTML) is rendered to
``docs/screenshots/pdf_page.png``.

Skipped when the PDF is not built, unless ``LOSSBOOK_REQUIRE_SITE=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "pdf" / "lossbook.pdf"
REQUIRED = os.environ.get("LOSSBOOK_REQUIRE_SITE") == "1"

pymupdf = pytest.importorskip("pymupdf")
if not PDF.exists():
    if REQUIRED:
        raise RuntimeError(
            "LOSSBOOK_REQUIRE_SITE=1 but no _build/pdf/lossbook.pdf: run tools/build_pdf.py"
        )
    pytest.skip("the PDF is not built (python tools/build_pdf.py)", allow_module_level=True)

sys.path.insert(0, str(ROOT / "tools"))
from build_pdf import PRINT_WORDING, toc_parts  # noqa: E402

MAX_MB = 20.0  # ~600 pages; issue 27 aimed at 10 MB for a book half as long
PAGES = (250, 700)
#: Fonts a PDF viewer substitutes when MathJax's own is missing: maths must never use them.
FALLBACK = re.compile(r"Serif|Times|Georgia|Cambria|STIX", re.I)
#: The one character MathJax's TeX fonts lack (ℓ, typed as Unicode in some formulas).
ALLOWED_FALLBACK = {"ℓ"}


@cache
def document():
    return pymupdf.open(PDF)


@cache
def spans() -> list[tuple[int, str, float, str]]:
    """(page index, font, size, text) of every text span: on every page that embeds a fallback
    font, and on every fourth page besides (text extraction is slow; the fonts are not)."""
    out = []
    for number, page in enumerate(document()):
        fonts = {font[3] for font in page.get_fonts()}
        if number % 4 and not any(FALLBACK.search(f) for f in fonts):
            continue
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    if span["text"].strip():
                        out.append((number, span["font"], span["size"], span["text"]))
    return out


@cache
def page_texts() -> list[str]:
    return [" ".join(page.get_text().split()) for page in document()]


def chapter_titles() -> list[tuple[str, str]]:
    """(part caption, page title) in reading order, from the notebooks and pages themselves."""
    titles = []
    for part in toc_parts():
        for file in part["files"]:
            path = ROOT / file
            if path.with_suffix(".ipynb").exists():
                first = json.loads(path.with_suffix(".ipynb").read_text())["cells"][0]["source"]
                heading = "".join(first).splitlines()[0]
            else:
                heading = path.with_suffix(".md").read_text().splitlines()[0]
            titles.append((part["caption"], heading.lstrip("# ").strip()))
    return titles


def test_maths_is_set_in_mathjax_fonts_never_a_fallback_serif():
    fallback = Counter(text for _, font, _, text in spans() if FALLBACK.search(font))
    unexpected = {t: n for t, n in fallback.items() if set(t.strip()) - ALLOWED_FALLBACK}
    assert not unexpected, f"maths in a fallback font: {dict(Counter(unexpected).most_common(8))}"
    mathjax = sum(len(text) for _, font, _, text in spans() if font.startswith("Type3"))
    assert mathjax > 5000, f"only {mathjax} glyphs in MathJax's (Type3) fonts: fonts not loaded?"


def test_body_text_is_printed_at_its_intended_size():
    sizes = Counter()
    for _, font, size, text in spans():
        if "Mono" not in font and not font.startswith("Type3"):
            sizes[round(size, 1)] += len(text)
    body = sizes.most_common(1)[0][0]
    assert body >= 10.0, f"body text at {body} pt: the document was shrunk to fit something wide"
    code = Counter(
        round(size, 1) for _, font, size, text in spans() for _ in [0] if "Mono" in font
    ).most_common(1)[0][0]
    assert code >= 8.0, f"code printed at {code} pt"


def test_no_link_points_to_the_build_server():
    local = [
        (number + 1, link["uri"])
        for number, page in enumerate(document())
        for link in page.get_links()
        if re.search(r"127\.0\.0\.1|localhost", link.get("uri") or "")
    ]
    assert not local, f"{len(local)} links to the build server, e.g. {local[:3]}"
    internal = sum(
        1
        for page in document()
        for link in page.get_links()
        if link["kind"] in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED)
    )
    assert internal > 300  # citations, glossary terms, cross-references: in-document anchors


def test_bookmarks_are_the_parts_and_pages_of_the_table_of_contents():
    outline = document().get_toc()
    parts = [title for level, title, _ in outline if level == 1]
    pages = [title for level, title, _ in outline if level == 2]
    expected = chapter_titles()
    assert parts == list(dict.fromkeys(part for part, _ in expected))
    assert pages == [title for _, title in expected]
    assert all(level in (1, 2, 3) for level, _, _ in outline)
    for _level, title, page in outline:
        assert page >= 1, f"bookmark {title!r} points nowhere"
        assert not re.search(r"(.{6,})\1", title), f"doubled bookmark {title!r}"
    starts = [page for level, _, page in outline if level == 2]
    assert starts == sorted(starts)


def test_the_contents_page_lists_every_chapter_with_its_page():
    first_pages = {title: page for level, title, page in document().get_toc() if level == 2}
    contents = next(i for i, text in enumerate(page_texts()) if text.startswith("Contents"))
    listing = " ".join(page_texts()[contents : contents + 2])
    for title, page in first_pages.items():
        assert re.search(re.escape(title[:25]) + r".*?\b" + str(page) + r"\b", listing), title
    assert not re.search(r"\b(\d+)\. \1\. ", listing)  # "2. 2. Properties": numbers doubled


def test_every_exercise_has_a_printed_solution():
    outline = document().get_toc()
    chapters = [(title, page) for level, title, page in outline if level == 2]
    missing = {}
    for index, (title, first) in enumerate(chapters):
        number = re.match(r"(\d+)\. ", title)
        if not number:
            continue
        notebook = next((ROOT / "book").glob(f"{int(number.group(1)):02d}_*.ipynb"))
        cells = json.loads(notebook.read_text())["cells"]
        exercises = next(
            "".join(c["source"]) for c in cells if "## Exercises" in "".join(c["source"])
        )
        asked = exercises.split("## Exercises")[1].split("### Solutions")[0]
        count = len(re.findall(r"^\d+\. ", asked, re.M))
        end = chapters[index + 1][1] if index + 1 < len(chapters) else len(page_texts())
        exercises_page = next(
            (p for level, t, p in outline if level == 3 and t == "Exercises" and first <= p <= end),
            first,
        )
        text = " ".join(page_texts()[exercises_page - 1 : end])
        printed = text[text.find("Solutions", text.find("Exercises")) :]
        answered = {
            int(n)
            for n in re.findall(r"(?:^|\s)# ?(\d+)(?:\(\w\))?[.:]\s|Solution (\d+)", printed)
            for n in n
            if n
        }
        if set(range(1, count + 1)) - answered:
            missing[title] = sorted(set(range(1, count + 1)) - answered)
    assert not missing, f"exercises without a printed solution: {missing}"


def test_no_web_only_wording_and_no_near_blank_page():
    text = " ".join(page_texts())
    web = [
        p for p in [*PRINT_WORDING, "click to show", "rocket icon", "Show code cell"] if p in text
    ]
    assert not web, f"web-only wording in print: {web}"  # (not `in text`: a huge diff)
    blank = [
        number + 1
        for number, (page, words) in enumerate(zip(document(), page_texts(), strict=True))
        if len(words) < 120 and not page.get_images() and number > 0
    ]
    assert not blank, f"near-blank pages: {blank}"


def test_running_headers_name_the_chapter():
    outline = [(title, page) for level, title, page in document().get_toc() if level == 2]
    for (title, first), (_, following) in itertools.pairwise(outline):
        if following - first >= 2:
            page = document()[first]  # the page after the chapter's first
            top = pymupdf.Rect(0, 0, page.rect.width, 40)  # the header band, above the text
            header = " ".join(page.get_text(clip=top).split())
            assert header.startswith(title[:30]), (title, header[:60])


def test_size_and_page_count_are_within_bounds():
    size = PDF.stat().st_size / 2**20
    assert size <= MAX_MB, f"{size:.1f} MB"
    assert PAGES[0] <= document().page_count <= PAGES[1]
    assert document().metadata["format"].startswith("PDF")
    assert document().is_pdf and document().get_toc()


def test_a_rendered_page_of_the_pdf_is_kept_as_a_screenshot():
    """The regression chapter's first page, as the PDF renders it (the README shows it)."""
    outline = document().get_toc()
    page = next(p for level, title, p in outline if level == 2 and title.startswith("3."))
    pixmap = document()[page - 1].get_pixmap(dpi=80)
    out = ROOT / "docs" / "screenshots" / "pdf_page.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    pixmap.save(out)
    assert out.stat().st_size > 20_000 and pixmap.width > 500
