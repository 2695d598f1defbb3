"""The book's figure style and small matplotlib helpers.

Figures follow three rules so that every reader can read them:

* a colour-blind-safe palette (Okabe & Ito, 2008) *and* distinct line styles,
  so no curve is told apart by colour alone;
* a white background, which stays readable when the site is in dark mode;
* a short alt text for every figure (see :mod:`lossbook.widgets`).

Importing this module imports matplotlib; ``import lossbook`` does not.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from itertools import cycle

import matplotlib as mpl
import matplotlib.pyplot as plt

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
    "axes.prop_cycle": mpl.cycler(color=PALETTE[:6], linestyle=LINESTYLES),
    "legend.frameon": False,
    "font.size": 10,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "lossbook",
}


def use_book_style() -> None:
    """Apply the book's figure style to matplotlib globally."""
    mpl.rcParams.update(BOOK_STYLE)


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
    """The source code of a lossbook object, displayed as a highlighted block.

    The book shows the package's own code with ``show_source(lossbook.huber)``
    rather than a copy in the text: strict nbval compares this output with the
    committed one, so the page cannot drift from the code.
    """

    def __init__(self, obj: Callable | type) -> None:
        self.obj = obj
        self.code = inspect.getsource(obj)

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}```\n"

    def __repr__(self) -> str:
        return self.code


def show_source(obj: Callable | type) -> Source:
    """Return a displayable view of ``obj``'s source (see :class:`Source`)."""
    return Source(obj)
