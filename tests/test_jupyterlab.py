"""One chapter run LIVE in JupyterLab, in a real browser (Playwright driving Chromium).

The other browser tests (``test_site.py``) check the kernel-free sliders of the
built site; this one checks what a reader gets who runs a chapter: the live
ipywidgets control of :func:`lossbook.widgets.interactive_figure`.

A JupyterLab server starts on 127.0.0.1 (a free port, a random token, no
browser) over a temporary folder holding a copy of chapter 1 with its outputs
cleared, with temporary Jupyter config, data and runtime dirs (the user's
settings, workspaces and kernelspecs play no part; no news feed, update check
or PyPI look-up). Its kernels inherit neither ``LOSSBOOK_WIDGETS`` (so the
figures are live) nor more than one thread (``OMP_NUM_THREADS=1``). Chromium
opens the notebook and runs all cells with JupyterLab's own command
(``notebook:run-all-cells``, through ``window.jupyterapp``, which the config's
``expose_app_in_browser`` exposes). Every cell must run without an error; then
the ipywidgets slider and the figure drawn in its output must be there. The
test presses ArrowRight on the slider's handle and waits for the kernel to
redraw: the figure's PNG, its alt text and the announced value (lossbook's
``aria-live`` readout) must change, and no traceback or page error may appear.

Slow for a unit test (about 20 s: a server, a kernel, the chapter), so it runs
only with ``LOSSBOOK_REQUIRE_SITE=1`` (as ``.ci/run`` sets) -- and then a
missing JupyterLab, Playwright or Chromium fails it. The screenshot of the live
widget goes to ``_build/screenshots/jupyterlab-live.png``, and with
``LOSSBOOK_UPDATE_SCREENSHOTS=1`` also to ``docs/screenshots``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("LOSSBOOK_REQUIRE_SITE") == "1"
#: a light chapter (about 12 s to run on one thread) whose first figure is interactive
NOTEBOOK = "01_what_is_a_loss.ipynb"
SCREENSHOT = "jupyterlab-live.png"

if not REQUIRED:
    pytest.skip(
        "JupyterLab live test: runs only with LOSSBOOK_REQUIRE_SITE=1", allow_module_level=True
    )

# the live widget's parts (ipywidgets 8 and lossbook.widgets.live_control)
WIDGET = ".jp-OutputArea-output .jupyter-widgets.widget-vbox"
HANDLE = f"{WIDGET} .widget-slider .noUi-handle"
FIGURE = f"{WIDGET} figure.lossbook-live img"
READOUT = f"{WIDGET} output[aria-live]"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_without_outputs(source: Path, target: Path) -> None:
    """Copy a notebook with its outputs cleared: what the browser shows must come from the run."""
    nb = json.loads(source.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of the chapter: yields (origin, token); shut down after."""
    import jupyterlab  # noqa: F401  -- required: fail loudly when it is missing

    tmp = tmp_path_factory.mktemp("jupyterlab")
    root = tmp / "book"
    root.mkdir()
    notebook_without_outputs(ROOT / "book" / NOTEBOOK, root / NOTEBOOK)
    env = {k: v for k, v in os.environ.items() if k != "LOSSBOOK_WIDGETS"}
    env.update(
        OMP_NUM_THREADS="1",
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        IPYTHONDIR=str(tmp / "ipython"),
    )
    (tmp / "config").mkdir()
    lab_config = {
        "expose_app_in_browser": True,  # window.jupyterapp: run the cells with Lab's command
        "news_url": None,  # no news feed, and no "get notified about news?" pop-up
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",  # no PyPI look-ups
    }
    (tmp / "config" / "jupyter_lab_config.json").write_text(json.dumps({"LabApp": lab_config}))
    # the user settings (in the temporary config dir): never ask about the news feed
    settings = tmp / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    port, token = free_port(), secrets.token_hex(16)
    origin = f"http://127.0.0.1:{port}"
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kernels go with it
    )

    def server_log() -> str:
        log.flush()
        return (tmp / "server.log").read_text()[-3000:]

    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{server_log()}")
        try:
            request = urllib.request.Request(
                f"{origin}/api/status", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"jupyter lab did not answer within 60 s:\n{server_log()}")
        time.sleep(0.25)
    try:
        yield origin, token
    finally:
        try:  # a clean shutdown also shuts the kernels down
            request = urllib.request.Request(
                f"{origin}/api/shutdown",
                method="POST",
                headers={"Authorization": f"token {token}"},
            )
            urllib.request.urlopen(request, timeout=5).close()
            proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        try:  # anything of that group still alive (a kernel whose server was killed)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright  # required: fail loudly when missing

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"LOSSBOOK_REQUIRE_SITE=1 but no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


CELL_ERRORS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const errors = [];
    panel.content.widgets.forEach((cell, i) => {
        if (cell.model.type !== 'code') return;
        for (let k = 0; k < cell.model.outputs.length; k++) {
            const out = cell.model.outputs.get(k).toJSON();
            if (out.output_type === 'error') errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
        }
    });
    return errors;
}"""

RUN_FINISHED = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    const code = panel.content.widgets.filter(c => c.model.type === 'code');
    const failed = c => { for (let k = 0; k < c.model.outputs.length; k++) {
        if (c.model.outputs.get(k).type === 'error') return true; } return false; };
    // Run All stops at an error: finished when every cell ran, or when one failed
    return code.every(c => c.model.executionCount !== null) || code.some(failed);
}"""

UNRUN_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .map((c, i) => [c, i])
    .filter(([c]) => c.model.type === 'code' && c.model.executionCount === null)
    .map(([, i]) => i)"""


def test_a_chapter_runs_live_and_its_slider_redraws_the_figure(lab, browser, record_property):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    origin, token = lab
    started = time.monotonic()
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        page.goto(f"{origin}/lab/tree/{NOTEBOOK}?token={token}")
        # the app, the notebook open in it, and its kernel started
        page.wait_for_function(
            """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                       return !!(w && w.sessionContext && w.content); }""",
            timeout=30_000,
        )
        page.evaluate(
            """async () => {
                const panel = window.jupyterapp.shell.currentWidget;
                await panel.context.ready;
                await panel.sessionContext.ready;
            }"""
        )
        opened = time.monotonic()
        page.evaluate(
            "() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )

        page.wait_for_function(RUN_FINISHED, timeout=45_000, polling=250)
        ran = time.monotonic()
        assert page.evaluate(CELL_ERRORS) == [], "a cell failed"
        assert page.evaluate(UNRUN_CELLS) == [], "cells left unrun"

        # the live control: a slider, its readout, the figure drawn by the kernel
        try:
            page.wait_for_selector(FIGURE, timeout=15_000)
        except PlaywrightTimeout:
            static = page.locator("figure.lossbook-slider").count() > 0
            why = ": a kernel-free slider instead (LOSSBOOK_WIDGETS=static?)" if static else ""
            raise AssertionError(f"no live widget with its figure after the run{why}") from None
        figure, readout, handle = page.locator(FIGURE), page.locator(READOUT), page.locator(HANDLE)
        assert figure.count() == 1 and handle.count() == 1, "one live figure in this chapter"
        page.locator(WIDGET).scroll_into_view_if_needed()
        before_src, before_alt = figure.get_attribute("src"), figure.get_attribute("alt")
        assert before_src.startswith("data:image/png;base64,"), before_src[:40]
        # the value is announced by lossbook's aria-live readout (ipywidgets' own readout is
        # off, and its handle's aria-valuetext is the option's index, not its label)
        before_value = readout.text_content()
        assert before_value == "0", f"the slider starts at w = 0, announced {before_value!r}"
        before_index = float(handle.get_attribute("aria-valuenow"))

        # move the slider one step with the keyboard; the kernel redraws the figure
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            """([selector, before]) => { const img = document.querySelector(selector);
                                        return !!img && img.src !== before; }""",
            arg=[FIGURE, before_src],
            timeout=20_000,
        )
        redrawn = time.monotonic()
        after_src = figure.get_attribute("src")
        assert after_src != before_src and after_src.startswith("data:image/png;base64,")
        after_index = float(handle.get_attribute("aria-valuenow"))
        assert after_index == before_index + 1, "the handle moved one option to the right"
        assert readout.text_content() == "0.5", "the readout announces the new slope"
        after_alt = figure.get_attribute("alt")
        assert "slope 0.5" in after_alt and after_alt != before_alt, "the alt text follows"

        # nothing went wrong: no error output, no traceback on stderr, no page error
        assert page.evaluate(CELL_ERRORS) == [], "the redraw failed"
        stderr = [t for t in page.locator(STDERR).all_inner_texts() if "Traceback" in t]
        assert not stderr, stderr
        assert not page_errors, page_errors

        page.locator(WIDGET).scroll_into_view_if_needed()
        png = page.screenshot()
    finally:
        page.close()
    assert len(png) > 20_000, "a nearly blank screenshot"
    targets = [ROOT / "_build" / "screenshots"]
    if os.environ.get("LOSSBOOK_UPDATE_SCREENSHOTS") == "1":
        targets.append(ROOT / "docs" / "screenshots")
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / SCREENSHOT).write_bytes(png)
    timings = (
        f"JupyterLab live: notebook open with its kernel {opened - started:.1f} s, "
        f"all cells run {ran - opened:.1f} s, slider redraw {redrawn - ran:.1f} s"
    )
    print(timings)
    record_property("jupyterlab_report", timings)
