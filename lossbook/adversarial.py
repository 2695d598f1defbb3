r"""Generative-adversarial losses: the Wasserstein GAN and its gradient penalty.

A Wasserstein GAN (Arjovsky et al., 2017) trains a *critic* ``D`` -- a
real-valued score, not a probability -- to estimate the Wasserstein-1 distance
between the data and the generator's distribution through the
Kantorovich--Rubinstein duality,

.. math::

    W(P_r, P_g) = \sup_{\|D\|_L \le 1}\
                  \mathbb E_{x\sim P_r}[D(x)] - \mathbb E_{x\sim P_g}[D(x)],

while the generator tries to make that distance small. The supremum is over
1-Lipschitz critics; WGAN-GP (Gulrajani et al., 2017) enforces the constraint
softly with :func:`gradient_penalty`.

**Sign convention.** Papers write the critic's objective as the quantity it
*maximises*, ``E[D(real)] − E[D(fake)]``. Optimisers minimise, so this module
returns the *losses*: :func:`wasserstein_critic` is ``mean(fake) − mean(real)``
(the negation), :func:`wasserstein_generator` is ``−mean(fake)``. Both are
unbounded below: without a Lipschitz constraint the critic can push them to
``−∞`` (chapter 9).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .checks import (
    Reduction,
    autocast_enabled,
    check_generator,
    check_not_empty,
    check_pair,
    check_positive,
    check_reduction,
    check_same_device,
    check_tensor,
    float32_if_autocast,
    float32_under_autocast,
    reduce,
    safe_sqrt,
)

__all__ = [
    "gradient_penalty",
    "hinge_gan_discriminator",
    "hinge_gan_generator",
    "r1_penalty",
    "wasserstein_critic",
    "wasserstein_generator",
]


def _input_gradients(critic: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """``∇_x Σ_i D(x_i)``, differentiable: row ``i`` is sample ``i``'s own ``∇D(x_i)``.

    The gradient of the summed scores holds every sample's own gradient when the critic
    treats samples independently. Eagerly it is ``torch.autograd.grad(...,
    create_graph=True)`` (any critic); while ``torch.compile`` traces, ``torch.func.grad``,
    which Dynamo can trace (see :func:`gradient_penalty`). Call it under
    ``torch.enable_grad()``. Under autocast a half-precision gradient is returned in
    float32 (the package's policy; the critic itself keeps running under autocast).
    """
    n = x.shape[0]

    def total_score(x: Tensor) -> Tensor:
        """``Σ_i D(x_i)``: its gradient holds every sample's own ``∇D(x_i)``."""
        scores = critic(x)
        if not isinstance(scores, Tensor) or scores.dim() == 0 or scores.shape[0] != n:
            got = tuple(scores.shape) if isinstance(scores, Tensor) else type(scores).__name__
            raise ValueError(
                f"critic must return a tensor of scores with first dimension N={n} "
                f"(one score per sample), got {got}"
            )
        return scores.sum()

    if torch.compiler.is_compiling():
        # ∇_x Σ_i D(x_i) as a function transform, which Dynamo traces into the graph
        grad = torch.func.grad(total_score)(x)
    else:
        x = x.detach().requires_grad_(True)
        total = total_score(x)
        grad = None
        if total.requires_grad:
            (grad,) = torch.autograd.grad(total, x, create_graph=True, allow_unused=True)
        if grad is None:  # the scores do not depend on the input: the gradient is 0
            grad = torch.zeros_like(x)
    if autocast_enabled(grad.device.type) and grad.dtype in (torch.float16, torch.bfloat16):
        grad = grad.float()
    return grad


def _check_scores(real_scores: Tensor, fake_scores: Tensor, reduction: Reduction) -> None:
    """A critic's scores of a real and a fake batch: any shapes for ``"mean"`` (each batch
    is averaged on its own), the same shape for ``"sum"``/``"none"`` (paired element-wise)."""
    check_tensor("real_scores", real_scores)
    check_tensor("fake_scores", fake_scores)
    check_same_device(("real_scores", real_scores), ("fake_scores", fake_scores))
    check_reduction(reduction)
    check_not_empty("real_scores", real_scores)
    check_not_empty("fake_scores", fake_scores)
    if reduction != "mean" and real_scores.shape != fake_scores.shape:
        raise ValueError(
            f"real_scores and fake_scores must have the same shape for reduction="
            f"{reduction!r}, which pairs them element by element, got real_scores "
            f"{tuple(real_scores.shape)} and fake_scores {tuple(fake_scores.shape)}; "
            "reduction='mean' accepts different shapes"
        )


@float32_under_autocast
def wasserstein_critic(
    real_scores: Tensor, fake_scores: Tensor, *, reduction: Reduction = "mean"
) -> Tensor:
    r"""The WGAN critic's loss (Arjovsky et al., 2017): the quantity the critic *minimises*.

    .. math:: \ell_D = \frac1{N_g}\sum_j D(\tilde x_j) - \frac1{N_r}\sum_i D(x_i)

    the negated estimate of the Wasserstein distance. Papers usually write the
    critic's objective as the quantity it *maximises*,
    ``E[D(real)] − E[D(fake)]``; this is its negation, so an optimiser can
    minimise it. A very negative critic loss means the critic separates real
    from fake well (a large distance estimate); it is unbounded below unless
    the critic is kept Lipschitz (weight clipping or :func:`gradient_penalty`).

    **Reduction.** ``"mean"`` (default) is the formula above and accepts real
    and fake batches of different sizes or shapes (each is averaged on its
    own). ``"sum"`` (``Σ fake − Σ real``) and ``"none"`` (the element-wise
    ``fake − real``, whose mean is the ``"mean"`` value) pair real and fake
    scores element by element, so they require the same shape.

    Args:
        real_scores: critic scores of real samples, any shape (``(N,)``,
            ``(N, 1)``, or ``(N, 1, H, W)`` for a patch critic).
        fake_scores: critic scores of generated samples, any shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    _check_scores(real_scores, fake_scores, reduction)
    if reduction == "mean":  # each batch averaged on its own, so their sizes may differ
        return reduce(fake_scores, "mean") - reduce(real_scores, "mean")
    return reduce(fake_scores - real_scores, reduction)


@float32_under_autocast
def wasserstein_generator(fake_scores: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""The WGAN generator's loss (Arjovsky et al., 2017).

    .. math:: \ell_G = -\frac1{N}\sum_j D(G(z_j))

    The generator can only move the fake term of the distance estimate, so it
    minimises minus the critic's mean score of its samples. Its gradient does
    not saturate when the critic confidently rejects the fakes -- the problem
    of the original GAN's minimax loss that the Wasserstein loss fixes.

    Args:
        fake_scores: critic scores of generated samples, any shape.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` (``−fake_scores``).
    """
    check_tensor("fake_scores", fake_scores)
    check_reduction(reduction)
    check_not_empty("fake_scores", fake_scores)
    return reduce(-fake_scores, reduction)


def gradient_penalty(
    critic: Callable[[Tensor], Tensor],
    real: Tensor,
    fake: Tensor,
    *,
    weight: float = 10.0,
    generator: torch.Generator | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""WGAN-GP gradient penalty (Gulrajani et al., 2017).

    .. math::

        \hat x_i = \epsilon_i\, x_i + (1 - \epsilon_i)\,\tilde x_i,
        \quad \epsilon_i \sim U(0, 1); \qquad
        \ell_\mathrm{GP} = \lambda\, \frac1N \sum_i
            \bigl(\|\nabla_{\hat x} D(\hat x_i)\|_2 - 1\bigr)^2

    A 1-Lipschitz critic has gradient norm at most 1; the optimal critic has
    norm exactly 1 along the lines between real and fake samples. So the
    penalty samples one point ``x̂_i`` on the segment between the i-th real
    and the i-th fake sample (one ``ε_i`` per *sample*, broadcast over all its
    other dimensions) and pulls the critic's gradient norm there towards 1.
    Add it to :func:`wasserstein_critic`'s loss.

    **Per-sample norm.** ``‖·‖`` is the L2 norm of sample ``i``'s gradient over
    *all* its non-batch dimensions (channels and pixels together). Taking the
    norm of the whole batch's gradient instead -- a common bug -- gives
    ``√N`` times the norm for identical samples and a different penalty.

    **Gradient.** The gradient ``∇D(x̂)`` is taken with
    ``torch.autograd.grad(..., create_graph=True)``, so the penalty is itself
    differentiable with respect to the critic's parameters (double backward).
    The gradient of ``D(x̂).sum()`` gives each sample's own gradient only if
    the critic treats samples independently -- no batch normalisation in the
    critic (the paper recommends layer normalisation). ``real`` and ``fake``
    are detached: the penalty is a term of the critic's loss and sends no
    gradient into the generator.

    **Compiling.** Dynamo cannot trace ``torch.autograd.grad``, so while
    ``torch.compile`` traces the penalty the same gradient is taken with
    ``torch.func.grad`` instead, which it can: the result and its double
    backward are the same (tested), and ``fullgraph=True`` holds. Eagerly the
    function keeps ``torch.autograd.grad``, which works with any critic --
    ``torch.func.grad`` refuses critics that update buffers in place (batch
    normalisation's running statistics, spectral normalisation's power
    iteration) or use old-style ``autograd.Function`` s.

    **Zero gradient.** ``‖g‖ = √(Σg²)`` has an infinite derivative at
    ``g = 0`` (``g/‖g‖ = 0/0``), which a flat critic would turn into NaN
    parameter gradients. The norm is computed as
    ``where(s ≠ 0, sqrt(where(s ≠ 0, s, 1)), 0)`` with ``s = Σg²``: the value
    is exact, and the derivative there is taken as 0 -- the midpoint of the
    kinked penalty's one-sided slopes, the choice ``torch.linalg.vector_norm``
    makes too -- without the small bias of ``sqrt(s + tiny)``.

    Args:
        critic: a function or module mapping a batch ``(N, *)`` to scores
            whose first dimension is ``N`` (``(N,)``, ``(N, 1)``, ``(N, 1, H, W)``...).
        real: real samples ``(N, *)``.
        fake: generated samples, the same shape as ``real``.
        weight: the penalty coefficient ``λ ≥ 0`` (10 in the paper).
        generator: optional ``torch.Generator`` for reproducible ``ε``; not under
            ``torch.compile``, which cannot trace one (seed ``torch.manual_seed`` instead).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` (the ``(N,)``
            per-sample penalties ``λ(‖g_i‖ − 1)²``).
    """
    if not callable(critic):
        raise TypeError(
            f"critic must be callable (a function or module), got {type(critic).__name__}"
        )
    check_pair("real", real, "fake", fake)
    check_reduction(reduction)
    weight = check_positive("weight", weight, allow_zero=True)
    check_generator(generator)
    if real.dim() == 0:
        raise ValueError("real and fake must have a batch dimension (N, *), got 0-d tensors")
    check_not_empty("real", real)

    n = real.shape[0]
    # One ε per sample, shaped (N, 1, ..., 1) so it broadcasts over the sample's dimensions.
    eps_shape = (n,) + (1,) * (real.dim() - 1)
    draw_device = generator.device if generator is not None else real.device
    eps = torch.rand(eps_shape, generator=generator, device=draw_device, dtype=real.dtype)
    eps = eps.to(real.device)
    x_hat = eps * real.detach() + (1.0 - eps) * fake.detach()

    with torch.enable_grad():  # works inside torch.no_grad() too
        grad = _input_gradients(critic, x_hat)
        # Per-sample L2 norm over every non-batch dimension.
        # The package's autocast policy: the penalty is computed in float32. (Not with the
        # decorator: the critic must keep running under the caller's autocast.)
        (grad,) = float32_if_autocast([grad])
        grad_norm = safe_sqrt(grad.reshape(n, -1).square().sum(dim=1))  # (N,)
        penalty = weight * (grad_norm - 1.0).square()
    return reduce(penalty, reduction)


# ---------------------------------------------------------------- hinge GAN and R1


@float32_under_autocast
def hinge_gan_discriminator(
    real_scores: Tensor, fake_scores: Tensor, *, reduction: Reduction = "mean"
) -> Tensor:
    r"""The hinge GAN discriminator's loss (Lim & Ye, 2017).

    .. math::

        \ell_D = \frac1{N_r}\sum_i \max(0,\ 1 - D(x_i))
               + \frac1{N_g}\sum_j \max(0,\ 1 + D(\tilde x_j))

    The SVM's hinge (chapter 4) with real samples labelled +1 and fakes −1, on
    the discriminator's raw score (no sigmoid): a real sample scored above +1 and
    a fake scored below −1 cost nothing and send no gradient, so the discriminator
    stops pushing the scores of samples it already separates by the margin -- the
    bounded scores that a Wasserstein critic needs a Lipschitz constraint for.
    The generator's loss is :func:`hinge_gan_generator`. Used by SAGAN and BigGAN
    with spectral normalisation, and with :func:`r1_penalty`.

    **Reduction.** As :func:`wasserstein_critic`: ``"mean"`` averages each batch on
    its own (sizes may differ); ``"sum"`` and ``"none"`` pair real and fake scores
    element by element (``max(0, 1 − real) + max(0, 1 + fake)``) and need one shape.

    Example: real scores (2, 0.5) cost (0 + 0.5)/2 = 0.25, fake scores (−3, 0) cost
    (0 + 1)/2 = 0.5:

    >>> import torch
    >>> hinge_gan_discriminator(torch.tensor([2.0, 0.5]), torch.tensor([-3.0, 0.0]))
    tensor(0.7500)

    Args:
        real_scores: discriminator scores of real samples, any shape.
        fake_scores: discriminator scores of generated samples, any shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    _check_scores(real_scores, fake_scores, reduction)
    real_term = torch.relu(1.0 - real_scores)  # a real sample scored below the margin +1
    fake_term = torch.relu(1.0 + fake_scores)  # a fake sample scored above the margin −1
    if reduction == "mean":
        return reduce(real_term, "mean") + reduce(fake_term, "mean")
    return reduce(real_term + fake_term, reduction)


@float32_under_autocast
def hinge_gan_generator(fake_scores: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""The hinge GAN generator's loss (Lim & Ye, 2017).

    .. math:: \ell_G = -\frac1N\sum_j D(G(z_j))

    The same formula as :func:`wasserstein_generator`: the hinge lives in the
    discriminator's loss only, and the generator raises the raw score of its
    samples with a gradient that never saturates (Lim & Ye, eq. 8).

    >>> import torch
    >>> hinge_gan_generator(torch.tensor([-3.0, 1.0]))
    tensor(1.)

    Args:
        fake_scores: discriminator scores of generated samples, any shape.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` (``−fake_scores``).
    """
    check_tensor("fake_scores", fake_scores)
    check_reduction(reduction)
    check_not_empty("fake_scores", fake_scores)
    return reduce(-fake_scores, reduction)


def r1_penalty(
    critic: Callable[[Tensor], Tensor],
    real: Tensor,
    *,
    gamma: float = 10.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""The R1 gradient penalty (Mescheder, Geiger & Nowozin, 2018).

    .. math::

        \ell_{R_1} = \frac{\gamma}{2}\,\frac1N \sum_i \|\nabla_x D(x_i)\|_2^2,
        \qquad x_i \text{ real samples}

    A *zero-centred* penalty on the discriminator's input gradient at the real data
    only: where the generator already matches the data, the discriminator should
    be flat there, and the penalty makes that equilibrium locally stable
    (Mescheder et al. show that unregularised GAN training oscillates around it).
    Unlike :func:`gradient_penalty` it needs no fake samples, no interpolation and
    no random draw, and it pulls the gradient to 0 rather than to norm 1. Add it to
    the discriminator's loss (usually :func:`hinge_gan_discriminator` or the
    non-saturating GAN loss); StyleGAN uses it with ``γ = 10`` on faces.

    **Gradient.** As in :func:`gradient_penalty`: ``∇_x D`` of each sample (the norm
    over *all* its non-batch dimensions) is taken with ``create_graph=True`` so the
    penalty is differentiable with respect to the critic's parameters; under
    ``torch.compile`` with ``torch.func.grad`` (``fullgraph=True`` holds). ``real`` is
    detached. The squared norm needs no square root, so a flat critic is no special
    case.

    Example: the critic ``D(x) = 3·Σx`` on samples of 2 values has gradient (3, 3),
    squared norm 18, so the penalty is 10/2 · 18 = 90:

    >>> import torch
    >>> r1_penalty(lambda x: 3.0 * x.sum(dim=1), torch.zeros(4, 2))
    tensor(90.)

    Args:
        critic: a function or module mapping a batch ``(N, *)`` to scores whose first
            dimension is ``N``.
        real: real samples ``(N, *)``.
        gamma: the penalty's weight ``γ ≥ 0`` (10 as in the paper's experiments).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` (the ``(N,)``
            per-sample penalties ``γ/2 ‖∇D(x_i)‖²``).
    """
    if not callable(critic):
        raise TypeError(
            f"critic must be callable (a function or module), got {type(critic).__name__}"
        )
    check_tensor("real", real)
    check_reduction(reduction)
    gamma = check_positive("gamma", gamma, allow_zero=True)
    if real.dim() == 0:
        raise ValueError("real must have a batch dimension (N, *), got a 0-d tensor")
    check_not_empty("real", real)

    n = real.shape[0]
    with torch.enable_grad():  # works inside torch.no_grad() too
        grad = _input_gradients(critic, real)
        squared_norm = grad.reshape(n, -1).square().sum(dim=1)  # ‖∇D(x_i)‖², (N,)
        penalty = 0.5 * gamma * squared_norm
    return reduce(penalty, reduction)
