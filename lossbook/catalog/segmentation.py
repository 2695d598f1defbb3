"""Segmentation (chapter 8)."""

from __future__ import annotations

import torch
from torch import Tensor

from .. import segmentation as SG
from .profiles import two_class_margin_profile
from .spec import LossSpec


def _dice_pixel_profile(p: Tensor, **params: float) -> Tensor:
    # N samples of one class and one pixel each, every pixel foreground (target 1).
    probs = p.reshape(-1, 1, 1)
    return SG.dice(probs, torch.ones_like(probs), reduction="none", **params).reshape(p.shape)


ENTRIES: list[LossSpec] = [
    LossSpec(
        name="dice",
        family="segmentation",
        fn=SG.dice,
        formula=r"1 - \frac{2\sum_i p_i y_i + \epsilon}{\sum_i p_i + \sum_i y_i + \epsilon}",
        problem="semantic segmentation, especially of small or rare structures",
        summary="One minus the soft overlap (F1) of predicted and true masks, per sample and class.",
        reference="milletari2016vnet",
        variable="probability p of the true class at a single foreground pixel",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=_dice_pixel_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=None,
    ),
    LossSpec(
        name="dice_cross_entropy",
        family="segmentation",
        fn=SG.dice_cross_entropy,
        formula=(
            r"w_{\mathrm{dice}}\,\overline{\mathrm{dice}}_\epsilon\bigl(\mathrm{softmax}(z),"
            r" \mathrm{onehot}(y)\bigr) + w_{\mathrm{ce}}\,\overline{\mathrm{CE}}(z, y)"
        ),
        problem="semantic segmentation (the nnU-Net default)",
        summary="Dice for overlap of small classes plus cross-entropy for smooth, well-scaled gradients.",
        reference="isensee2021nnunet",
        variable="margin m of the true class over the other (two classes, one pixel)",
        domain=(-10.0, 10.0),
        profile=two_class_margin_profile(SG.dice_cross_entropy),
        convex=False,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
    ),
]
