"""Classification losses (chapter 4): profiled against the margin of the true class."""

from __future__ import annotations

from typing import TypedDict

import torch
from torch import Tensor

from .. import classification as C
from .profiles import binary_margin_profile, two_class_margin_profile
from .spec import LossSpec


def _nll_profile(log_p: Tensor) -> Tensor:
    """``nll`` with log-probability ``log_p`` for the true class 0 (it reads only that entry)."""
    log_probs = torch.stack([log_p, torch.zeros_like(log_p)], dim=1)
    return C.nll(log_probs, torch.zeros(log_p.shape[0], dtype=torch.long), reduction="none")


def _multilabel_soft_margin_profile(m: Tensor) -> Tensor:
    """One class, label 1, logit ``m``: the logistic loss ``softplus(−m)``."""
    return C.multilabel_soft_margin(m[:, None], torch.ones_like(m)[:, None], reduction="none")


def _multilabel_margin_profile(m: Tensor) -> Tensor:
    """Scores ``(0, m)`` with the true class set {1}: ``max(0, 1 − m)/2``."""
    scores = torch.stack([torch.zeros_like(m), m], dim=1)
    target = torch.tensor([[1, -1]]).expand(m.shape[0], 2)
    return C.multilabel_margin(scores, target, reduction="none")


def _brier_profile(p: Tensor) -> Tensor:
    """Two classes, ``(1 − p, p)``, true class 1: ``2(1 − p)²``."""
    probs = torch.stack([1.0 - p, p], dim=1)
    return C.brier(probs, torch.ones(p.shape[0], dtype=torch.long), reduction="none")


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
    LossSpec(
        name="nll",
        family="classification",
        fn=C.nll,
        formula=r"-w_y \log p_y",
        problem="multi-class classification from log-probabilities (torch's NLLLoss)",
        summary="Picks −log p_y from log_softmax's output; log_softmax + nll = cross-entropy.",
        reference="goodfellow2016",
        variable="log-probability log p of the true class",
        domain=(-10.0, -0.01),
        support=(float("-inf"), 0.0),
        profile=_nll_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=None,
    ),
    LossSpec(
        name="soft_margin",
        family="classification",
        fn=C.soft_margin,
        formula=r"\log\bigl(1 + e^{-y\,s}\bigr)",
        problem="binary classification, labels in {−1, +1} (torch's SoftMarginLoss)",
        summary="The logistic loss on ±1 labels: a smooth hinge that never reaches zero.",
        reference="bartlett2006convexity",
        domain=(-10.0, 10.0),
        profile=binary_margin_profile(C.soft_margin),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        variable=_MARGIN["variable"],
    ),
    LossSpec(
        name="multilabel_soft_margin",
        family="classification",
        fn=C.multilabel_soft_margin,
        formula=(
            r"\frac{1}{C}\sum_c w_c\bigl[y_c\,\mathrm{softplus}(-z_c)"
            r" + (1 - y_c)\,\mathrm{softplus}(z_c)\bigr]"
        ),
        problem="multi-label classification (torch's MultiLabelSoftMarginLoss)",
        summary="Per-class logistic losses averaged over the classes: one value per example.",
        reference="goodfellow2016",
        domain=(-10.0, 10.0),
        profile=_multilabel_soft_margin_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        variable=_MARGIN["variable"],
    ),
    LossSpec(
        name="multi_margin",
        family="classification",
        fn=C.multi_margin,
        formula=r"\frac{1}{C}\sum_{c \ne y} w_y \max(0,\ m - s_y + s_c)^p",
        problem="multi-class classification, multi-class SVM (torch's MultiMarginLoss)",
        summary="Weston–Watkins multi-class hinge: every class within m of the true one pays.",
        reference="weston1999support",
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        profile=two_class_margin_profile(C.multi_margin),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        variable=_MARGIN["variable"],
    ),
    LossSpec(
        name="multilabel_margin",
        family="classification",
        fn=C.multilabel_margin,
        formula=r"\frac{1}{C}\sum_{j \in Y}\sum_{c \notin Y} \max(0,\ 1 - s_j + s_c)",
        problem="multi-label classification as ranking (torch's MultiLabelMarginLoss)",
        summary="Every true label must outscore every other by 1; targets are −1-terminated.",
        reference="elisseeff2001kernel",
        domain=(-10.0, 10.0),
        profile=_multilabel_margin_profile,
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        variable=_MARGIN["variable"],
    ),
    LossSpec(
        name="brier",
        family="classification",
        fn=C.brier,
        formula=r"\sum_c (p_c - t_c)^2",
        problem="scoring predicted class probabilities (calibration and sharpness)",
        summary="Squared error of the predicted distribution: a bounded, strictly proper score.",
        reference="brier1950verification",
        variable="probability p of the true class",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=_brier_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=None,
    ),
]
