"""Small Sphinx fixes for the lossbook site.

* sphinx-thebe registers its inline configuration script once per reading phase;
  Jupyter Book runs that phase twice, so every page declared ``const THEBE_JS_URL``
  twice and the browser logged a SyntaxError. This drops exact duplicate scripts.
* Accessibility (axe-core, run on every page by ``tests/test_site.py``): the theme's
  buttons had accessible names that leave out their visible text
  (``label-content-name-mismatch``), and the primary sidebar's first item sat outside
  any landmark (``region``). ``_accessible`` rewrites those few spots in every written
  page once the build is finished: the search button's keyboard hint is hidden from
  assistive technology (its name stays "Search"), the colour-mode icons lose the
  tooltips that became their text, folded cells' toggles are named by their own
  visible text ("Show code cell source"), the sidebar is a navigation landmark, and the
  bibliography's entries are plain blocks (its list roles were invalid).
  ``book/_static/lossbook.js`` makes whatever scrolls sideways reachable by keyboard.
"""

from __future__ import annotations

from pathlib import Path

#: (what the theme writes, what the page gets): each is an exact string of the
#: theme's templates, so a theme upgrade that changes them shows up in the axe test
REWRITES: tuple[tuple[str, str], ...] = (
    (  # named by its visible text ("Search"; the shortcut hint is hidden), not by a label
        '<button class="btn search-button-field search-button__button pst-js-only" '
        'title="Search" aria-label="Search"',
        '<button class="btn search-button-field search-button__button pst-js-only" title="Search"',
    ),
    (
        '<span class="search-button__kbd-shortcut">',
        '<span class="search-button__kbd-shortcut" aria-hidden="true">',
    ),
    ('data-mode="light" title="Light"', 'data-mode="light" aria-hidden="true"'),
    ('data-mode="dark"  title="Dark"', 'data-mode="dark" aria-hidden="true"'),
    (
        'data-mode="auto"  title="System Settings"',
        'data-mode="auto" aria-hidden="true"',
    ),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    # the bibliography: a list role whose children are not all list items (critical
    # aria-required-children) with a deprecated DPUB role on each entry: plain blocks
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
    (' role="doc-biblioentry"', ""),
    (
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" '
        'role="navigation" aria-label="Book">',
    ),
)


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # the same script registered twice with different priorities
        key = (
            str(getattr(script, "filename", script) or ""),  # None and "" both mean inline
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def accessible(html: str) -> str:
    """``html`` with the theme's accessibility slips fixed (see :data:`REWRITES`)."""
    for old, new in REWRITES:
        html = html.replace(old, new)
    return html


def _accessible(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = accessible(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _accessible)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
