"""The interactive figures' two forms say the same thing, legibly, and announce their values."""

from __future__ import annotations

import base64
import io
import re
from typing import ClassVar

import matplotlib
import pytest

matplotlib.use("Agg")

from test_frames import png_header

from lossbook import widgets
from lossbook.plot import figure
from lossbook.widgets import MIN_DPI, interactive_figure, progress

GRID = {"loss": ["huber", "mse"], "setting": [0, 1, 2]}
DELTAS = [0.5, 1.0, 2.0]


def plot(loss: str, setting: int):
    fig, ax = figure()
    ax.plot([0, 1], [0, setting + (loss == "mse")])
    return fig


def readout(loss: str, setting: int) -> str:
    return f"delta = {DELTAS[setting]:g}" if loss == "huber" else ""  # mse: nothing to set


def describe(loss: str, setting: int) -> str:
    return f"{loss} at setting {setting}"


def test_frames_are_legible_palette_pngs():
    view = interactive_figure(plot, GRID, static="setting", mode="static")
    html = view._repr_html_()
    for b64 in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html):
        data = base64.b64decode(b64)
        assert round(png_header(data)[2]) >= MIN_DPI
        from PIL import Image

        assert Image.open(io.BytesIO(data)).mode == "P"  # palette: light frames


def test_static_slider_announces_its_value_and_uses_readouts():
    view = interactive_figure(
        plot,
        GRID,
        static="setting",
        defaults={"loss": "huber", "setting": 1},
        readouts={"setting": readout},
        alt=describe,
        caption="A caption.",
        mode="static",
    )
    html = view._repr_html_()
    assert '"labels": ["delta = 0.5", "delta = 1", "delta = 2"]' in html
    assert 'aria-valuetext="delta = 1"' in html
    assert 'setAttribute("aria-valuetext", d.labels[j])' in html
    assert "<figcaption>A caption.</figcaption>" in html


def test_live_form_has_the_static_forms_alt_text_caption_and_whole_readout():
    pytest.importorskip("ipywidgets")
    box = interactive_figure(
        plot,
        GRID,
        defaults={"loss": "huber", "setting": 1},
        readouts={"setting": readout},
        alt=describe,
        caption="A caption.",
        mode="live",
    )
    setting = box.controls["setting"]
    assert setting.description == "setting" and setting.readout is False
    assert setting.style.description_width == "initial"  # the whole name, never clipped
    assert box.readouts["setting"].value == '<output aria-live="polite">delta = 1</output>'
    assert box.readouts["loss"].value == '<output aria-live="polite">huber</output>'
    shown = box.figure_html
    assert 'alt="huber at setting 1"' in shown and "<figcaption>A caption.</figcaption>" in shown
    rows = box.children[:2]
    assert rows[1].layout.display == "flex"
    box.controls["loss"].value = "mse"  # nothing to set for mse: its slider goes
    assert rows[1].layout.display == "none"
    assert 'alt="mse at setting 1"' in box.figure_html
    box.controls["loss"].value = "huber"
    assert rows[1].layout.display == "flex"


class Recorder:
    """Stands in for tqdm.auto.tqdm: records how each bar ends."""

    bars: ClassVar[list] = []

    def __init__(self, *, desc=None, total=None, leave=True):
        self.total, self.n, self.leave, self.closed = total, 0, leave, False
        Recorder.bars.append(self)

    def update(self, k=1):
        self.n += k

    def close(self):
        self.closed = True


@pytest.mark.parametrize("stop", [None, 4, 9])
def test_progress_bar_finishes_and_goes_even_after_break(monkeypatch, stop):
    import tqdm.auto

    monkeypatch.setenv("LOSSBOOK_WIDGETS", "live")
    monkeypatch.setattr(tqdm.auto, "tqdm", Recorder)
    Recorder.bars.clear()
    seen = []
    for step in progress(range(10), desc="training"):
        seen.append(step)
        if step == stop:
            break
    (bar,) = Recorder.bars
    assert bar.closed and not bar.leave  # closed at once, and leaves nothing behind
    assert bar.n == bar.total == len(seen)  # complete: tqdm.notebook shows it as success


def test_progress_with_a_real_tqdm_after_break(monkeypatch, capsys):
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "live")
    for step in progress(range(5), desc="training"):
        if step == 4:
            break
    err = capsys.readouterr().err
    assert "training" in err and "4/5" not in err.splitlines()[-1] if err.strip() else True
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "static")
    assert progress(range(3)) == range(3)  # recorded outputs: no bar at all
    assert widgets.MIN_DPI == 100
