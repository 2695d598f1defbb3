"""Print the whole book to one PDF with headless Chromium (the browser the tests use).

    jupyter-book build -W --keep-going .     # first: the site, _build/html
    python tools/build_pdf.py                # then: _build/pdf/lossbook.pdf

Needs Chromium (Debian/Ubuntu: ``apt-get install chromium``; any Chrome or Chromium
works, named by ``--chromium`` or the ``LOSSBOOK_CHROMIUM`` variable) and the
``playwright`` Python package from requirements.txt -- never a browser download.

How: the built pages are served on localhost; one print document is assembled in
the browser from the article of every page in ``_toc.yml``'s order (a title page with
the version, date and licenses; a contents page with page numbers; then each page
starting on a new sheet), with the site's own stylesheets and its vendored MathJax,
which typesets every formula -- and loads every font it needs -- before printing.
Links between pages become links inside the document. Folded code stays out; exercise
solutions are printed, unfolded; each kernel-free slider shows its default frame; display
maths and code wider than the page are scaled to fit it (never the whole book). The
printed PDF gets bookmarks (parts, chapters, sections), a running header with the
chapter's title, and a lossless re-save with compressed streams (PyMuPDF). The PDF is written to ``_build/pdf/lossbook.pdf`` and
copied to ``_build/html/lossbook.pdf``, where the preface links it; the assembled
document stays at ``_build/pdf/print.html`` (the browser tests screenshot it).
Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import socketserver
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
OUT = BUILD / "pdf"

PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html, body { background: white !important; }
body { font-size: 10.5pt; margin: 0; }
.lossbook-page { break-before: page; }
.lossbook-title { text-align: center; padding-top: 22vh; }
.lossbook-title h1 { font-size: 26pt; margin-bottom: 0.3em; }
.lossbook-title .subtitle { font-size: 13pt; margin-bottom: 3em; }
.lossbook-title .colophon { font-size: 9.5pt; color: #333; margin-top: 30vh; }
#lossbook-contents { break-before: page; }
#lossbook-contents h2 { font-size: 16pt; }
#lossbook-contents ol { list-style: none; padding-left: 0; }
#lossbook-contents li.part { font-weight: bold; margin-top: 0.8em; }
#lossbook-contents li.chapter { display: flex; margin-left: 1.2em; }
#lossbook-contents li.chapter a { flex: 1 1 auto; }
#lossbook-contents li.chapter .dots { flex: 1 1 auto; border-bottom: 1px dotted #999;
  margin: 0 0.4em 0.3em; }
#lossbook-contents li.chapter .page { flex: 0 0 auto; }
pre, .highlight pre { white-space: pre; font-size: 8.5pt; line-height: 1.3; }
pre.lossbook-wrapped { white-space: pre-wrap; }
figure, img, div.math { break-inside: avoid; }
table { break-inside: auto; }
tr { break-inside: avoid; }
.cell_output { break-inside: auto; }
h1, h2, h3 { break-after: avoid; }
figure.lossbook-slider input, figure.lossbook-slider script,
figure.lossbook-slider output { display: none !important; }
details.hide > summary, .toggle-hidden, button, .headerlink, .copybtn, .web-only
  { display: none !important; }
a { color: inherit; text-decoration: none; }
div.math, mjx-container[display="true"] { overflow: visible !important; }
.bd-article { padding: 0 !important; }
.lossbook-solution-note { font-style: italic; color: #333; }
"""

#: Web-only wording and its print replacement (the site folds solutions; paper prints them).
PRINT_WORDING = {
    "they are folded on the web page (click to show them)": "they are printed in full below",
    "the rocket icon at the top of each chapter → Colab": "each chapter's Colab button on the website",
    "Use the rocket icon at the top of the page to open this notebook in Colab, or download the .ipynb.": "On the website, each chapter opens in Colab or downloads as a notebook.",
    "(unfold it)": "(printed below)",
    "unfold it to read it": "here it is",
    " (rocket icon)": "",
}

ASSEMBLE = """async ({pages, parts, meta, wording}) => {
  const book = document.createElement('div');
  book.className = 'bd-article';
  const cover = document.createElement('section');
  cover.className = 'lossbook-title';
  cover.innerHTML = `<h1>${meta.title}</h1><p class="subtitle">${meta.subtitle}</p>
    <p class="colophon">Version ${meta.version} · printed ${meta.date}<br>
    Code: ${meta.code_license} · Text and figures: ${meta.text_license}<br>${meta.url}</p>`;
  book.appendChild(cover);
  const contents = document.createElement('nav');
  contents.id = 'lossbook-contents';
  book.appendChild(contents);
  const slugOf = {};
  for (const p of pages) slugOf[new URL(p.href).pathname] = p.slug;
  const headings = [];
  for (const p of pages) {
    const html = await (await fetch(p.href)).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const article = doc.querySelector('article.bd-article') || doc.querySelector('main');
    article.querySelectorAll('script, noscript, .toggle-button, button').forEach(e => e.remove());
    // solutions: every folded cell after the Solutions heading is printed, unfolded
    const solutions = [...article.querySelectorAll('h2, h3, h4')]
      .find(h => h.textContent.replace('#', '').trim() === 'Solutions');
    article.querySelectorAll('details.hide').forEach(d => {
      const after = solutions && (solutions.compareDocumentPosition(d)
                                  & Node.DOCUMENT_POSITION_FOLLOWING);
      if (after) { d.open = true; d.querySelector('summary')?.remove();
                   d.classList.add('lossbook-solution'); }
      else d.remove();
    });
    article.querySelectorAll('.dropdown').forEach(d => d.classList.remove('dropdown'));
    article.querySelectorAll('figure.lossbook-slider input, figure.lossbook-slider output')
      .forEach(e => e.remove());
    article.querySelectorAll('[id]').forEach(e => { e.id = p.slug + '--' + e.id; });
    // links: another page of the book -> its anchor in this document; other site files and
    // the local server -> plain text; the web stays the web
    article.querySelectorAll('a[href]').forEach(a => {
      const url = new URL(a.getAttribute('href'), p.href);
      if (url.origin !== location.origin) return;
      const slug = slugOf[url.pathname];
      if (slug) a.setAttribute('href', '#' + slug + (url.hash ? '--' + url.hash.slice(1) : ''));
      else a.removeAttribute('href');
    });
    const section = document.createElement('section');
    section.className = 'lossbook-page';
    section.id = p.slug;
    section.innerHTML = article.innerHTML;
    book.appendChild(section);
  }
  // print wording: the site's "click to show" becomes what paper does
  const walker = document.createTreeWalker(book, NodeFilter.SHOW_TEXT);
  const texts = []; while (walker.nextNode()) texts.push(walker.currentNode);
  const squash = t => t.replace(/\\s+/g, ' ');
  for (const node of texts)
    for (const [web, paper] of Object.entries(wording))
      if (squash(node.nodeValue).includes(web))
        node.nodeValue = squash(node.nodeValue).replace(web, paper);
  book.querySelectorAll('p').forEach(el => {  // wording split over inline markup
    for (const [web, paper] of Object.entries(wording))
      if (squash(el.textContent).includes(web) && !el.querySelector('a, .math, mjx-container'))
        el.textContent = squash(el.textContent).replace(web, paper);
  });
  document.body.replaceChildren(book);
  await MathJax.startup.promise;
  await MathJax.typesetPromise();
  // MathJax loads its fonts lazily, as glyphs appear: make it load all of them, then wait
  document.body.getBoundingClientRect();
  await Promise.all([...document.fonts].filter(f => /MJX/.test(f.family))
    .map(f => f.load().catch(() => null)));
  await document.fonts.ready;
  await Promise.all([...document.images].map(i => i.complete ? null :
    new Promise(r => { i.onload = i.onerror = r; })));
  // display maths wider than the text block: scaled to fit (Chromium would otherwise shrink
  // the whole book to fit its widest element)
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    const room = m.parentElement.clientWidth, need = m.scrollWidth;
    if (need > room && room > 0) m.style.zoom = (room / need).toFixed(3);
  }
  // code: a listing wider than the page gets a smaller font (down to 6.5 pt); what still does
  // not fit wraps, with a continuation mark on the wrapped lines
  for (const pre of document.querySelectorAll('pre')) {
    const room = pre.clientWidth, need = pre.scrollWidth;
    if (need <= room || room === 0) continue;
    const size = Math.max(6.5, 8.5 * room / need);
    pre.style.fontSize = size.toFixed(2) + 'pt';
    if (pre.scrollWidth > pre.clientWidth) {
      pre.classList.add('lossbook-wrapped');
      pre.style.borderLeft = '2px solid #bbb';
      pre.style.paddingLeft = '4px';
    }
  }
  for (const el of document.querySelectorAll('table, .bd-article figure, img')) {
    const room = el.parentElement.clientWidth, need = el.scrollWidth;
    if (need > room && room > 0) el.style.zoom = (room / need).toFixed(3);
  }
  const text = h => { const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink, mjx-assistive-mml').forEach(e => e.remove());
    c.querySelectorAll('mjx-container').forEach(m => {
      const tex = m.getAttribute('data-tex') || m.textContent; m.replaceWith(tex); });
    return c.textContent.replace(/\\s+/g, ' ').trim(); };
  for (const section of book.querySelectorAll('section.lossbook-page'))
    for (const h of section.querySelectorAll('h1, h2'))
      headings.push({section: section.id, level: h.tagName === 'H1' ? 1 : 2, text: text(h),
                     id: h.closest('section[id]')?.id || section.id});
  return headings;
}"""

CONTENTS = """({parts, pageOf}) => {
  const nav = document.getElementById('lossbook-contents');
  let html = '<h2>Contents</h2><ol>';
  for (const part of parts) {
    html += `<li class="part">${part.caption}</li>`;
    for (const c of part.chapters)
      html += `<li class="chapter"><a href="#${c.slug}">${c.title}</a><span class="dots"></span>`
           + `<span class="page">${pageOf[c.slug] ?? ''}</span></li>`;
  }
  nav.innerHTML = html + '</ol>';
}"""


def toc_parts() -> list[dict]:
    """The book's parts in reading order: ``{"caption", "files"}`` (the root page first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    parts = [{"caption": "Preface", "files": [toc["root"]]}]
    for part in toc.get("parts", []):
        parts.append(
            {"caption": part["caption"], "files": [c["file"] for c in part.get("chapters", [])]}
        )
    return parts


def toc_pages() -> list[str]:
    """The book's pages in reading order, as paths relative to the site (``book/x.html``)."""
    return [f"{Path(f).with_suffix('.html')}" for part in toc_parts() for f in part["files"]]


def chromium_path(given: str | None) -> str:
    for candidate in (given, os.environ.get("LOSSBOOK_CHROMIUM"), "chromium", "google-chrome"):
        if candidate and (shutil.which(candidate) or Path(candidate).exists()):
            return shutil.which(candidate) or candidate
    raise SystemExit("no Chromium found: apt-get install chromium (or pass --chromium PATH)")


def serve(directory: Path) -> tuple[socketserver.TCPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _title_lines(page) -> list[str]:
    """The text of a page's headline-sized lines (chapter titles print at 16 pt and more)."""
    lines = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            if line["spans"] and max(span["size"] for span in line["spans"]) >= 16:
                lines.append("".join(span["text"] for span in line["spans"]).strip())
    return lines


def _chapter_pages(pdf: Path, headings: list[dict]) -> dict[str, int]:
    """The 1-based page on which each page of the book (its title) starts."""
    import pymupdf

    doc = pymupdf.open(pdf)
    titles = {}
    for h in headings:
        if h["level"] == 1:  # compared without white space: a title may wrap anywhere
            titles.setdefault(h["section"], "".join(h["text"].split())[:30])
    headlines = ["".join("".join(_title_lines(page)).split()) for page in doc]
    pages, start = {}, 1  # page 1 is the title page
    for slug, title in titles.items():  # in reading order: search forward
        for number in range(start, doc.page_count):
            if title in headlines[number]:
                pages[slug] = number + 1
                start = number + 1
                break
    return pages


def _find_from(doc, text: str, page: int) -> int | None:
    """The first page, from ``page`` (1-based) on, that shows ``text``."""
    for number in range(page - 1, doc.page_count):
        if doc[number].search_for(text[:40]):
            return number + 1
    return None


def _finish(pdf: Path, headings: list[dict], parts: list[dict], out: Path) -> None:
    """Bookmarks (parts, chapters, sections), running headers, and a lossless re-save."""
    import pymupdf

    doc = pymupdf.open(pdf)
    starts = _chapter_pages(pdf, headings)
    outline: list[list] = []
    chapter_starts: list[tuple[int, str]] = []
    for part in parts:
        chapters = [c for c in part["chapters"] if c["slug"] in starts]
        if not chapters:
            continue
        outline.append([1, part["caption"], starts[chapters[0]["slug"]]])
        for chapter in chapters:
            first = starts[chapter["slug"]]
            outline.append([2, chapter["title"], first])
            chapter_starts.append((first, chapter["title"]))
            page, seen = first, set()
            for h in headings:
                if h["section"] != chapter["slug"] or h["level"] != 2 or h["text"] in seen:
                    continue
                seen.add(h["text"])
                found = _find_from(doc, h["text"], page)
                if found:
                    outline.append([3, h["text"], found])
                    page = found
    doc.set_toc(outline)
    # running headers: the chapter's title at the top of every page after its first, in the
    # book's own sans (DejaVu, Debian's fonts-dejavu) where available: PDF's built-in Helvetica
    # has no en dash
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    font = (
        {"fontname": "dejavu", "fontfile": str(dejavu)} if dejavu.exists() else {"fontname": "helv"}
    )
    ends = [page for page, _ in chapter_starts[1:]] + [doc.page_count + 1]
    for (first, title), end in zip(chapter_starts, ends, strict=True):
        for number in range(first, end - 1):  # 0-based indices of the pages after the first
            doc[number].insert_text((42, 30), title, fontsize=8, color=(0.35, 0.35, 0.35), **font)
    # lossless: compressed streams, and the thousands of small tag objects in object streams
    doc.save(out, garbage=4, deflate=True, use_objstms=1)


def build(chromium: str) -> Path:
    from playwright.sync_api import sync_playwright

    import lossbook

    if not (SITE / "index.html").exists():
        raise SystemExit("build the book first: jupyter-book build -W --keep-going .")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    httpd, origin = serve(BUILD)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            # the viewport is the A4 text block (210 mm - 2 x 15 mm at 96 px/in): what the page
            # measures to fit maths, code and tables is what the printed page will hold
            page = browser.new_page(viewport={"width": 680, "height": 960})
            external = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith((origin, "data:")) else 0,
            )
            first = toc_pages()[0]
            page.goto(f"{origin}/html/{first}")
            page.wait_for_load_state("networkidle")
            titles = page.evaluate(
                """(hrefs) => Promise.all(hrefs.map(async h => {
                     const d = new DOMParser().parseFromString(await (await fetch(h)).text(),
                                                               'text/html');
                     const h1 = d.querySelector('article h1');
                     return h1 ? h1.textContent.replace('#', '').trim() : h; }))""",
                [f"{origin}/html/{path}" for path in toc_pages()],
            )
            pages = [
                {"href": f"{origin}/html/{path}", "slug": Path(path).stem, "title": title}
                for path, title in zip(toc_pages(), titles, strict=True)
            ]
            by_file = {
                Path(path).stem: page_ for path, page_ in zip(toc_pages(), pages, strict=True)
            }
            parts = [
                {
                    "caption": part["caption"],
                    "chapters": [by_file[Path(f).stem] for f in part["files"]],
                }
                for part in toc_parts()
            ]
            meta = {
                "title": config["title"],
                "subtitle": "loss functions, from formula to code",
                "version": lossbook.__version__,
                "date": time.strftime("%Y-%m-%d"),
                "code_license": "MIT License",
                "text_license": "CC BY 4.0",
                "url": config["repository"]["url"],
            }
            page.emulate_media(media="print", color_scheme="light")
            page.evaluate("document.documentElement.dataset.theme = 'light'")
            page.add_style_tag(content=PRINT_CSS)
            headings = page.evaluate(
                ASSEMBLE, {"pages": pages, "parts": parts, "meta": meta, "wording": PRINT_WORDING}
            )
            # the assembled document, for the screenshot test (served from _build/)
            html = page.content()
            (OUT / "print.html").write_text(
                html.replace(f"{origin}/html/", "../html/").replace(
                    "<head>", '<head><base href="../html/book/">', 1
                ),
                encoding="utf-8",
            )
            draft, pdf = OUT / "draft.pdf", OUT / "lossbook.pdf"
            options = dict(
                format="A4",
                print_background=True,
                outline=False,
                tagged=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
                    '<span class="pageNumber"></span></div>'
                ),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            )
            # two passes: print, read where each chapter starts, write the contents' page
            # numbers, print again (until the numbers hold)
            page_of: dict[str, int] = {}
            for _ in range(3):
                page.evaluate(CONTENTS, {"parts": parts, "pageOf": page_of})
                page.pdf(path=str(draft), **options)
                found = _chapter_pages(draft, headings)
                if found == page_of:
                    break
                page_of = found
            browser.close()
            if external:
                raise SystemExit(f"the print document requested outside files: {external[:5]}")
    finally:
        httpd.shutdown()
    _finish(draft, headings, parts, pdf)
    draft.unlink()
    shutil.copyfile(pdf, SITE / "lossbook.pdf")
    return pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", help="path of the Chromium/Chrome executable")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pdf = build(chromium_path(args.chromium))
    size = pdf.stat().st_size / 2**20
    print(f"{pdf.relative_to(ROOT)}: {size:.1f} MB in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
