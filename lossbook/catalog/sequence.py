"""Sequences (chapter 7): CTC has no one-dimensional profile."""

from __future__ import annotations

from .. import sequence as Seq
from .spec import LossSpec

ENTRIES: list[LossSpec] = [
    LossSpec(
        name="ctc",
        family="sequence",
        fn=Seq.ctc,
        formula=r"-\log \sum_{\pi \in \mathcal{B}^{-1}(l)} \prod_{t=1}^{T} y_t(\pi_t)",
        problem="sequence labelling without alignment (speech, handwriting, OCR)",
        summary="Sums over every blank-padded alignment of the labels to the frames with the forward–backward recursion; no frame-level labels needed.",
        reference="graves2006connectionist",
        nonnegative=True,
        variable=None,
        domain=None,
        profile=None,
        convex=None,
        smooth=None,
        bounded_below=None,
        robust=None,
        symmetric=None,
    ),
]
