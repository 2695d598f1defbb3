"""Profile adapters shared by several families.

A profile is the loss as a function of one scalar, built by calling the loss itself
with ``reduction="none"``, so that the catalog can never drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor


def residual_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def profile(r: Tensor, **params: float) -> Tensor:
        return fn(torch.zeros_like(r), r, reduction="none", **params)

    return profile


def binary_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def profile(m: Tensor, **params: float) -> Tensor:
        return fn(m, torch.ones_like(m), reduction="none", **params)

    return profile


def two_class_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Logits (0, m) with true class 1: m is the margin of the true class.
    def profile(m: Tensor, **params: float) -> Tensor:
        logits = torch.stack([torch.zeros_like(m), m], dim=1)
        target = torch.ones(m.shape[0], dtype=torch.long, device=m.device)
        return fn(logits, target, reduction="none", **params)

    return profile
