"""The book's figure style and small matplotlib helpers.

Figures follow three rules so that every reader can read them:

* a colour-blind-safe palette (Okabe & Ito, 2008) *and* distinct line styles,
  so no curve is told apart by colour alone;
* a white background, which stays readable when the site is in dark mode;
* a short alt text for every figure (see :mod:`lossbook.widgets`).

Importing this module imports matplotlib; ``import lossbook`` does not.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from itertools import cycle

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every
# common form of colour-vision deficiency.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: weak on white)
)
LINESTYLES: tuple[str | tuple, ...] = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))

BOOK_STYLE: dict[str, object] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=PALETTE[:6], linestyle=LINESTYLES),
    "legend.frameon": False,
    "font.size": 10,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "lossbook",
}


def use_book_style() -> None:
    """Apply the book's figure style to matplotlib globally."""
    mpl.rcParams.update(BOOK_STYLE)  # type: ignore[arg-type]


def styles() -> Iterator[dict[str, object]]:
    """An endless iterator of ``{"color": ..., "linestyle": ...}`` pairs for manual plots."""
    return cycle({"color": c, "linestyle": s} for c, s in zip(PALETTE, LINESTYLES, strict=False))


def figure(ncols: int = 1, *, width: float = 6.4, height: float = 3.6, **kwargs):
    """A new figure in the book style with ``ncols`` side-by-side axes; returns ``(fig, axes)``.

    Applies the book style globally first (a temporary ``rc_context`` would
    also undo the interactive mode that IPython's inline backend switches on
    when the first figure is created, and later figures would not show).
    """
    use_book_style()
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), **kwargs)
    fig.set_layout_engine("constrained")
    return fig, axes


class Source:
    """The source code of a lossbook object, displayed as a listing a reader reads.

    The book shows the package's own code with ``show_source(lossbook.huber)``
    rather than a copy in the text: strict nbval compares this output with the
    committed one, so the page cannot drift from the code.

    One convention for every chapter: the listing is the signature and the
    body; docstrings are left out (of the object and of any method or nested
    function). A docstring is reStructuredText written for the API reference
    (``.. math::``, double backticks); the chapter's prose typesets the same
    maths, so the listing shows code only. ``code`` is the listing,
    ``full_code`` the unmodified source.
    """

    def __init__(self, obj: Callable | type) -> None:
        self.obj = obj
        self.full_code = inspect.getsource(obj)
        self.code = strip_docstrings(self.full_code)

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}```\n"

    def __repr__(self) -> str:
        return self.code


def strip_docstrings(source: str) -> str:
    """``source`` (a function or class) without the docstrings of its definitions.

    Comments, blank lines inside the body and formatting are kept exactly (the
    blank line right after a docstring goes with it); a body that was only a
    docstring becomes ``...``.
    """
    code = textwrap.dedent(source)
    lines = code.splitlines(keepends=True)
    drop: set[int] = set()
    ellipsis: dict[int, str] = {}
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        first = node.body[0]
        if not (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            continue
        start, end = first.lineno - 1, (first.end_lineno or first.lineno) - 1
        if start <= node.lineno - 1 or lines[start][: first.col_offset].strip():
            continue  # a docstring on the `def` line itself: leave that line alone
        if len(node.body) == 1:
            ellipsis[start] = lines[start][: first.col_offset] + "...\n"
        drop.update(range(start, end + 1))
        if len(node.body) > 1 and end + 1 < len(lines) and not lines[end + 1].strip():
            drop.add(end + 1)  # the blank line that separated the docstring from the code
    out = []
    for i, line in enumerate(lines):
        if i in ellipsis:
            out.append(ellipsis[i])
        elif i not in drop:
            out.append(line)
    return "".join(out)


def show_source(obj: Callable | type) -> Source:
    """Return a displayable listing of ``obj``'s code, docstrings left out (see :class:`Source`)."""
    return Source(obj)


def diagnosis_figure(
    train_losses,
    val_losses,
    *,
    val_steps=None,
    chance: float | None = None,
    floor: float | None = None,
    per_step: bool | None = None,
    ax=None,
    log: bool = False,
    title: str | None = None,
):
    """Both loss curves with what :func:`lossbook.curves.diagnose` measured marked on them.

    Draws the training loss (solid) and the validation loss (dashed) and marks the
    features the rules used: the scale (dotted lines at *top* and, if not 0, *bottom*),
    the smoothed validation curve and its minimum, a detected validation jump, the flat
    stretch of a stage-wise run, and the first NaN/inf. Returns ``(fig, ax, diagnosis)``.
    """
    import numpy as np

    from lossbook import curves

    d = curves.diagnose(
        train_losses, val_losses, val_steps=val_steps, chance=chance, floor=floor, per_step=per_step
    )
    t = np.asarray([float(x) for x in train_losses], dtype=np.float64)
    v = np.asarray([float(x) for x in val_losses], dtype=np.float64)
    if ax is None:
        fig, ax = figure()
    else:
        fig = ax.figure
    ax.plot(np.arange(1, t.size + 1), t, color=PALETTE[0], linewidth=1.2, label="training")
    x_val = np.arange(1, v.size + 1) if val_steps is None else np.asarray(val_steps) + 1
    ax.plot(x_val, v, color=PALETTE[1], linestyle="--", linewidth=1.2, label="validation")
    ax.set(xlabel="step" if t.size > v.size else "epoch", ylabel="loss")
    if log:
        ax.set_yscale("log")
    e = d.evidence
    if "first_non_finite" in e:
        ax.axvline(e["first_non_finite"], color="#000000", linestyle=":", label="first NaN/inf")
    else:
        block = int(e["block"])
        if val_steps is None and block > 1:  # minibatch noise averaged over blocks
            ends = np.arange(block - 1, t.size, block)
            t_grid, v_grid, x_grid = curves._blocks(t, ends), curves._blocks(v, ends), ends + 1
            ax.plot(x_grid, t_grid, color=PALETTE[0], linewidth=2.2, label="training, block means")
        else:
            v_grid, x_grid = v, x_val
        calm = v_grid.copy()  # as diagnose does: a detected jump does not move the smoothed curve
        if e["val_jump_epoch"] >= 0:
            j = int(e["val_jump_epoch"])
            calm[j] = np.median(v_grid[np.clip([j - 2, j - 1, j + 1, j + 2], 0, v_grid.size - 1)])
        smooth = curves._smooth(calm, int(e["smooth_window"]))
        ax.plot(x_grid, smooth, color=PALETTE[2], linestyle="-.", label="validation, smoothed")
        i_min = int(e["val_min_epoch"])
        ax.plot([x_grid[i_min]], [smooth[i_min]], "o", color=PALETTE[2], label="its minimum")
        ax.axhline(e["top"], color="#555555", linestyle=":", linewidth=1.0, label="scale: top")
        if e["bottom"] > 0:
            ax.axhline(e["bottom"], color="#999999", linestyle=":", linewidth=1.0, label="floor")
        if e["val_jump_epoch"] >= 0:
            j = int(e["val_jump_epoch"])
            ax.plot([x_grid[j]], [v_grid[j]], "X", color=PALETTE[3], markersize=9, label="jump")
        if d.pattern == "drops_then_plateaus":
            a, b = int(e["stage_start"]), int(e["stage_end"]) - 1
            ax.axvspan(x_grid[a], x_grid[b], color=PALETTE[4], alpha=0.15, label="flat stretch")
    second = f", then {d.second}" if d.second else ""
    flags = f"\nflags: {', '.join(d.flags)}" if d.flags else ""
    ax.set_title(title or f"{d.pattern} (confidence {d.confidence:.2f}{second}){flags}")
    return fig, ax, d
