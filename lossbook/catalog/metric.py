"""Metric and contrastive learning (chapter 6)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .. import metric as M
from .spec import LossSpec


def _triplet_gap_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # 1-D embeddings: anchor at 0, negative at L, positive at L + g, so that
    # d(a, p) − d(a, n) = (L + g) − L = g. L = 1 + max|g| keeps every distance
    # positive, so autograd's slope is exactly 1 wherever the hinge is active.
    def profile(g: Tensor, **params: float) -> Tensor:
        offset = 1.0 + (g.detach().abs().max() if g.numel() else 0.0)
        column = g.reshape(-1, 1)
        anchor = torch.zeros_like(column)
        negative = anchor + offset
        positive = column + offset
        return fn(anchor, positive, negative, reduction="none", **params).reshape(g.shape)

    return profile


def _ranking_gap_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # x2 = 0, y = +1: the variable is the score gap y·(x1 − x2) = x1.
    def profile(g: Tensor, **params: float) -> Tensor:
        return fn(g, torch.zeros_like(g), torch.ones_like(g), reduction="none", **params)

    return profile


ENTRIES: list[LossSpec] = [
    LossSpec(
        name="contrastive",
        family="metric",
        fn=M.contrastive,
        formula=r"(1-y)\,D^2 + y\,\max(0,\ m - D)^2,\ D = \lVert x_1 - x_2\rVert_2",
        problem="metric learning on labelled pairs (y = 0 similar, y = 1 dissimilar)",
        summary="Pulls similar pairs together, pushes dissimilar ones out to a margin.",
        reference="hadsell2006dimensionality",
        nonnegative=True,
    ),
    LossSpec(
        name="triplet",
        family="metric",
        fn=M.triplet,
        formula=r"\max\bigl(0,\ d(a,p) - d(a,n) + m\bigr)",
        problem="metric learning (face recognition, re-identification, retrieval)",
        summary="Anchor closer to its positive than to its negative by a margin; a hinge in the gap.",
        reference="schroff2015facenet",
        variable="distance gap Δ = d(a, p) − d(a, n) (< −margin when satisfied)",
        domain=(-10.0, 10.0),
        profile=_triplet_gap_profile(M.triplet),
        example_params={"margin": 1.0},
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="info_nce",
        family="metric",
        fn=M.info_nce,
        formula=r"-\log \frac{e^{s(q_i, k_i)/\tau}}{\sum_j e^{s(q_i, k_j)/\tau}}",
        problem="self-supervised contrastive representation learning (SimCLR, MoCo)",
        summary="Cross-entropy that picks the positive key among negatives by cosine similarity / τ.",
        reference="oord2018representation",
        nonnegative=True,
    ),
    LossSpec(
        name="clip_loss",
        family="metric",
        fn=M.clip_loss,
        formula=r"\tfrac12\bigl[\mathrm{CE}(L, I) + \mathrm{CE}(L^\top, I)\bigr],\ L_{ij} = s(\mathrm{img}_i, \mathrm{txt}_j)/\tau",
        problem="image-text (multimodal) contrastive pre-training",
        summary="Symmetric InfoNCE: each image picks its caption and each caption its image.",
        reference="radford2021learning",
        nonnegative=True,
    ),
    LossSpec(
        name="nt_xent",
        family="metric",
        fn=M.nt_xent,
        formula=r"-\log \frac{e^{s(z_i, z_{p(i)})/\tau}}{\sum_{k \ne i} e^{s(z_i, z_k)/\tau}},\ i = 1 \dots 2N",
        problem="self-supervised contrastive learning from two augmented views (SimCLR)",
        summary="SimCLR's InfoNCE over 2N views: each view picks its partner among the other 2N − 1.",
        reference="chen2020simple",
        nonnegative=True,
    ),
    LossSpec(
        name="margin_ranking",
        family="metric",
        fn=M.margin_ranking,
        formula=r"\max\bigl(0,\ m - y\,(x_1 - x_2)\bigr),\ y \in \{-1, +1\}",
        problem="pairwise ranking: which of two scores should be higher (RankSVM)",
        summary="A hinge on the score gap: zero once the pair is ordered right by the margin.",
        reference="herbrich2000large",
        variable="score gap y·(x₁ − x₂) (> 0 when ordered right)",
        domain=(-10.0, 10.0),
        profile=_ranking_gap_profile(M.margin_ranking),
        example_params={"margin": 0.5},
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="hinge_embedding",
        family="metric",
        fn=M.hinge_embedding,
        formula=r"x \text{ if } y = 1,\quad \max(0,\ m - x) \text{ if } y = -1",
        problem="similarity learning on a given pair distance x (labels ±1, +1 similar)",
        summary="The distance itself for similar pairs, a hinge up to the margin for the others.",
        reference="weston2008deep",
        nonnegative=False,
    ),
    LossSpec(
        name="cosine_embedding",
        family="metric",
        fn=M.cosine_embedding,
        formula=r"1 - \cos(x_1, x_2) \text{ if } y = 1,\quad \max(0,\ \cos(x_1, x_2) - m) \text{ if } y = -1",
        problem="similarity learning by angle (labels ±1, +1 similar): retrieval, paraphrase pairs",
        summary="Aligns similar pairs, pushes the others below a cosine margin; norms ignored.",
        reference="hadsell2006dimensionality",
        nonnegative=True,
    ),
]
