"""The built site, tested as a reader meets it: in a real browser (Playwright driving Chromium).

These tests need the site built first (the README's first command writes
``_build/html``) and Debian's Chromium at ``/usr/bin/chromium`` (no browser
download). Without them the tests are skipped -- unless ``LOSSBOOK_REQUIRE_SITE=1``
is set, as ``.ci/run`` does, in which case a missing site or browser fails.

Every page: loads with no JavaScript console error and no request leaving the
local server; typesets every equation; moves every kernel-free slider and sees
its figure change. Search finds a loss by name. Every notebook page links to
Colab for its own ``.ipynb`` and offers the notebook for download. Every image
has alt text or a caption, and no page weighs more than 2 MB.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socketserver
import threading
from pathlib import Path

import pytest
from site_images import undescribed_images

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("LOSSBOOK_REQUIRE_SITE") == "1"
MAX_PAGE_BYTES = 2 * 1024 * 1024

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


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n[:2].isdigit()])
def test_notebook_pages_link_to_colab_and_download(name):
    html = (SITE / "book" / f"{name}.html").read_text()
    colab = f"colab.research.google.com/github/lossbook/lossbook/blob/main/book/{name}.ipynb"
    assert colab in html, "Colab launch link to the page's own notebook"
    assert f"_sources/book/{name}.ipynb" in html, "download link for the .ipynb"
    assert (SITE / "_sources" / "book" / f"{name}.ipynb").is_file()


# --- the browser --------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *args: None
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


def open_page(browser, origin: str, path: str, record_property=None):
    url = f"{origin}/{path}"
    page = browser.new_page()
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
        )  # prose only: TeX inside code listings (docstrings) is meant to stay raw
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
