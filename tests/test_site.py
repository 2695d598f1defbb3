"""The built site, tested as a reader meets it: in a real browser (Playwright driving Chromium).

These tests need the site built first (the README's first command writes
``_build/html``) and Debian's Chromium at ``/usr/bin/chromium`` (no browser
download). Without them the tests are skipped -- unless ``LOSSBOOK_REQUIRE_SITE=1``
is set, as ``.ci/run`` does, in which case a missing site or browser fails.

Every page: loads with no JavaScript console error and no request leaving the
local server; typesets every equation; moves every kernel-free slider and sees
its figure change. Search finds a loss by name. Every notebook page links to
Colab for its own ``.ipynb`` and offers the notebook for download. Every image
has alt text or a caption, and no page weighs more than 2 MB. Code listings hold
no raw reStructuredText. On a 390 px phone nothing in the article is clipped:
what is wider than the screen scrolls inside its own box, and no figure is shrunk
until its text is under 7 px. axe-core (vendored in ``tests/vendor``, never
fetched) finds no serious or critical accessibility violation on any page, at
desktop width in the light and the dark theme, and at phone width. Table cells keep
their words and code names whole; one search box is in sight; the site's root asks
for nothing that is missing (``/favicon.ico``). The PDF of the book
(``tools/build_pdf.py``) is linked from the preface.
"""

from __future__ import annotations

import base64
import functools
import html as htmllib
import http.server
import io
import os
import re
import shutil
import socketserver
import threading
import urllib.parse
from pathlib import Path

import pytest
import yaml
from PIL import Image
from site_images import undescribed_images

from lossbook.plot import BOOK_STYLE

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("LOSSBOOK_REQUIRE_SITE") == "1"
MAX_PAGE_BYTES = 2 * 1024 * 1024
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LEGIBLE_PX = 7  # figure text drawn smaller than this (CSS px) is not read on a phone
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
RAW_RST = re.compile(r"\.\. math::|\\begin\{|:math:`|``")

if not (SITE / "index.html").exists():
    if REQUIRED:
        raise RuntimeError("LOSSBOOK_REQUIRE_SITE=1 but _build/html is missing: build the book")
    pytest.skip("the site is not built (run the README's build command)", allow_module_level=True)

NOTEBOOKS = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
PAGES = sorted(
    str(p.relative_to(SITE))
    for p in (SITE / "book").glob("*.html")
    if p.stem not in {"genindex", "search"}
)


# --- static checks of the HTML ----------------------------------------------------
def page_weight(page: Path) -> tuple[int, int]:
    """(own, first_visit) bytes of a page.

    *own*: the HTML (with its inline kernel-free frames) plus the images only it
    uses (``_images/``) -- what the 2 MB budget covers. *first_visit*: own plus
    every local script and stylesheet it loads (the theme, MathJax), which a
    browser caches after the first page; reported, not limited.
    """
    html = page.read_text()
    own = shared = 0
    own += len(html.encode())
    for ref in set(re.findall(r'(?:src|href)="([^"#?]+)(?:\?[^"]*)?"', html)):
        if ref.startswith(("http:", "https:", "data:", "mailto:")) or ref.endswith(".html"):
            continue
        target = (page.parent / ref).resolve()
        if target.is_file():
            if "_images" in target.parts:
                own += target.stat().st_size
            else:
                shared += target.stat().st_size
    return own, own + shared


@pytest.mark.parametrize("page", PAGES)
def test_every_image_has_alt_text_or_a_caption(page):
    missing = undescribed_images((SITE / page).read_text())
    assert not missing, f"{page}: images without alt text or caption: {missing}"


def test_page_weight_report(record_property):
    weights = sorted(((*page_weight(SITE / p), p) for p in PAGES), reverse=True)
    print("\nheaviest pages: own weight (HTML + frames + images) / first visit (+ theme, MathJax)")
    for own, first, page in weights[:5]:
        print(f"  {own / 2**20:5.2f} MB / {first / 2**20:5.2f} MB  {page}")
    own, first, page = weights[0]
    record_property(
        "site_report",
        f"heaviest page: {page}, {own / 2**20:.2f} MB own "
        f"({first / 2**20:.2f} MB on a first visit, theme and MathJax included)",
    )
    too_heavy = [(p, round(own / 2**20, 2)) for own, _, p in weights if own > MAX_PAGE_BYTES]
    assert not too_heavy, f"pages over 2 MB: {too_heavy}"


@pytest.mark.parametrize("page", PAGES)
def test_code_listings_hold_no_raw_rst(page):
    """Listings read like a book: no ``.. math::``, ``\\begin{`` or ``double backticks``."""
    raw = []
    for pre in re.findall(r"<pre[^>]*>(.*?)</pre>", (SITE / page).read_text(), flags=re.S):
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", pre))
        for line in text.splitlines():
            if RAW_RST.search(line):
                raw.append(line.strip()[:70])
    assert not raw, f"{page}: {len(raw)} lines of raw RST in code listings (show_source: {raw[:4]})"


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n[:2].isdigit()])
def test_notebook_pages_link_to_colab_and_download(name):
    html = (SITE / "book" / f"{name}.html").read_text()
    slug = REPO_URL.removeprefix("https://github.com/")
    colab = f"colab.research.google.com/github/{slug}/blob/main/book/{name}.ipynb"
    assert colab in html, "Colab launch link to the page's own notebook"
    assert f"_sources/book/{name}.ipynb" in html, "download link for the .ipynb"
    assert (SITE / "_sources" / "book" / f"{name}.ipynb").is_file()


# --- the browser --------------------------------------------------------------------
FAILED_REQUESTS: list[tuple[int, str]] = []  # (status, path) the test server could not serve


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site quietly, remembering every request it answers with an error
    (the browser's own requests, such as ``/favicon.ico``, never reach Playwright's events)."""

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, *args, **kwargs) -> None:
        FAILED_REQUESTS.append((int(code), self.path))
        super().send_error(code, *args, **kwargs)


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(SiteHandler, directory=str(SITE))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        if REQUIRED:
            raise RuntimeError(f"LOSSBOOK_REQUIRE_SITE=1 but no Chromium at {CHROMIUM}")
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, origin: str, path: str, record_property=None, color_scheme="light"):
    url = f"{origin}/{path}"
    page = browser.new_page(color_scheme=color_scheme)  # the site follows the reader's setting
    problems = {"console": [], "external": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems["console"].append(str(e)))
    page.on(
        "request",
        lambda r: (
            problems["external"].append(r.url)
            if not r.url.startswith((origin, "data:", "blob:"))
            else None
        ),
    )
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    timing = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    if record_property is not None:
        record_property("page_load_ms", (path, timing))
    return page, response, problems


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_typesets_and_its_sliders_move(browser, server, page_path, record_property):
    page, response, problems = open_page(browser, server, page_path, record_property)
    try:
        assert response.ok
        # MathJax: every math node typeset, no raw TeX delimiters left in the text
        if page.locator("span.math, div.math").count():
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
            )
            page.evaluate("() => MathJax.startup.promise")
        untypeset = page.evaluate(
            """() => [...document.querySelectorAll('span.math, div.math')]
                    .filter(e => !e.querySelector('mjx-container')).length"""
        )
        assert untypeset == 0, f"{untypeset} equations not typeset"
        text = page.evaluate(
            """() => { const m = document.querySelector('main').cloneNode(true);
                       m.querySelectorAll('pre, code, mjx-container').forEach(e => e.remove());
                       return m.innerText; }"""
        )  # prose only: code may hold TeX (test_code_listings_hold_no_raw_rst checks listings)
        assert not re.search(r"\$\$|\\\(|\\\[|\\begin\{", text), "raw TeX left on the page"
        # kernel-free sliders: moving each one changes its figure and label
        sliders = page.locator("figure.lossbook-slider")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            img, label = slider.locator("img"), slider.locator("output")
            before = (img.get_attribute("src"), label.inner_text())
            last = int(slider.locator("input").get_attribute("max"))
            start = int(slider.locator("input").get_attribute("value"))
            slider.locator("input").evaluate(
                "(e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }",
                0 if start != 0 else last,
            )
            after = (img.get_attribute("src"), label.inner_text())
            assert before[0] != after[0] and before[1] != after[1], f"slider {i} did not move"
        assert not problems["console"], problems["console"]
        assert not problems["external"], problems["external"]
    finally:
        page.close()


def test_search_finds_a_loss_by_name(browser, server):
    page, _, _problems = open_page(browser, server, "search.html?q=Huber")
    try:
        page.wait_for_selector("#search-results li a", timeout=20000)
        links = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
        assert any("03_regression" in link for link in links), links
    finally:
        page.close()


VISIBLE_SEARCH_BOXES = """() => [...document.querySelectorAll(
    '.search-button-field, .search-button, .bd-search input')].filter(e => {
  const r = e.getBoundingClientRect(), vw = document.documentElement.clientWidth;
  const s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && r.right > 0 && r.left < vw
         && s.visibility !== 'hidden' && r.bottom > 0;
}).map(e => e.closest('header, aside, nav, div[id]')?.id || e.className)"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_one_search_box_in_sight(browser, server, width):
    """One search box, not two: the theme's header bar once held a second one above the
    sidebar's on a desktop screen (on a phone the sidebar folds away and the header's stays)."""
    page, _, _ = open_page(browser, server, "book/preface.html")
    try:
        page.set_viewport_size(DESKTOP if width == "desktop" else PHONE)
        page.wait_for_timeout(300)
        boxes = page.evaluate(VISIBLE_SEARCH_BOXES)
    finally:
        page.close()
    assert len(boxes) == 1, f"search boxes in sight at {width} width: {boxes}"


def test_landing_page_requests_nothing_that_is_missing(browser, server):
    """The site's root (a redirect to the preface) and the preface: every request is
    answered, the browser's own ``/favicon.ico`` on the redirect page included."""
    FAILED_REQUESTS.clear()
    page, _, _ = open_page(browser, server, "")
    try:
        page.wait_for_timeout(1000)  # the favicon is fetched after the page has loaded
        landed = page.url
    finally:
        page.close()
    assert landed.endswith("/book/preface.html"), landed
    assert not FAILED_REQUESTS, f"requests the site could not answer: {FAILED_REQUESTS}"


SCREENSHOTS = {
    "chapter.png": ("book/03_regression.html", "figure.lossbook-slider"),
    "explorer.png": ("book/explorer.html", "figure.lossbook-slider"),
}


@pytest.mark.parametrize("name", sorted(SCREENSHOTS))
def test_readme_screenshots(browser, server, name):
    """The README's screenshots, taken from the built site (committed copies: docs/screenshots).

    Written to _build/screenshots; with LOSSBOOK_UPDATE_SCREENSHOTS=1 also to docs/screenshots.
    """
    path, selector = SCREENSHOTS[name]
    if not (SITE / path).exists():
        pytest.skip(f"{path} is not in this build")
    page, _, _ = open_page(browser, server, path)
    try:
        page.set_viewport_size({"width": 1200, "height": 800})
        page.locator(selector).first.scroll_into_view_if_needed()
        page.evaluate("() => window.scrollBy(0, -120)")
        png = page.screenshot()
    finally:
        page.close()
    assert len(png) > 20_000, "a nearly blank screenshot"
    targets = [SITE.parent / "screenshots"]
    if os.environ.get("LOSSBOOK_UPDATE_SCREENSHOTS") == "1":
        targets.append(ROOT / "docs" / "screenshots")
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)


# --- phone, accessibility, PDF ---------------------------------------------------------
def typeset(page) -> None:
    if page.locator("span.math, div.math").count():
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
        )
        page.evaluate("() => MathJax.startup.promise")
    page.evaluate("() => new Promise(r => setTimeout(r, 200))")  # lossbook.js marks scrollers


CLIPPED = """() => {
  const vw = document.documentElement.clientWidth;
  const article = document.querySelector('.bd-article') || document.querySelector('main');
  const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const out = [];
  for (const e of article.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || (r.right <= vw + 1 && r.left >= -1)) continue;
    if (e.closest('mjx-assistive-mml')) continue;  // screen-reader copy, visually clipped
    let p = e.parentElement, inside = false;
    while (p && p !== article.parentElement) {
      if (scrolls(p) && p.getBoundingClientRect().right <= vw + 1) { inside = true; break; }
      p = p.parentElement;
    }
    if (!inside) out.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
                          + ` (right edge ${Math.round(r.right)} px)`);
  }
  return {page: document.documentElement.scrollWidth, viewport: vw, clipped: out};
}"""


# lossbook.js sizes figures once their images have loaded; wait for it (at most 3 s)
FIGURES_SIZED = """() => new Promise(done => {
  const t0 = Date.now();
  (function poll() {
    if (document.documentElement.dataset.lossbookFigures === 'ready' || Date.now() - t0 > 3000)
      done();
    else setTimeout(poll, 50);
  })();
})"""

FIGURE_IMAGES = r"""() => [...document.querySelectorAll('.bd-article img')]
  .filter(i => i.naturalWidth > 0 && /^data:image\/png|\.png$/.test(i.currentSrc || i.src))
  .map(i => {
    const s = getComputedStyle(i);
    const frame = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
      .reduce((sum, k) => sum + parseFloat(s[k]), 0);
    return {src: i.currentSrc || i.src, natural: i.naturalWidth, alt: (i.alt || '').slice(0, 40),
            shown: i.getBoundingClientRect().width - frame};
  })"""


def png_dpi(src: str) -> float | None:
    """The resolution a PNG records (its pHYs chunk; matplotlib writes the figure's dpi)."""
    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        data = (SITE / urllib.parse.urlparse(src).path.lstrip("/")).read_bytes()
    dpi = Image.open(io.BytesIO(data)).info.get("dpi")
    return float(dpi[0]) if dpi else None


def illegible_figures(images: list[dict]) -> list[str]:
    """Figures whose text, at the book's font size, is drawn under LEGIBLE_PX CSS pixels."""
    small = []
    for image in images:
        dpi = png_dpi(image["src"])
        if dpi is None:
            continue  # not a matplotlib figure
        text_px = BOOK_STYLE["font.size"] * dpi / 72 * image["shown"] / image["natural"]
        if text_px < LEGIBLE_PX:
            small.append(f"{image['alt']}...: {text_px:.1f} px ({image['shown']:.0f} px wide)")
    return small


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


MODERATE: dict[str, set[str]] = {}  # rule -> pages: reported at the end of the run


@pytest.mark.parametrize("page_path", [*PAGES, "search.html", "genindex.html"])
def test_phone_reader_sees_everything_and_axe_is_clean(browser, server, page_path):
    """At 390 px nothing is clipped (wide things scroll in their own box), the text of every
    figure is drawn at least LEGIBLE_PX tall (a multi-panel figure once showed 4 px tick
    labels: shrunk to the screen's width); axe: no serious violation."""
    page, _, _ = open_page(browser, server, page_path)
    try:
        page.set_viewport_size(PHONE)
        typeset(page)
        # lossbook.js re-marks the boxes that scroll 150 ms after a resize: let it run first
        page.wait_for_timeout(600)
        page.evaluate(FIGURES_SIZED)
        found = page.evaluate(CLIPPED)
        assert found["page"] <= found["viewport"], f"the page scrolls sideways: {found}"
        assert not found["clipped"], f"clipped at 390 px: {found['clipped'][:8]}"
        small = illegible_figures(page.evaluate(FIGURE_IMAGES))
        assert not small, f"figure text under {LEGIBLE_PX} px at 390 px: {small[:6]}"
        violations = run_axe(page)
    finally:
        page.close()
    for v in violations:
        if v["impact"] in ("moderate", "minor"):
            MODERATE.setdefault(f"{v['impact']} {v['id']}", set()).add(page_path)
    assert not serious(violations), serious(violations)


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page_path", [*PAGES, "search.html", "genindex.html"])
def test_desktop_page_is_accessible(browser, server, page_path, mode, record_property):
    """axe-core at 1280 px, in the light and the dark theme (the site follows the reader's
    colour scheme: in dark mode the slider captions once had a contrast of 1.7:1)."""
    page, _, _ = open_page(browser, server, page_path, color_scheme=mode)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        typeset(page)
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert theme == mode, f"the page shows the {theme} theme to a reader who prefers {mode}"
        violations = run_axe(page)
    finally:
        page.close()
    others = sorted(f"{v['impact']} {v['id']}" for v in violations if v not in serious(violations))
    if others:
        record_property("axe_moderate", (page_path, mode, others))
    assert not serious(violations), serious(violations)


BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.bd-article td, .bd-article th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest('mjx-container, .math')) continue;
      // a word: no space, and no hyphen, dash, slash or bracket (legitimate break points);
      // code names count as words too ("binary_cross_entropy" must not become "bina/ry_cr...")
      for (const m of node.textContent.matchAll(/[^\\s\\-‐–—\\/()\\[\\],;:]+/g)) {
        if (m[0].length < 2) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("page_path", PAGES)
def test_table_cells_keep_their_words_whole(browser, server, page_path):
    """On a desktop screen no word, number or code name in a table cell is split over two
    lines (the benchmark tables once showed "0.034" / "6", and the catalog table
    "bina/ry_cr/oss_e/ntrop/y": prose's overflow-wrap reached the cells)."""
    page, _, _ = open_page(browser, server, page_path)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        broken = page.evaluate(BROKEN_WORDS)
    finally:
        page.close()
    assert not broken, f"split across lines in table cells: {broken[:10]}"


def test_axe_runs_and_can_fail(browser, server):
    """The check itself: a page with an unlabelled button is a serious violation."""
    page = browser.new_page()
    try:
        page.set_content("<main><button></button><img src='x.png'></main>")
        ids = {v["id"] for v in serious(run_axe(page))}
    finally:
        page.close()
    assert {"button-name", "image-alt"} <= ids


def test_preface_links_the_pdf():
    preface = (SITE / "book" / "preface.html").read_text()
    assert 'href="../lossbook.pdf"' in preface
    pdf = SITE / "lossbook.pdf"
    if not pdf.exists():
        if REQUIRED:
            raise AssertionError("no _build/html/lossbook.pdf: run python tools/build_pdf.py")
        pytest.skip("the PDF is not built (python tools/build_pdf.py)")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 500_000, "a PDF of the whole book is larger than that"


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_chapter_screenshots(browser, server, width):
    """docs/screenshots/chapter-desktop.png and chapter-phone.png (as the README's)."""
    page, _, _ = open_page(browser, server, "book/03_regression.html")
    try:
        page.set_viewport_size({"width": 1280, "height": 860} if width == "desktop" else PHONE)
        typeset(page)
        page.locator("div.math").first.scroll_into_view_if_needed()
        page.evaluate("() => window.scrollBy(0, -200)")
        png = page.screenshot()
    finally:
        page.close()
    assert len(png) > 20_000, "a nearly blank screenshot"
    save_screenshot(f"chapter-{width}.png", png)


def test_pdf_page_screenshot(browser):
    """docs/screenshots/pdf-page.png: a page of the PDF as Chromium printed it.

    Headless Chromium has no PDF viewer, so the screenshot is of the print layout
    tools/build_pdf.py printed from (_build/pdf/print.html, print media, A4 width).
    """
    printed = SITE.parent / "pdf" / "print.html"
    if not printed.exists():
        if REQUIRED:
            raise AssertionError("no _build/pdf/print.html: run python tools/build_pdf.py")
        pytest.skip("the PDF is not built")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE.parent))
    handler.log_message = lambda *args: None
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 px/in
    try:
        page.emulate_media(media="print")
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/pdf/print.html")
        page.wait_for_load_state("networkidle")
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.locator("figure.lossbook-slider").first.scroll_into_view_if_needed()
        png = page.screenshot()
    finally:
        page.close()
        httpd.shutdown()
    assert len(png) > 20_000
    save_screenshot("pdf-page.png", png)


def save_screenshot(name: str, png: bytes) -> None:
    targets = [SITE.parent / "screenshots"]
    if os.environ.get("LOSSBOOK_UPDATE_SCREENSHOTS") == "1":
        targets.append(ROOT / "docs" / "screenshots")
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
