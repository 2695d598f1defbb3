r"""Denoising losses: the objectives behind diffusion models and flow matching.

A diffusion model (Ho et al., 2020; Song et al., 2021) learns to undo a fixed
*forward process* that blurs data ``x_0`` into noise: at noise level
``t ∈ [0, 1]``,

.. math:: x_t = \alpha_t\, x_0 + \sigma_t\, \epsilon, \qquad \epsilon \sim \mathcal N(0, I),

with ``α_0 = 1, σ_0 = 0`` (the data) and ``α_1 ≈ 0, σ_1 ≈ 1`` (pure noise). The loss
is a regression: a network sees ``x_t`` and ``t`` and predicts the noise, the
clean sample or a mix of both (:func:`denoising_loss`). Flow matching (Lipman et
al., 2023; Liu et al., 2023) regresses the velocity of a straight path from noise
to data instead (:func:`flow_matching`). Both are plain mean squared errors; what
makes them generative is what the regression target means, and a sampler that
integrates the learned field from noise back to data (chapter 9).

**Directions.** Diffusion papers run *time* from data (``t = 0``) to noise
(``t = 1``); flow-matching papers run it from noise (``t = 0``, ``x0``) to data
(``t = 1``, ``x1``). Each function follows its own papers and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor

from .checks import (
    Reduction,
    autocast_enabled,
    check_generator,
    check_not_empty,
    check_not_scalar,
    check_pair,
    check_reduction,
    check_same_device,
    check_tensor,
    checking_values,
    reduce,
)

__all__ = ["SCHEDULES", "TARGETS", "denoising_loss", "flow_matching", "noise_schedule"]

#: The forward processes :func:`noise_schedule` knows.
SCHEDULES = ("cosine", "linear")
#: What a denoiser may predict.
TARGETS = ("eps", "x0", "v")
#: The linear schedule's β(t) = β_min + t (β_max − β_min): Song et al. (2021)'s VP SDE, the
#: continuous form of DDPM's 1000 steps with β from 1e-4 to 0.02.
BETA_MIN, BETA_MAX = 0.1, 20.0


def noise_schedule(t: Tensor, schedule: str = "cosine") -> tuple[Tensor, Tensor]:
    r"""The forward process's ``(α_t, σ_t)`` at noise levels ``t ∈ [0, 1]``.

    Both schedules are *variance preserving*, ``α_t² + σ_t² = 1``, so ``x_t`` keeps
    unit variance when the data have it:

    * ``"cosine"`` (Nichol & Dhariwal, 2021, without their offset):
      ``α_t = cos(πt/2)``, ``σ_t = sin(πt/2)``;
    * ``"linear"`` (DDPM's linear β, in the continuous form of Song et al., 2021):
      ``α_t = exp(−¼ t² (β_max − β_min) − ½ t β_min)`` with ``β_min = 0.1``,
      ``β_max = 20``, and ``σ_t = √(1 − α_t²)`` (computed as ``√(−expm1(2 log α_t))``,
      exact near ``t = 0``).

    >>> import torch
    >>> alpha, sigma = noise_schedule(torch.tensor([0.0, 0.5]))  # cos and sin of 0 and π/4
    >>> alpha.round(decimals=4), sigma.round(decimals=4)
    (tensor([1.0000, 0.7071]), tensor([0.0000, 0.7071]))
    """
    check_tensor("t", t)
    check_schedule(schedule)
    if schedule == "cosine":
        return torch.cos(0.5 * math.pi * t), torch.sin(0.5 * math.pi * t)
    log_alpha = -0.25 * t.square() * (BETA_MAX - BETA_MIN) - 0.5 * t * BETA_MIN
    return torch.exp(log_alpha), torch.sqrt(-torch.expm1(2.0 * log_alpha))


def check_schedule(schedule: object) -> str:
    """Raise ``ValueError`` unless ``schedule`` names a forward process in :data:`SCHEDULES`."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    return str(schedule)


def check_target(target: object) -> str:
    """Raise ``ValueError`` unless ``target`` is one of :data:`TARGETS`."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    return str(target)


def _check_model(model: object) -> None:
    if not callable(model):
        raise TypeError(
            f"model must be callable (a function or module), got {type(model).__name__}"
        )


def _noise_levels(
    t: Tensor | None, x: Tensor, generator: torch.Generator | None, draw_dtype: torch.dtype
) -> Tensor:
    """One noise level per example: ``t`` as given (checked), or drawn from U(0, 1)."""
    n = x.shape[0]
    if t is None:
        device = generator.device if generator is not None else x.device
        drawn = torch.rand(n, generator=generator, device=device, dtype=draw_dtype)
        return drawn.to(device=x.device, dtype=x.dtype)
    check_tensor("t", t)
    check_same_device(("t", t), ("x0", x))
    if t.shape != (n,):
        raise ValueError(
            f"t must have shape ({n},) (one noise level per example), got {tuple(t.shape)}"
        )
    if checking_values() and bool(((t < 0) | (t > 1)).any()):
        raise ValueError(
            f"t must lie in [0, 1], got values in [{t.min().item():g}, {t.max().item():g}]"
        )
    return t.to(x.dtype)


def _draw_dtype(x: Tensor) -> torch.dtype:
    # Half-precision inputs draw in float32 and round, so that their noise is float32's.
    return x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32


def _per_example(model_out: object, target: Tensor, model_name: str) -> Tensor:
    """Mean squared error of each example, over all its non-batch dimensions: (N,)."""
    if not isinstance(model_out, Tensor) or model_out.shape != target.shape:
        got = tuple(model_out.shape) if isinstance(model_out, Tensor) else type(model_out).__name__
        raise ValueError(
            f"{model_name} must return a tensor of the input's shape {tuple(target.shape)}, "
            f"got {got}"
        )
    if autocast_enabled(model_out.device.type):
        # The package's autocast policy: the loss is computed in float32 or wider (the model
        # itself keeps running under the caller's autocast).
        dtype = torch.promote_types(
            torch.promote_types(model_out.dtype, target.dtype), torch.float32
        )
        model_out, target = model_out.to(dtype), target.to(dtype)
    return (model_out - target).square().reshape(target.shape[0], -1).mean(dim=1)


def denoising_loss(
    model: Callable[[Tensor, Tensor], Tensor],
    x0: Tensor,
    *,
    schedule: str = "cosine",
    target: str = "eps",
    t: Tensor | None = None,
    generator: torch.Generator | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""The diffusion model's loss (Ho et al., 2020): regress the noise added to the data.

    .. math::

        t \sim U(0, 1),\quad \epsilon \sim \mathcal N(0, I),\quad
        x_t = \alpha_t x_0 + \sigma_t \epsilon;\qquad
        \ell = \frac1N \sum_i \operatorname{mean}\bigl(f_\theta(x_{t,i}, t_i) - y_i\bigr)^2

    with the target ``y`` one of

    * ``"eps"``: the noise ``ε`` (DDPM's "simple" loss);
    * ``"x0"``: the clean sample ``x_0``;
    * ``"v"``: the velocity ``v = α_t ε − σ_t x_0`` (Salimans & Ho, 2022).

    **Why it learns the data.** By Tweedie's formula the best possible denoiser,
    ``E[ε | x_t]``, is the score of the blurred data times ``−σ_t``:
    ``∇ log p_t(x_t) = −E[ε | x_t] / σ_t``. Minimising the loss is therefore *denoising
    score matching* (Vincent, 2011): the network learns the score at every noise level,
    and a sampler that follows it from noise back to ``t = 0`` draws from the data.
    The same loss is, up to a weighting over ``t``, the negative evidence lower bound of
    a deep latent-variable model (Ho et al., 2020; Kingma et al., 2021): every target is
    the ELBO's ε-error weighted per noise level. With the signal-to-noise ratio
    ``SNR = α²/σ²``, ``‖x̂_0 − x_0‖² = ‖ε̂ − ε‖² / SNR`` and, for these variance-preserving
    schedules, ``‖v̂ − v‖² = ‖ε̂ − ε‖² / α² = (1 + 1/SNR)·‖ε̂ − ε‖²``. Measured in
    ε-errors, the ``x0`` target weights each level by ``1/SNR`` -- heavily where the
    sample is mostly noise, almost not at all where it is nearly clean -- ``eps`` weighs
    every level alike, and ``v`` by ``1 + 1/SNR``, never less than ``eps`` (Kingma & Gao,
    2023 compare such weightings as one family).

    **Randomness.** ``t`` (one level per example, unless given) and ``ε`` are drawn in
    that order, from ``generator`` if given (not under ``torch.compile``, which cannot
    trace one: seed ``torch.manual_seed`` instead; inductor's compiled draws differ from
    eager ones unless ``torch._inductor.config.fallback_random`` is set). Half-precision
    inputs draw in float32 and round.

    **Reduction.** ``"none"`` gives each example's squared error averaged over its
    elements, shape ``(N,)``; ``"mean"`` and ``"sum"`` reduce those.

    Example: a model that always answers 0 with the ``x0`` target costs the data's mean
    square, whatever the noise, ``(1 + 9) / 2 = 5``:

    >>> import torch
    >>> x0 = torch.tensor([[1.0], [3.0]])
    >>> denoising_loss(lambda x, t: torch.zeros_like(x), x0, target="x0")
    tensor(5.)

    Args:
        model: called as ``model(x_t, t)`` with ``x_t`` of ``x0``'s shape and ``t`` of shape
            ``(N,)``; must return a tensor of ``x0``'s shape.
        x0: clean data ``(N, *)``.
        schedule: ``"cosine"`` (default) or ``"linear"`` (see :func:`noise_schedule`).
        target: ``"eps"`` (default), ``"x0"`` or ``"v"``.
        t: noise levels ``(N,)`` in ``[0, 1]``; drawn from ``U(0, 1)`` when ``None``.
        generator: optional ``torch.Generator`` for the draws.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (``(N,)``).
    """
    _check_model(model)
    check_tensor("x0", x0)
    check_not_scalar("x0", x0, "the batch dimension N")
    check_not_empty("x0", x0)
    check_schedule(schedule)
    check_target(target)
    check_generator(generator)
    check_reduction(reduction)

    n, draw_dtype = x0.shape[0], _draw_dtype(x0)
    t = _noise_levels(t, x0, generator, draw_dtype)
    draw_device = generator.device if generator is not None else x0.device
    noise = torch.randn(x0.shape, generator=generator, device=draw_device, dtype=draw_dtype)
    noise = noise.to(device=x0.device, dtype=x0.dtype)

    alpha, sigma = noise_schedule(t, schedule)  # (N,) each
    per_example_shape = (n,) + (1,) * (x0.dim() - 1)
    alpha, sigma = alpha.reshape(per_example_shape), sigma.reshape(per_example_shape)
    x_t = alpha * x0 + sigma * noise  # the forward process
    wanted = {"eps": noise, "x0": x0, "v": alpha * noise - sigma * x0}[target]
    return reduce(_per_example(model(x_t, t), wanted, "model"), reduction)


def flow_matching(
    model: Callable[[Tensor, Tensor], Tensor],
    x0: Tensor,
    x1: Tensor,
    *,
    t: Tensor | None = None,
    generator: torch.Generator | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Conditional flow matching on the straight path (Lipman et al., 2023; Liu et al., 2023).

    .. math::

        t \sim U(0, 1),\quad x_t = (1 - t)\,x_0 + t\,x_1;\qquad
        \ell = \frac1N \sum_i \operatorname{mean}\bigl(v_\theta(x_{t,i}, t_i)
               - (x_{1,i} - x_{0,i})\bigr)^2

    ``x0`` is a batch from the source (usually Gaussian noise), ``x1`` a batch from the
    data, paired at random; the network learns a velocity field whose flow carries the
    source to the data. For one pair the path is straight with constant velocity
    ``x1 − x0``; over all pairs the minimiser is the *average* velocity through
    ``x_t``, ``E[x1 − x0 | x_t]``, whose flow (an ODE integrated from ``t = 0`` to 1)
    transports the noise distribution exactly onto the data distribution. This is
    Liu et al.'s *rectified flow* and Lipman et al.'s flow matching with
    ``σ_min = 0``. Time runs from noise (``t = 0``) to data (``t = 1``), the reverse
    of :func:`denoising_loss`'s convention.

    **Randomness.** Only ``t`` is drawn (one per pair, unless given), from ``generator``
    if given (not under ``torch.compile``); the noise is the caller's ``x0``.

    **Reduction.** ``"none"`` gives each pair's squared error averaged over its
    elements, shape ``(N,)``.

    Example: a model that answers 0 costs the mean square of ``x1 − x0``,
    ``(4 + 0) / 2 = 2``, at any ``t``:

    >>> import torch
    >>> x0, x1 = torch.tensor([[1.0], [2.0]]), torch.tensor([[3.0], [2.0]])
    >>> flow_matching(lambda x, t: torch.zeros_like(x), x0, x1)
    tensor(2.)

    Args:
        model: called as ``model(x_t, t)`` with ``t`` of shape ``(N,)``; returns the
            velocity, a tensor of ``x0``'s shape.
        x0: source samples (noise) ``(N, *)``.
        x1: target samples (data), the same shape.
        t: times ``(N,)`` in ``[0, 1]``; drawn from ``U(0, 1)`` when ``None``.
        generator: optional ``torch.Generator`` for the draw of ``t``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (``(N,)``).
    """
    _check_model(model)
    check_pair("x0", x0, "x1", x1)
    check_not_scalar("x0 and x1", x0, "the batch dimension N")
    check_not_empty("x0", x0)
    check_generator(generator)
    check_reduction(reduction)

    t = _noise_levels(t, x0, generator, _draw_dtype(x0))
    per_example = t.reshape((x0.shape[0],) + (1,) * (x0.dim() - 1))
    x_t = (1.0 - per_example) * x0 + per_example * x1  # the straight path
    velocity = x1 - x0  # its constant velocity
    return reduce(_per_example(model(x_t, t), velocity, "model"), reduction)
