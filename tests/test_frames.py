"""Legible figures: every kernel-free frame stored in the notebooks is drawn at >= 100 dpi.

The frames are the PNG data URIs inside the slider's HTML output. The resolution is read
from each PNG's header (the ``pHYs`` chunk matplotlib and Pillow write: pixels per metre);
a frame without one, or below ``lossbook.widgets.MIN_DPI``, is reported with its notebook
and cell. Stale outputs fail here until the chapter is re-executed.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import nbformat
import pytest

from lossbook.widgets import MIN_DPI

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
FRAME = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def png_header(data: bytes) -> tuple[int, int, float | None]:
    """(width, height, dpi) of a PNG; dpi is None without a pHYs chunk in metres."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    pos, dpi = 8, None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"pHYs":
            x, _y, unit = struct.unpack(">IIB", data[pos + 8 : pos + 17])
            dpi = x * 0.0254 if unit == 1 else None
        if kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return width, height, dpi


def frames(path: Path):
    """(cell index, frame number, PNG bytes) of every kernel-free frame in a notebook."""
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if "lossbook-slider" not in html:
                continue
            # the first <img> repeats one frame of the JSON list: count each distinct frame once
            seen = dict.fromkeys(FRAME.findall(html))
            for number, b64 in enumerate(seen):
                yield index, number, base64.b64decode(b64)


def test_png_header_reader():
    import io

    import matplotlib

    matplotlib.use("Agg")
    from lossbook.plot import figure
    from lossbook.widgets import png_bytes

    fig, _ = figure(width=4.0, height=2.0)
    width, height, dpi = png_header(png_bytes(fig, dpi=120))
    assert (width, height) == (480, 240) and round(dpi) == 120
    fig, _ = figure(width=4.0, height=2.0)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    assert round(png_header(buffer.getvalue())[2]) == 60


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_frame_is_legible(path):
    low = {}
    for cell, number, data in frames(path):
        width, height, dpi = png_header(data)
        if dpi is None or round(dpi) < MIN_DPI:
            low.setdefault(cell, (number, width, height, dpi and round(dpi)))
    assert not low, f"{path.name}: frames below {MIN_DPI} dpi: " + "; ".join(
        f"cell {cell} (first: frame {n}, {w}x{h} px at {d} dpi)"
        for cell, (n, w, h, d) in sorted(low.items())
    )
