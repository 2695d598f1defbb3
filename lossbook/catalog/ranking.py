"""Listwise ranking (chapter 15's ranking task; the pairwise loss is in :mod:`.alignment`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import torch
from torch import Tensor

from .. import ranking as RK
from .spec import LossSpec


def _two_item_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # One list of two items, relevance (1, 0), scores (m, 0): m is the score margin of the
    # more relevant item over the other, positive when the list is ordered right.
    def profile(m: Tensor, **params: float) -> Tensor:
        scores = torch.stack([m, torch.zeros_like(m)], dim=-1)
        relevance = torch.tensor([1.0, 0.0], dtype=m.dtype, device=m.device).expand_as(scores)
        return fn(scores, relevance, reduction="none", **params)

    return profile


class _RankingFields(TypedDict):
    """The fields these entries share (unpacked into each LossSpec, typed)."""

    family: str


_RANKING: _RankingFields = {"family": "ranking"}
_MARGIN = "score margin m = s₁ − s₂ of the more relevant of two items (relevance 1 and 0)"

ENTRIES: list[LossSpec] = [
    LossSpec(
        name="listnet",
        fn=RK.listnet,
        formula=(r"-\sum_j \operatorname{softmax}(y/\tau)_j\,\log\operatorname{softmax}(s)_j"),
        problem="learning to rank whole lists (NDCG, average precision)",
        summary=(
            "Cross-entropy between the top-one distributions of the relevance labels and of "
            "the scores; its minimum is the entropy of the target, not 0."
        ),
        reference="cao2007learning",
        variable=_MARGIN,
        domain=(-10.0, 10.0),
        profile=_two_item_profile(RK.listnet),
        convex=True,
        smooth=True,
        # The entropy of softmax(1, 0) = (σ(1), σ(−1)), reached at m = 1.
        bounded_below=0.5822031088882179,
        robust=True,
        symmetric=False,
        **_RANKING,
    ),
    LossSpec(
        name="listmle",
        fn=RK.listmle,
        formula=(
            r"\sum_{i=1}^{K}\Bigl(\log\sum_{j\ge i} e^{s_{\pi(j)}} - s_{\pi(i)}\Bigr),"
            r"\quad \pi = \text{items by decreasing relevance}"
        ),
        problem="learning to rank whole lists (NDCG, average precision)",
        summary=(
            "Negative log-likelihood of the relevance order under the Plackett–Luce model of "
            "the scores, summed over positions; ties keep their order in the list."
        ),
        reference="xia2008listwise",
        variable=_MARGIN,
        domain=(-10.0, 10.0),
        profile=_two_item_profile(RK.listmle),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_RANKING,
    ),
]
