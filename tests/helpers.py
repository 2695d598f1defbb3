"""Shared test helpers: the reductions and the reference reduction every family test uses."""

from __future__ import annotations

import numpy as np

from lossbook.checks import REDUCTIONS

__all__ = ["REDUCTIONS", "np_reduce"]


def np_reduce(values, reduction: str) -> np.ndarray:
    """The float64 NumPy reference of ``reduction``: mean, sum, or the values themselves."""
    values = np.asarray(values, dtype=np.float64)
    if reduction == "none":
        return values
    return np.asarray({"mean": np.mean, "sum": np.sum}[reduction](values))
