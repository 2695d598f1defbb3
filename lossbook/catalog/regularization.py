"""Regularization penalties (chapter 11): profiled against a single weight."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import torch
from torch import Tensor

from .. import regularization as RG
from .spec import LossSpec


def _weight_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # The penalty of a model with one weight w, evaluated element-wise.
    def profile(w: Tensor, **params: float) -> Tensor:
        return torch.stack([fn([wi], **params) for wi in w.reshape(-1)]).reshape(w.shape)

    return profile


class _RegularizationFields(TypedDict):
    """The fields these entries share (unpacked into each LossSpec, typed)."""

    family: str
    problem: str
    variable: str
    domain: tuple[float, float]
    bounded_below: float
    symmetric: bool


_REGULARIZATION: _RegularizationFields = {
    "family": "regularization",
    "problem": "regularization: a penalty on the weights, added to the training loss",
    "variable": "a single weight w",
    "domain": (-10.0, 10.0),
    "bounded_below": 0.0,
    "symmetric": True,
}


ENTRIES: list[LossSpec] = [
    LossSpec(
        name="l1_penalty",
        fn=RG.l1_penalty,
        formula=r"\sum_j |w_j|",
        summary="Lasso: a constant pull to zero that makes weights exactly 0 (sparsity).",
        reference="tibshirani1996regression",
        profile=_weight_profile(RG.l1_penalty),
        convex=True,
        smooth=False,
        robust=True,
        **_REGULARIZATION,
    ),
    LossSpec(
        name="l2_penalty",
        fn=RG.l2_penalty,
        formula=r"\sum_j w_j^2",
        summary="Ridge / weight decay: a pull proportional to the weight (no ½; SGD decay λ = λ/2·this).",
        reference="hoerl1970ridge",
        profile=_weight_profile(RG.l2_penalty),
        convex=True,
        smooth=True,
        robust=False,
        **_REGULARIZATION,
    ),
    LossSpec(
        name="elastic_net_penalty",
        fn=RG.elastic_net_penalty,
        formula=r"\lambda_1\sum_j |w_j| + \lambda_2\sum_j w_j^2",
        summary="L1's sparsity with L2's stability under correlated features.",
        reference="zou2005regularization",
        example_params={"l1": 1.0, "l2": 1.0},
        profile=_weight_profile(RG.elastic_net_penalty),
        convex=True,
        smooth=False,
        robust=False,
        **_REGULARIZATION,
    ),
]
