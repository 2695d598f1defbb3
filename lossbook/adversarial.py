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

__all__ = ["gradient_penalty", "wasserstein_critic", "wasserstein_generator"]


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
    check_tensor("real_scores", real_scores)
    check_tensor("fake_scores", fake_scores)
    check_same_device(("real_scores", real_scores), ("fake_scores", fake_scores))
    check_reduction(reduction)
    check_not_empty("real_scores", real_scores)
    check_not_empty("fake_scores", fake_scores)
    if reduction == "mean":  # each batch averaged on its own, so their sizes may differ
        return reduce(fake_scores, "mean") - reduce(real_scores, "mean")
    if real_scores.shape != fake_scores.shape:
        raise ValueError(
            f"real_scores and fake_scores must have the same shape for reduction="
            f"{reduction!r}, which pairs them element by element, got real_scores "
            f"{tuple(real_scores.shape)} and fake_scores {tuple(fake_scores.shape)}; "
            "reduction='mean' accepts different shapes"
        )
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
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    if real.dim() == 0:
        raise ValueError("real and fake must have a batch dimension (N, *), got 0-d tensors")
    check_not_empty("real", real)

    if generator is not None and torch.compiler.is_compiling():
        raise TypeError(
            "generator cannot be used under torch.compile (Dynamo cannot trace a "
            "torch.Generator): seed the global generator with torch.manual_seed instead"
        )

    n = real.shape[0]
    # One ε per sample, shaped (N, 1, ..., 1) so it broadcasts over the sample's dimensions.
    eps_shape = (n,) + (1,) * (real.dim() - 1)
    draw_device = generator.device if generator is not None else real.device
    eps = torch.rand(eps_shape, generator=generator, device=draw_device, dtype=real.dtype)
    eps = eps.to(real.device)
    x_hat = eps * real.detach() + (1.0 - eps) * fake.detach()

    def total_score(x: Tensor) -> Tensor:
        """``Σ_i D(x_i)``: its gradient holds every sample's own ``∇D(x̂_i)``."""
        scores = critic(x)
        if not isinstance(scores, Tensor) or scores.dim() == 0 or scores.shape[0] != n:
            got = tuple(scores.shape) if isinstance(scores, Tensor) else type(scores).__name__
            raise ValueError(
                f"critic must return a tensor of scores with first dimension N={n} "
                f"(one score per sample), got {got}"
            )
        return scores.sum()

    with torch.enable_grad():  # works inside torch.no_grad() too
        if torch.compiler.is_compiling():
            # ∇_x̂ Σ_i D(x̂_i) as a function transform, which Dynamo traces into the graph
            grad = torch.func.grad(total_score)(x_hat)
        else:
            x_hat.requires_grad_(True)
            total = total_score(x_hat)
            grad = None
            if total.requires_grad:
                (grad,) = torch.autograd.grad(total, x_hat, create_graph=True, allow_unused=True)
            if grad is None:  # the scores do not depend on the input: the gradient is 0
                grad = torch.zeros_like(x_hat)
        # Per-sample L2 norm over every non-batch dimension.
        # The package's autocast policy: the penalty is computed in float32. (Not with the
        # decorator: the critic must keep running under the caller's autocast.)
        (grad,) = float32_if_autocast([grad])
        grad_norm = safe_sqrt(grad.reshape(n, -1).square().sum(dim=1))  # (N,)
        penalty = weight * (grad_norm - 1.0).square()
    return reduce(penalty, reduction)
