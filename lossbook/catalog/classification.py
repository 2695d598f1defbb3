"""Classification losses (chapter 4): profiled against the margin of the true class."""

from __future__ import annotations

from typing import TypedDict

import torch

from .. import classification as C
from .profiles import binary_margin_profile, two_class_margin_profile
from .spec import LossSpec


class _MarginFields(TypedDict):
    """The fields these entries share (unpacked into each LossSpec, typed)."""

    variable: str


_MARGIN: _MarginFields = {"variable": "margin m (signed logit, > 0 when right)"}

ENTRIES: list[LossSpec] = [
    LossSpec(
        name="cross_entropy",
        family="classification",
        fn=C.cross_entropy,
        formula=(
            r"-\sum_c t_c \log \frac{e^{z_c}}{\sum_k e^{z_k}},\quad"
            r" t = (1 - \varepsilon)\,\mathrm{onehot}(y) + \varepsilon / C"
        ),
        problem="multi-class classification",
        summary="Negative log-likelihood of the softmax; gradient p − y never vanishes when wrong.",
        reference="goodfellow2016",
        domain=(-10.0, 10.0),
        profile=two_class_margin_profile(C.cross_entropy),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="binary_cross_entropy",
        family="classification",
        fn=C.binary_cross_entropy,
        formula=r"-\bigl[y\log p + (1-y)\log(1-p)\bigr]",
        problem="binary or multi-label classification",
        summary="Bernoulli negative log-likelihood on probabilities (logs clamped at −100).",
        reference="goodfellow2016",
        variable="probability p of the true class",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=lambda p: C.binary_cross_entropy(p, torch.ones_like(p), reduction="none"),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=None,
    ),
    LossSpec(
        name="binary_cross_entropy_with_logits",
        family="classification",
        fn=C.binary_cross_entropy_with_logits,
        formula=r"y\,\mathrm{softplus}(-z) + (1-y)\,\mathrm{softplus}(z)",
        problem="binary or multi-label classification",
        summary="Sigmoid + binary cross-entropy fused in log space: stable for any logit.",
        reference="goodfellow2016",
        domain=(-10.0, 10.0),
        profile=binary_margin_profile(C.binary_cross_entropy_with_logits),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="sigmoid_focal",
        family="classification",
        fn=C.sigmoid_focal,
        formula=r"-\alpha_t (1-p_t)^\gamma \log p_t",
        problem="binary or multi-label classification with class imbalance",
        summary="Cross-entropy that down-weights easy examples by (1 − p_t)^γ.",
        reference="lin2017focal",
        example_params={"gamma": 2.0},
        domain=(-10.0, 10.0),
        slider=("gamma", (0.0, 0.5, 2.0, 3.0, 5.0)),
        profile=binary_margin_profile(C.sigmoid_focal),
        convex=False,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="softmax_focal",
        family="classification",
        fn=C.softmax_focal,
        formula=r"-\alpha_y (1-p_y)^\gamma \log p_y",
        problem="multi-class classification with class imbalance",
        summary="Multi-class focal loss; γ = 0 is cross-entropy.",
        reference="lin2017focal",
        example_params={"gamma": 2.0},
        domain=(-10.0, 10.0),
        profile=two_class_margin_profile(C.softmax_focal),
        convex=False,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="hinge",
        family="classification",
        fn=C.hinge,
        formula=r"\max(0,\ m - y\,s)",
        problem="binary classification (SVM), labels in {−1, +1}",
        summary="Zero beyond the margin, linear inside it: the SVM's loss.",
        reference="cortes1995",
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        slider=("margin", (0.25, 0.5, 1.0, 2.0, 4.0)),
        profile=binary_margin_profile(C.hinge),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="squared_hinge",
        family="classification",
        fn=C.squared_hinge,
        formula=r"\max(0,\ m - y\,s)^2",
        problem="binary classification (L2-SVM), labels in {−1, +1}",
        summary="Hinge squared: differentiable, but quadratic in large violations.",
        reference="cortes1995",
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        profile=binary_margin_profile(C.squared_hinge),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=False,
        symmetric=False,
        **_MARGIN,
    ),
]
