"""Small Sphinx fixes for the lossbook site.

sphinx-thebe registers its inline configuration script once per reading phase;
Jupyter Book runs that phase twice, so every page declared ``const THEBE_JS_URL``
twice and the browser logged a SyntaxError. This drops exact duplicate scripts.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
