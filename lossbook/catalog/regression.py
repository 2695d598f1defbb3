"""Regression losses (chapter 3): profiled against the residual r = y − ŷ."""

from __future__ import annotations

from typing import TypedDict

from .. import regression as R
from .profiles import residual_profile
from .spec import LossSpec


class _RegressionFields(TypedDict):
    """The fields these entries share (unpacked into each LossSpec, typed)."""

    family: str
    problem: str
    variable: str


_REGRESSION: _RegressionFields = {
    "family": "regression",
    "problem": "regression",
    "variable": "residual r = y − ŷ",
}

ENTRIES: list[LossSpec] = [
    LossSpec(
        name="mse",
        fn=R.mse,
        formula=r"(y - \hat y)^2",
        summary="Squares the residual: smooth and convex, but outliers dominate.",
        reference="gauss1809",
        domain=(-10.0, 10.0),
        profile=residual_profile(R.mse),
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
        profile=residual_profile(R.mae),
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
        example_params={"delta": 1.0},
        domain=(-10.0, 10.0),
        slider=("delta", (0.25, 0.5, 1.0, 2.0, 4.0)),
        profile=residual_profile(R.huber),
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
        reference="wang2022survey",
        domain=(-10.0, 10.0),
        profile=residual_profile(R.log_cosh),
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
        example_params={"q": 0.9},
        domain=(-10.0, 10.0),
        slider=("q", (0.1, 0.25, 0.5, 0.75, 0.9)),
        profile=residual_profile(R.quantile),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_REGRESSION,
    ),
]
