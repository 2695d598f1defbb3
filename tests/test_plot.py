"""The book's figure style: colour-blind-safe, not colour alone, white backgrounds."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors

from lossbook import plot

# Okabe & Ito (2008): the eight colours of the Color Universal Design palette.
OKABE_ITO = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
}  # fmt: skip


def test_palette_is_okabe_ito():
    assert set(plot.PALETTE) == OKABE_ITO


def test_every_cycled_line_differs_in_style_as_well_as_colour():
    cycle = list(plot.BOOK_STYLE["axes.prop_cycle"])
    styles = [entry["linestyle"] for entry in cycle]
    colours = [entry["color"] for entry in cycle]
    assert len(set(map(str, styles))) == len(styles) == len(set(colours))
    pairs = [next(s) for s in [plot.styles()] for _ in range(6)]
    assert len({str(p["linestyle"]) for p in pairs}) == 6


def test_figures_have_white_backgrounds():
    fig, _ = plot.figure(2)
    assert mcolors.to_hex(fig.get_facecolor()) == "#ffffff"
    assert all(mcolors.to_hex(ax.get_facecolor()) == "#ffffff" for ax in fig.axes)
    assert plot.BOOK_STYLE["savefig.facecolor"] == "white"


def test_show_source_is_the_packages_own_code():
    import inspect

    import lossbook

    source = plot.show_source(lossbook.huber)
    assert source.full_code == inspect.getsource(lossbook.huber)
    assert source.code == plot.strip_docstrings(inspect.getsource(lossbook.huber))
    assert "\ndef huber(" in source._repr_markdown_()
