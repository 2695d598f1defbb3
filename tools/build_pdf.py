"""Print the whole book to one PDF with headless Chromium (the browser the tests use).

    jupyter-book build -W --keep-going .     # first: the site, _build/html
    python tools/build_pdf.py                # then: _build/pdf/lossbook.pdf

Needs Chromium (Debian/Ubuntu: ``apt-get install chromium``; any Chrome or Chromium
works, named by ``--chromium`` or the ``LOSSBOOK_CHROMIUM`` variable) and the
``playwright`` Python package from requirements.txt -- never a browser download.

How: the built pages are served on localhost; one print document is assembled in
the browser from the article of every page in ``_toc.yml``'s order (a title page,
then each page starting on a new sheet), with the site's own stylesheets and its
vendored MathJax, which typesets every formula before printing. What is folded on
the site stays out (collapsed code, exercise solutions); each kernel-free slider
shows its default frame. The PDF is written to ``_build/pdf/lossbook.pdf`` and
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
.lossbook-title { text-align: center; padding-top: 30vh; }
.lossbook-title h1 { font-size: 26pt; }
pre, .highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 8.5pt; }
figure, img, .cell_output, table, div.math { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
figure.lossbook-slider input, figure.lossbook-slider script { display: none; }
details.hide, .toggle-hidden, button, .headerlink, .copybtn { display: none !important; }
a { color: inherit; text-decoration: none; }
div.math, mjx-container[display="true"] { overflow: visible !important; }
.bd-article { padding: 0 !important; }
"""

ASSEMBLE = """async ({pages, title, url}) => {
  const book = document.createElement('div');
  book.className = 'bd-article';
  const cover = document.createElement('section');
  cover.className = 'lossbook-title';
  const contents = pages.map(p => `<li>${p.title}</li>`).join('');
  cover.innerHTML = `<h1>${title}</h1><p>${url}</p><ol>${contents}</ol>`;
  book.appendChild(cover);
  for (const p of pages) {
    const html = await (await fetch(p.href)).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const article = doc.querySelector('article.bd-article') || doc.querySelector('main');
    article.querySelectorAll('script, details.hide, .toggle-hidden, noscript')
      .forEach(e => e.remove());
    article.querySelectorAll('figure.lossbook-slider input').forEach(e => e.remove());
    article.querySelectorAll('[id]').forEach(e => { e.id = p.slug + '--' + e.id; });
    const section = document.createElement('section');
    section.className = 'lossbook-page';
    section.innerHTML = article.innerHTML;
    book.appendChild(section);
  }
  document.body.replaceChildren(book);
  await MathJax.startup.promise;
  await MathJax.typesetPromise();
  await Promise.all([...document.images].map(i => i.complete ? null :
    new Promise(r => { i.onload = i.onerror = r; })));
  return document.documentElement.outerHTML;
}"""


def toc_pages() -> list[str]:
    """The book's pages in reading order, as paths relative to the site (``book/x.html``)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return [f"{Path(f).with_suffix('.html')}" for f in files]


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


def build(chromium: str) -> Path:
    from playwright.sync_api import sync_playwright

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
            page = browser.new_page()
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
            page.emulate_media(media="print", color_scheme="light")
            page.evaluate("document.documentElement.dataset.theme = 'light'")
            page.add_style_tag(content=PRINT_CSS)
            html = page.evaluate(
                ASSEMBLE,
                {"pages": pages, "title": config["title"], "url": config["repository"]["url"]},
            )
            # the assembled document, for the screenshot test (served from _build/)
            (OUT / "print.html").write_text(
                html.replace(f"{origin}/html/", "../html/").replace(
                    "<head>", '<head><base href="../html/book/">', 1
                ),
                encoding="utf-8",
            )
            pdf = OUT / "lossbook.pdf"
            page.pdf(
                path=str(pdf),
                format="A4",
                print_background=True,
                outline=True,
                tagged=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
                    '<span class="pageNumber"></span></div>'
                ),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            )
            browser.close()
            if external:
                raise SystemExit(f"the print document requested outside files: {external[:5]}")
    finally:
        httpd.shutdown()
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
