"""Interactive figures, written once and shown two ways.

A chapter writes one plotting function ``plot(**params) -> Figure`` and passes
it to :func:`interactive_figure` together with a grid of values for each
parameter. The result is

* **live** in Jupyter and Colab: an ipywidgets slider per parameter that
  redraws the figure (works on ipywidgets 7.7, which Colab ships, and 8);
* **kernel-free** in the static site: the figure pre-rendered for every value
  of one parameter, and an HTML range input with a few lines of JavaScript that
  swaps the frames -- no kernel, no CDN, works offline.

Which one you get: the ``LOSSBOOK_WIDGETS`` environment variable (``"live"``
or ``"static"``) decides; otherwise live when ipywidgets can be imported inside
a running IPython kernel, static elsewhere. The book's committed outputs are
produced with ``LOSSBOOK_WIDGETS=static`` (``tools/execute_notebooks.py`` and
the test suite set it), so the site shows working sliders, while a reader who
runs the notebook gets the live control.

Importing this module imports matplotlib; ipywidgets is imported only for the
live mode.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence
from itertools import count

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

PlotFunction = Callable[..., Figure]
AltText = str | Callable[..., str]
Readout = Callable[..., str]

#: the frames' resolution: at least 100 dpi, so text in a figure stays legible
MIN_DPI = 100

_slider_ids = count(1)


def _format(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _alt(alt: AltText, params: Mapping[str, object]) -> str:
    return alt(**params) if callable(alt) else alt


def _readout(name: str, readouts: Mapping[str, Readout] | None, params: Mapping) -> str:
    """The text a slider shows for its value: ``readouts[name](**params)``, else the value."""
    if readouts and name in readouts:
        return str(readouts[name](**params))
    return _format(params[name])


def png_bytes(fig: Figure, dpi: int = MIN_DPI) -> bytes:
    """``fig`` as a PNG at ``dpi`` (recorded in the file's pHYs chunk), palette-quantised.

    A line plot has few colours: a 256-colour palette (Pillow, matplotlib's own
    dependency) makes a frame about three times lighter than matplotlib's RGBA
    PNG with no visible change, which is what keeps a page with many frames at
    a legible resolution under its weight budget. Closes the figure.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - matplotlib requires Pillow
        return buffer.getvalue()
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True, dpi=(dpi, dpi))
    return out.getvalue()


def _png_data_uri(fig: Figure, dpi: int) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(fig, dpi)).decode("ascii")


def choose_mode() -> str:
    """``"live"`` or ``"static"``: the environment variable, else whether a kernel is running."""
    forced = os.environ.get("LOSSBOOK_WIDGETS", "").strip().lower()
    if forced in ("live", "static"):
        return forced
    if forced:
        raise ValueError(f"LOSSBOOK_WIDGETS must be 'live' or 'static', got {forced!r}")
    try:
        from IPython import get_ipython

        shell = get_ipython()
        import ipywidgets  # noqa: F401
    except ImportError:
        return "static"
    return "live" if shell is not None and getattr(shell, "kernel", None) is not None else "static"


class StaticSlider:
    """A kernel-free slider: pre-rendered PNG frames and a range input (HTML + JS).

    Displayed through ``_repr_html_``; the HTML is deterministic apart from the
    PNG bytes, which the nbval sanitize file masks, so strict nbval compares
    the slider's labels, values and alt texts.
    """

    def __init__(
        self,
        frames: Sequence[str],
        labels: Sequence[str],
        alts: Sequence[str],
        *,
        name: str,
        start: int,
        caption: str | None = None,
    ) -> None:
        if not (len(frames) == len(labels) == len(alts)) or not frames:
            raise ValueError("frames, labels and alts must be non-empty and of equal length")
        self.frames, self.labels, self.alts = list(frames), list(labels), list(alts)
        self.name, self.start, self.caption = name, start, caption
        self.element_id = f"lossbook-slider-{next(_slider_ids)}"

    def __repr__(self) -> str:
        return f"<kernel-free slider over {self.name}: {len(self.frames)} frames>"

    def _repr_html_(self) -> str:
        i, k = self.element_id, self.start
        esc = html.escape
        caption = f"<figcaption>{esc(self.caption)}</figcaption>" if self.caption else ""
        data = json.dumps({"frames": self.frames, "labels": self.labels, "alts": self.alts})
        return (
            f'<figure class="lossbook-slider" id="{i}">\n'
            f'<img id="{i}-img" src="{self.frames[k]}" alt="{esc(self.alts[k])}" '
            f'style="max-width:100%;height:auto;background:white">\n'
            f'<div><label for="{i}-input">{esc(self.name)} = </label>'
            f'<output id="{i}-value" for="{i}-input">{esc(self.labels[k])}</output></div>\n'
            f'<input type="range" id="{i}-input" min="0" max="{len(self.frames) - 1}" '
            f'step="1" value="{k}" aria-label="{esc(self.name)}" '
            f'aria-valuetext="{esc(self.labels[k])}" style="width:60%">\n'
            f"{caption}</figure>\n"
            f"<script>(function () {{\n"
            f"  const d = {data};\n"
            f'  const img = document.getElementById("{i}-img");\n'
            f'  const out = document.getElementById("{i}-value");\n'
            f'  document.getElementById("{i}-input").addEventListener("input", function (e) {{\n'
            f"    const j = Number(e.target.value);\n"
            f"    img.src = d.frames[j]; img.alt = d.alts[j]; out.textContent = d.labels[j];\n"
            f'    e.target.setAttribute("aria-valuetext", d.labels[j]);\n'
            f"  }});\n"
            f"}})();</script>\n"
        )


def static_slider(
    plot: PlotFunction,
    name: str,
    values: Sequence[object],
    *,
    fixed: Mapping[str, object] | None = None,
    start: object | None = None,
    alt: AltText = "",
    caption: str | None = None,
    dpi: int = MIN_DPI,
    readouts: Mapping[str, Readout] | None = None,
) -> StaticSlider:
    """Pre-render ``plot`` for every value of parameter ``name`` (others ``fixed``)."""
    fixed = dict(fixed or {})
    frames, labels, alts = [], [], []
    for value in values:
        params = {**fixed, name: value}
        frames.append(_png_data_uri(plot(**params), dpi))
        labels.append(_readout(name, readouts, params))
        alts.append(_alt(alt, params))
    start_index = list(values).index(start) if start is not None else len(values) // 2
    return StaticSlider(frames, labels, alts, name=name, start=start_index, caption=caption)


def live_control(
    plot: PlotFunction,
    sliders: Mapping[str, Sequence[object]],
    defaults: Mapping[str, object],
    *,
    alt: AltText = "",
    caption: str | None = None,
    readouts: Mapping[str, Readout] | None = None,
    dpi: int = MIN_DPI,
):
    """An ipywidgets box: one ``SelectionSlider`` per parameter and the redrawn figure.

    The live form says what the static one says: the figure is shown as an
    ``<img>`` with the same alt text, under the same caption. Each slider is
    labelled with its parameter's full name and shows its whole value beside
    it (an ``aria-live`` readout, so a screen reader announces a change; the
    slider's own readout is off, as ipywidgets clips long values). A parameter
    whose readout is empty for the current setting has nothing to set there,
    and its slider is hidden until it has.

    Uses only APIs common to ipywidgets 7.7 and 8 (``SelectionSlider``,
    ``HTML``, ``Output``, ``observe``, ``Layout``). Returns the ``VBox``; its
    ``controls`` attribute maps names to sliders, ``readouts`` names to their
    value labels, ``figure_html`` is the figure shown and ``redraw_count``
    counts redraws (for tests).
    """
    import ipywidgets as widgets
    from IPython.display import HTML, display

    controls = {
        name: widgets.SelectionSlider(
            options=[(_format(v), v) for v in values],
            value=defaults[name],
            description=name,
            readout=False,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="min(24em, 60%)"),
        )
        for name, values in sliders.items()
    }
    values = {name: widgets.HTML() for name in controls}
    rows = {
        name: widgets.HBox([control, values[name]], layout=widgets.Layout(flex_flow="row wrap"))
        for name, control in controls.items()
    }
    output = widgets.Output()
    box = widgets.VBox([*rows.values(), output])
    box.controls, box.readouts = controls, values
    box.redraw_count = 0

    def redraw(_change: object = None) -> None:
        params = {name: control.value for name, control in controls.items()}
        for name, label in values.items():
            text = _readout(name, readouts, params)
            label.value = f'<output aria-live="polite">{html.escape(text)}</output>'
            rows[name].layout.display = "flex" if text.strip() else "none"
        alt_text = html.escape(_alt(alt, params))
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        src = _png_data_uri(plot(**params), dpi)
        box.figure_html = (
            f'<figure class="lossbook-live"><img src="{src}" alt="{alt_text}" '
            f'style="max-width:100%;height:auto;background:white">{figcaption}</figure>'
        )
        with output:
            output.clear_output(wait=True)
            display(HTML(box.figure_html))
        box.redraw_count += 1

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return box


def interactive_figure(
    plot: PlotFunction,
    sliders: Mapping[str, Sequence[object]],
    *,
    defaults: Mapping[str, object] | None = None,
    static: str | None = None,
    alt: AltText = "",
    caption: str | None = None,
    mode: str | None = None,
    dpi: int = MIN_DPI,
    readouts: Mapping[str, Readout] | None = None,
):
    """Show ``plot(**params)`` with a slider per parameter, live or kernel-free.

    Args:
        plot: draws one figure from keyword parameters and returns it.
        sliders: parameter name -> the values its slider offers (the grid the
            static site pre-renders; a few to two dozen values).
        defaults: starting value per parameter (each must be in its grid);
            the middle of each grid by default.
        static: which parameter the kernel-free slider moves (the first by
            default); the others stay at their defaults there.
        alt: alt text for the figure, or a function of the parameters giving it
            (both forms use it).
        caption: optional caption under the figure (both forms).
        mode: ``"live"`` or ``"static"``; by default :func:`choose_mode` decides.
        dpi: resolution of the figures; at least :data:`MIN_DPI` (100) so their
            text is legible (``tests/test_frames.py`` checks every committed
            frame). Frames are palette PNGs (:func:`png_bytes`); for a heavy
            page offer fewer values or a smaller figure, not fewer dots.
        readouts: per parameter, a function of *all* the parameters giving the
            text its slider shows (default: the value), e.g. ``"delta = 0.5"``
            for a slider over an index. An empty text hides the live slider:
            there is nothing to set for the current choice of the others.

    Returns:
        an ipywidgets ``VBox`` (live) or a :class:`StaticSlider` (static);
        either displays itself as a cell's last expression.
    """
    if not sliders:
        raise ValueError("sliders must name at least one parameter")
    grids = {name: list(values) for name, values in sliders.items()}
    chosen = {name: grid[len(grid) // 2] for name, grid in grids.items()}
    for name, value in (defaults or {}).items():
        if name not in grids:
            raise ValueError(f"defaults names {name!r}, which is not a slider: {list(grids)}")
        if value not in grids[name]:
            raise ValueError(f"default {name}={value!r} is not one of the slider's values")
        chosen[name] = value
    moved = static or next(iter(grids))
    if moved not in grids:
        raise ValueError(f"static={moved!r} is not a slider: {list(grids)}")
    mode = mode or choose_mode()
    if mode == "live":
        return live_control(
            plot, grids, chosen, alt=alt, caption=caption, readouts=readouts, dpi=dpi
        )
    if mode != "static":
        raise ValueError(f"mode must be 'live' or 'static', got {mode!r}")
    fixed = {name: value for name, value in chosen.items() if name != moved}
    return static_slider(
        plot,
        moved,
        grids[moved],
        fixed=fixed,
        start=chosen[moved],
        alt=alt,
        caption=caption,
        dpi=dpi,
        readouts=readouts,
    )


def progress(iterable, *, desc: str | None = None, total: int | None = None):
    """Wrap a training loop's iterable in a progress bar (``tqdm.auto``).

    Live (Jupyter, Colab, a terminal) it shows a bar, as a widget or as text,
    which finishes and disappears when the loop ends -- also when the loop
    leaves with ``break`` (the bar is closed as complete with the items the
    loop took, so a notebook never keeps a red or half-full bar). Use it
    directly in the ``for`` statement: a bar held in a variable is closed
    when that variable is dropped. When the book's outputs are produced or
    checked (``LOSSBOOK_WIDGETS=static``) the bar is disabled, so the
    committed outputs hold no timings and strict nbval stays deterministic.
    Falls back to the plain iterable without tqdm.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    if choose_mode() == "static":
        return iterable
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)
    bar = tqdm(desc=desc, total=total, leave=False)
    return _advance(bar, iterable)


def _advance(bar, iterable):
    taken = 0
    try:
        for item in iterable:
            taken += 1
            yield item
            bar.update(1)
    finally:
        # after a `break` the last item was taken but the bar was not advanced: the loop
        # is over, so the bar ends where the loop did, as a finished bar (never "danger")
        bar.total = taken
        bar.n = taken
        bar.close()
