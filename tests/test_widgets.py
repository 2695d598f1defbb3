"""lossbook.widgets: one plotting function, a live control and a kernel-free slider."""

from __future__ import annotations

import re

import matplotlib
import pytest

matplotlib.use("Agg")

from lossbook.plot import figure
from lossbook.widgets import choose_mode, interactive_figure, progress

calls: list[dict] = []


def plot(delta: float, scale: float = 1.0):
    calls.append({"delta": delta, "scale": scale})
    fig, ax = figure()
    ax.plot([0, 1], [0, delta * scale])
    return fig


def test_static_slider_prerenders_every_value_of_one_parameter():
    calls.clear()
    view = interactive_figure(
        plot,
        {"delta": [0.5, 1.0, 2.0], "scale": [1.0, 3.0]},
        defaults={"scale": 3.0},
        alt=lambda delta, scale: f"line with slope {delta * scale}",
        mode="static",
    )
    assert calls == [{"delta": d, "scale": 3.0} for d in (0.5, 1.0, 2.0)]
    html = view._repr_html_()
    frames = re.findall(r"data:image/png;base64,[A-Za-z0-9+/=]+", html)
    assert len(set(frames)) == 3  # three distinct frames (the first shown also in <img>)
    assert 'type="range"' in html and 'max="2"' in html and 'value="1"' in html
    assert 'alt="line with slope 3.0"' in html  # the middle value's alt text is shown first
    assert '"labels": ["0.5", "1", "2"]' in html
    assert "http" not in html  # nothing loaded from anywhere


def test_live_control_redraws_on_value_change():
    pytest.importorskip("ipywidgets")
    calls.clear()
    box = interactive_figure(plot, {"delta": [0.5, 1.0, 2.0], "scale": [1.0, 3.0]}, mode="live")
    assert box.redraw_count == 1 and calls[-1] == {"delta": 1.0, "scale": 3.0}
    box.controls["delta"].value = 2.0
    assert box.redraw_count == 2 and calls[-1] == {"delta": 2.0, "scale": 3.0}
    box.controls["scale"].value = 1.0
    assert calls[-1] == {"delta": 2.0, "scale": 1.0}


def test_bad_arguments():
    with pytest.raises(ValueError, match="not one of the slider's values"):
        interactive_figure(plot, {"delta": [1.0, 2.0]}, defaults={"delta": 3.0}, mode="static")
    with pytest.raises(ValueError, match="which is not a slider"):
        interactive_figure(plot, {"delta": [1.0]}, defaults={"gamma": 1.0}, mode="static")
    with pytest.raises(ValueError, match="mode must be"):
        interactive_figure(plot, {"delta": [1.0]}, mode="both")


def test_mode_from_environment(monkeypatch):
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "static")
    assert choose_mode() == "static"
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "live")
    assert choose_mode() == "live"
    monkeypatch.delenv("LOSSBOOK_WIDGETS")
    assert choose_mode() == "static"  # no kernel here
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "fancy")
    with pytest.raises(ValueError, match="LOSSBOOK_WIDGETS"):
        choose_mode()


def test_progress_is_silent_when_outputs_are_recorded(monkeypatch, capsys):
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "static")
    assert list(progress(range(5), desc="training")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("LOSSBOOK_WIDGETS", "live")
    assert list(progress(range(3), desc="training")) == [0, 1, 2]
    assert "training" in capsys.readouterr().err  # a text bar outside a notebook


def test_importing_lossbook_loads_no_plotting_or_widget_library():
    import subprocess
    import sys

    probe = "import sys, lossbook; print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
