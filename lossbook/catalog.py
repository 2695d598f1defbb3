"""The catalog: one :class:`LossSpec` per loss, the single source of truth about it.

The book's summary tables, the loss explorer and the selection guide are
generated from here, and the test suite checks every property recorded here
numerically (``tests/test_catalog_claims.py``): a false claim fails CI.

Properties are claims about the loss *as a function of one scalar variable*
(its ``profile``), at the hyper-parameters in ``example_params``:

* ``variable`` names that scalar: the residual ``r = y − ŷ`` for regression,
  the margin ``m`` (the signed logit or score, positive when right) for
  classification, or a probability.
* ``convex``: the profile is convex on ``domain``.
* ``smooth``: twice continuously differentiable everywhere on ``domain``.
* ``bounded_below``: the profile's infimum (``0.0`` for every loss here), or
  ``None`` if unbounded below.
* ``robust``: the derivative stays bounded as the variable grows large in the
  direction of error (large residuals, very wrong margins) -- one bad point
  pulls with bounded force.
* ``symmetric``: ``ℓ(x) = ℓ(−x)`` (``None`` when that makes no sense).

Losses with no scalar profile (CTC, set-based metric losses...) have
``profile=None`` and ``None`` for the shape properties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from . import classification as C
from . import regression as R


@dataclass(frozen=True)
class LossSpec:
    """Everything the book and the tests know about one loss."""

    name: str
    family: str
    fn: Callable[..., Tensor]
    formula: str
    problem: str
    summary: str
    reference: str
    defaults: dict[str, object] = field(default_factory=dict)
    variable: str | None = None
    domain: tuple[float, float] | None = None
    profile: Callable[..., Tensor] | None = None
    example_params: dict[str, float] = field(default_factory=dict)
    convex: bool | None = None
    smooth: bool | None = None
    bounded_below: float | None = None
    robust: bool | None = None
    symmetric: bool | None = None

    def __call__(self, *args, **kwargs) -> Tensor:
        return self.fn(*args, **kwargs)

    def curve(self, x: Tensor, **params: float) -> Tensor:
        """Evaluate the scalar profile element-wise at ``x`` (``example_params`` by default)."""
        if self.profile is None:
            raise ValueError(f"{self.name} has no one-dimensional profile")
        return self.profile(x, **{**self.example_params, **params})


# Profiles: the loss as a function of one scalar, built by calling the loss itself
# with reduction="none" so that the catalog can never drift from the code.
def _residual_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def profile(r: Tensor, **params: float) -> Tensor:
        return fn(torch.zeros_like(r), r, reduction="none", **params)

    return profile


def _binary_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def profile(m: Tensor, **params: float) -> Tensor:
        return fn(m, torch.ones_like(m), reduction="none", **params)

    return profile


def _two_class_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Logits (0, m) with true class 1: m is the margin of the true class.
    def profile(m: Tensor, **params: float) -> Tensor:
        logits = torch.stack([torch.zeros_like(m), m], dim=1)
        target = torch.ones(m.shape[0], dtype=torch.long, device=m.device)
        return fn(logits, target, reduction="none", **params)

    return profile


_REGRESSION = dict(family="regression", problem="regression", variable="residual r = y − ŷ")
_MARGIN = dict(variable="margin m (signed logit, > 0 when right)")

_ENTRIES: list[LossSpec] = [
    LossSpec(
        name="mse",
        fn=R.mse,
        formula=r"(y - \hat y)^2",
        summary="Squares the residual: smooth and convex, but outliers dominate.",
        reference="gauss1809",
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.mse),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="mae",
        fn=R.mae,
        formula=r"|y - \hat y|",
        summary="Absolute residual: robust, estimates the median, kinked at zero.",
        reference="laplace1774",
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.mae),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="huber",
        fn=R.huber,
        formula=r"\begin{cases}\frac12 r^2 & |r|\le\delta\\ \delta(|r|-\frac12\delta) & |r|>\delta\end{cases}",
        summary="Quadratic near zero, linear in the tails: MSE's smoothness, MAE's robustness.",
        reference="huber1964",
        defaults={"delta": 1.0},
        example_params={"delta": 1.0},
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.huber),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="log_cosh",
        fn=R.log_cosh,
        formula=r"\log\cosh(y - \hat y)",
        summary="Like Huber but twice differentiable; gradient tanh(r) is bounded.",
        reference="chen2019logcosh",
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.log_cosh),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="quantile",
        fn=R.quantile,
        formula=r"\max\bigl(q\,r,\ (q-1)\,r\bigr),\ r = y - \hat y",
        summary="Pinball loss: asymmetric costs; its minimiser is the q-th quantile.",
        reference="koenker1978",
        defaults={"q": 0.5},
        example_params={"q": 0.9},
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.quantile),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_REGRESSION,
    ),
    LossSpec(
        name="cross_entropy",
        family="classification",
        fn=C.cross_entropy,
        formula=r"-\log \frac{e^{z_y}}{\sum_c e^{z_c}}",
        problem="multi-class classification",
        summary="Negative log-likelihood of the softmax; gradient p − y never vanishes when wrong.",
        reference="goodfellow2016",
        defaults={"weight": None, "ignore_index": -100, "label_smoothing": 0.0},
        domain=(-10.0, 10.0),
        profile=_two_class_margin_profile(C.cross_entropy),
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
        defaults={"weight": None},
        variable="probability p of the true class",
        domain=(0.01, 0.99),
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
        defaults={"weight": None, "pos_weight": None},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.binary_cross_entropy_with_logits),
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
        defaults={"alpha": 0.25, "gamma": 2.0},
        example_params={"gamma": 2.0},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.sigmoid_focal),
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
        defaults={"gamma": 2.0, "alpha": None},
        example_params={"gamma": 2.0},
        domain=(-10.0, 10.0),
        profile=_two_class_margin_profile(C.softmax_focal),
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
        formula=r"\max(0,\ 1 - y\,s)",
        problem="binary classification (SVM), labels in {−1, +1}",
        summary="Zero beyond the margin, linear inside it: the SVM's loss.",
        reference="cortes1995",
        defaults={"margin": 1.0},
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.hinge),
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
        formula=r"\max(0,\ 1 - y\,s)^2",
        problem="binary classification (L2-SVM), labels in {−1, +1}",
        summary="Hinge squared: differentiable, but quadratic in large violations.",
        reference="cortes1995",
        defaults={"margin": 1.0},
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.squared_hinge),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=False,
        symmetric=False,
        **_MARGIN,
    ),
]

CATALOG: dict[str, LossSpec] = {spec.name: spec for spec in _ENTRIES}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(spec.family for spec in _ENTRIES))


def get(name: str) -> LossSpec:
    """Look a loss up by name, with a helpful error for a typo."""
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"unknown loss {name!r}; known losses: {', '.join(CATALOG)}") from None


def by_family(family: str) -> list[LossSpec]:
    """All losses of one family, in catalog order."""
    if family not in FAMILIES:
        raise KeyError(f"unknown family {family!r}; known families: {', '.join(FAMILIES)}")
    return [spec for spec in _ENTRIES if spec.family == family]
