"""lossbook: loss functions written to be read, tested to be trusted.

The package behind the *lossbook* textbook. Every loss is a plain function
written from its formula, with torch conventions: prediction first, target
second, keyword-only hyper-parameters, ``reduction`` in ``{"mean", "sum",
"none"}``; it works on CPU and CUDA and is differentiable with autograd.

>>> import torch, lossbook
>>> lossbook.huber(torch.tensor([0.0, 3.0]), torch.tensor([0.5, 0.0]), delta=1.0)
tensor(1.3125)

Importing lossbook imports torch and nothing heavier: the plotting helpers
(:mod:`lossbook.plot`, :mod:`lossbook.widgets`) load matplotlib and
ipywidgets only when you import them.
"""

from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    sigmoid_focal,
    softmax_focal,
    squared_hinge,
)
from .regression import huber, log_cosh, mae, mse, quantile

__version__ = "0.1.0"

__all__ = [
    "mse",
    "mae",
    "huber",
    "log_cosh",
    "quantile",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "sigmoid_focal",
    "softmax_focal",
    "hinge",
    "squared_hinge",
]
