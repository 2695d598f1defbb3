"""lossbook: loss functions written to be read, tested to be trusted.

The package behind the *lossbook* textbook. Every loss is a plain function
written from its formula. A loss that compares a prediction with a target
takes the prediction first and the target second, by position, as
``torch.nn.functional`` does (the first argument is named for what it holds:
``pred``, ``logits``, ``probs``); losses with another structure follow their
formula -- ``kl_divergence(p, q)`` is D(P‖Q), reference first, the reverse of
``F.kl_div`` -- and each docstring says so. Hyper-parameters are keyword-only,
``reduction`` is one of ``{"mean", "sum", "none"}``; every loss works on CPU
and CUDA and is differentiable with autograd.

>>> import torch, lossbook
>>> lossbook.huber(torch.tensor([0.0, 3.0]), torch.tensor([0.5, 0.0]), delta=1.0)
tensor(1.3125)

Importing lossbook imports torch and nothing heavier. The tools are
attributes loaded on first use: :mod:`lossbook.nn` (the losses as modules),
:mod:`lossbook.checks` (the validation every loss runs, for your own losses),
:mod:`lossbook.testing` (chapter 12's checks as one function),
:mod:`lossbook.catalog`, :mod:`lossbook.guide`, :mod:`lossbook.curves` and
:mod:`lossbook.landscape`; the plotting helpers (:mod:`lossbook.plot`,
:mod:`lossbook.widgets`) load matplotlib and ipywidgets only when used.
"""

import importlib

from .adversarial import (
    gradient_penalty,
    hinge_gan_discriminator,
    hinge_gan_generator,
    r1_penalty,
    wasserstein_critic,
    wasserstein_generator,
)
from .alignment import (
    dpo,
    ipo,
    kto,
    kwise_ranking,
    orpo,
    pairwise_ranking,
    ppo_clip,
    sequence_logprob,
)
from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    brier,
    cross_entropy,
    fit_temperature,
    hinge,
    multi_margin,
    multilabel_margin,
    multilabel_soft_margin,
    nll,
    sigmoid_focal,
    soft_margin,
    softmax_focal,
    squared_hinge,
)
from .divergence import gaussian_kl, kl_divergence
from .generative import denoising_loss, flow_matching
from .llm import group_advantages, grpo, kl_estimate, lm_loss, simpo
from .metric import (
    clip_loss,
    contrastive,
    cosine_embedding,
    hinge_embedding,
    info_nce,
    margin_ranking,
    mine_triplets,
    nt_xent,
    triplet,
)
from .ranking import listmle, listnet
from .regression import (
    crps_gaussian,
    gaussian_nll,
    huber,
    log_cosh,
    mae,
    mse,
    poisson_nll,
    quantile,
    smooth_l1,
)
from .regularization import elastic_net_penalty, l1_penalty, l2_penalty
from .segmentation import dice, dice_cross_entropy
from .sequence import ctc, ctc_alpha, greedy_decode

__version__ = "0.1.0"  # the one source: pyproject.toml reads it (dynamic version)

#: Submodules reachable as attributes, imported on first access (``lossbook.nn.HuberLoss``).
TOOLS = (
    "catalog",
    "checks",
    "compiled",
    "curves",
    "guide",
    "landscape",
    "nn",
    "plot",
    "testing",
    "thresholds",
    "widgets",
)


def __getattr__(name: str) -> object:
    if name in TOOLS:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lossbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *TOOLS})


__all__ = [
    # regression
    "mse",
    "mae",
    "huber",
    "log_cosh",
    "quantile",
    "smooth_l1",
    "gaussian_nll",
    "poisson_nll",
    "crps_gaussian",
    # classification
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "sigmoid_focal",
    "softmax_focal",
    "hinge",
    "squared_hinge",
    "nll",
    "soft_margin",
    "multilabel_soft_margin",
    "multi_margin",
    "multilabel_margin",
    "brier",
    "fit_temperature",
    # divergences
    "kl_divergence",
    "gaussian_kl",
    # metric learning
    "contrastive",
    "triplet",
    "mine_triplets",
    "info_nce",
    "clip_loss",
    "nt_xent",
    "margin_ranking",
    "hinge_embedding",
    "cosine_embedding",
    # sequences
    "ctc",
    "ctc_alpha",
    "greedy_decode",
    # segmentation
    "dice",
    "dice_cross_entropy",
    # generative
    "wasserstein_critic",
    "wasserstein_generator",
    "gradient_penalty",
    "hinge_gan_discriminator",
    "hinge_gan_generator",
    "r1_penalty",
    "denoising_loss",
    "flow_matching",
    # regularization
    "l1_penalty",
    "l2_penalty",
    "elastic_net_penalty",
    # LLM alignment
    "pairwise_ranking",
    "dpo",
    "ipo",
    "kto",
    "orpo",
    "ppo_clip",
    "sequence_logprob",
    "kwise_ranking",
    # LLM training today
    "lm_loss",
    "group_advantages",
    "kl_estimate",
    "grpo",
    "simpo",
    # listwise ranking
    "listnet",
    "listmle",
]
