r"""Divergences: how far is one probability distribution from another?

A divergence is not a distance: it is not symmetric, and the order of the
arguments matters. This module always writes the *mathematical* order,

.. math:: D_\mathrm{KL}(P \,\|\, Q),

with ``P`` the reference (the data, the teacher, the target) first and ``Q``
the model second. Beware: ``torch.nn.functional.kl_div`` takes the *reverse*
order, ``kl_div(log q, p)``, and wants ``Q`` as log-probabilities -- a classic
source of silently wrong distillation code (chapter 5).

The second function is the closed-form KL divergence between a diagonal
Gaussian and the standard normal, the regulariser of a variational autoencoder.
"""

from __future__ import annotations

import torch
from torch import Tensor

from .checks import (
    Reduction,
    check_flag,
    check_int,
    check_log_probabilities,
    check_not_empty,
    check_not_scalar,
    check_pair,
    check_probabilities,
    check_reduction,
    float32_under_autocast,
    reduce,
)

__all__ = ["gaussian_kl", "kl_divergence"]


def _check_dim(dim: object, ndim: int) -> int:
    """Validate the ``dim`` argument against a tensor with ``ndim`` dimensions."""
    dim = check_int("dim", dim)
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"dim must lie in [{-ndim}, {ndim - 1}] for inputs with {ndim} dimensions, got {dim}"
        )
    return dim


@float32_under_autocast
def kl_divergence(
    p: Tensor,
    q: Tensor,
    *,
    dim: int = -1,
    log_inputs: bool = False,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Kullback--Leibler divergence ``D_KL(P ‖ Q)`` (Kullback & Leibler, 1951).

    .. math::

        D_\mathrm{KL}(P \,\|\, Q) = \sum_i p_i \bigl(\log p_i - \log q_i\bigr),
        \qquad 0 \cdot \log 0 = 0

    summed over ``dim``. ``P`` is the reference distribution (the target, the
    teacher in distillation) and ``Q`` the model. Minimising it over ``Q`` is
    minimising the cross-entropy ``−Σ p log q``: the two differ by the entropy
    of ``P``, a constant. Not symmetric: ``D_KL(P‖Q)`` punishes a model that
    puts little mass where ``P`` has mass ("mean-seeking"), ``D_KL(Q‖P)`` one
    that puts mass where ``P`` has none ("mode-seeking").

    **Argument order.** ``torch.nn.functional.kl_div(input, target)`` computes
    ``D_KL(target ‖ exp(input))``: it takes ``(log q, p)``, the *reverse* order
    and with ``Q`` in log space. ``kl_divergence(p, q)`` equals
    ``F.kl_div(q.log(), p, reduction="batchmean")`` for 2-D inputs.

    **Zeros.** Entries with ``p_i = 0`` contribute exactly 0, whatever ``q_i``
    is (``0·log 0 = 0``), and their gradients are 0 (for ``p`` and ``q``) --
    computed with the double-``where`` trick, so no ``0·(−inf)`` NaN appears
    in the forward or the backward pass. (``F.kl_div`` returns a NaN gradient
    for its target at ``p_i = 0``; the true one-sided derivative
    ``log p + 1 − log q`` is ``−inf`` there, and 0 is the convention
    ``torch.xlogy`` uses.) If ``p_i > 0`` where ``q_i = 0`` the divergence is
    genuinely ``+inf``: the model calls impossible something the reference
    says happens. That ``inf`` is returned, not hidden.

    **Log inputs.** With ``log_inputs=True`` both ``p`` and ``q`` are
    log-probabilities (e.g. ``log_softmax`` outputs) and the sum is
    ``Σ exp(log p)·(log p − log q)``, which never forms a probability it then
    takes the log of -- the stable choice when you have logits. Entries with
    ``log p = −inf`` contribute 0.

    The inputs are not renormalised and not checked to sum to 1.

    Args:
        p: reference probabilities, any shape ``(*)`` with at least one
            dimension; values in ``[0, 1]`` (or log-probabilities ``≤ 0``).
        q: model probabilities, the same shape as ``p``.
        dim: the dimension holding the distribution (the one summed over).
        log_inputs: ``True`` if ``p`` and ``q`` are log-probabilities.
        reduction: ``"mean"`` (default) averages the divergences over the
            remaining dimensions (torch's ``"batchmean"`` for 2-D input);
            ``"sum"`` sums them; ``"none"`` returns them, shaped like ``p``
            without ``dim``.

    Example: ``D(P‖Q)`` for ``P = (½, ½)``, ``Q = (¼, ¾)`` is
    ``½ log 2 + ½ log ⅔ = ½ log(4/3) ≈ 0.1438``; a zero of ``P`` contributes 0:

    >>> import torch, lossbook
    >>> lossbook.kl_divergence(torch.tensor([0.5, 0.5]), torch.tensor([0.25, 0.75]))
    tensor(0.1438)
    >>> lossbook.kl_divergence(torch.tensor([1.0, 0.0]), torch.tensor([0.5, 0.5]))  # log 2
    tensor(0.6931)
    """
    check_pair("p", p, "q", q)
    check_reduction(reduction)
    check_not_scalar("p and q", p, "the distribution's")
    check_not_empty("p", p)
    dim = _check_dim(dim, p.dim())
    log_inputs = check_flag("log_inputs", log_inputs)

    if log_inputs:
        check_log_probabilities("p", p, why=" because log_inputs=True")
        check_log_probabilities("q", q, why=" because log_inputs=True")
    else:
        check_probabilities("p", p)
        check_probabilities("q", q)
    return _KL.apply(p, q, dim, log_inputs, reduction)


class _KL(torch.autograd.Function):
    r"""``D = Σ_i p_i (log p_i − log q_i)`` over ``dim``, and 0 where ``p_i = 0``.

    Gradients, on the support (``p_i > 0``; both are 0 outside it):
    ``∂D/∂q_i = −p_i/q_i`` and ``∂D/∂p_i = log p_i − log q_i + 1``. With
    ``log_inputs`` (``a = log p``, ``b = log q``): ``∂D/∂b_i = −e^{a_i}`` and
    ``∂D/∂a_i = e^{a_i}(a_i − b_i + 1)``. Saves only ``p`` and ``q``.
    """

    @staticmethod
    def forward(ctx, p: Tensor, q: Tensor, dim: int, log_inputs: bool, reduction: Reduction):
        ctx.save_for_backward(p, q)
        ctx.dim, ctx.log_inputs, ctx.reduction = dim, log_inputs, reduction
        support, prob_p, log_p, log_q = _kl_parts(p, q, log_inputs)
        # p_i (log p_i − log q_i), and exactly 0 where p_i = 0 (unless q_i is NaN: NaN propagates).
        outside = torch.where(torch.isnan(q), q, 0.0)
        terms = torch.where(support, log_p.sub_(log_q).mul_(prob_p), outside)
        return reduce(terms.sum(dim=dim), reduction)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        p, q = ctx.saved_tensors
        dim, log_inputs, reduction = ctx.dim, ctx.log_inputs, ctx.reduction
        if reduction == "none":
            g = grad_output.unsqueeze(dim)  # one divergence per slice along dim
        else:
            g = grad_output / (p.numel() // p.shape[dim]) if reduction == "mean" else grad_output
        support, prob_p, log_p, log_q = _kl_parts(p, q, log_inputs)
        grad_p = grad_q = None
        if ctx.needs_input_grad[1]:
            if log_inputs:
                dq = -prob_p  # ∂D/∂(log q) = −p
            else:
                dq = -prob_p / torch.where(support, q, 1.0)  # ∂D/∂q = −p/q
            grad_q = torch.where(support, dq, 0.0) * g
        if ctx.needs_input_grad[0]:
            dp = log_p - log_q + 1.0  # ∂D/∂p = log p − log q + 1
            if log_inputs:
                dp = prob_p * dp  # chain rule through p = e^{log p}
            grad_p = torch.where(support, dp, 0.0) * g
        return grad_p, grad_q, None, None, None


def _kl_parts(p: Tensor, q: Tensor, log_inputs: bool) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Where P has mass, ``p``, ``log p`` and ``log q``, each safe outside the support.

    Double where: the logs are only ever taken of safe values, so neither the value
    nor the gradient of an entry outside the support can be NaN. NaN counts as
    support, so it propagates.
    """
    if log_inputs:
        support = p != float("-inf")
        log_p = torch.where(support, p, 0.0)
        log_q = torch.where(support, q, 0.0)
        return support, torch.exp(log_p), log_p, log_q
    support = p != 0
    log_p = torch.log(torch.where(support, p, 1.0))
    log_q = torch.log(torch.where(support, q, 1.0))
    return support, p, log_p, log_q


@float32_under_autocast
def gaussian_kl(mu: Tensor, logvar: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""KL divergence of a diagonal Gaussian from the standard normal (the VAE term).

    .. math::

        D_\mathrm{KL}\bigl(\mathcal N(\mu, \operatorname{diag}\sigma^2) \,\|\,
        \mathcal N(0, I)\bigr)
        = \tfrac12 \sum_j \bigl(\sigma_j^2 + \mu_j^2 - 1 - \log\sigma_j^2\bigr),
        \qquad \sigma_j^2 = e^{\text{logvar}_j}

    summed over the last dimension (the latent dimensions). This is the
    regulariser in the evidence lower bound of a variational autoencoder
    (Kingma & Welling, 2014, appendix B), written with the encoder's usual
    outputs: the mean ``mu`` and the *log*-variance ``logvar``, which is
    unconstrained where a variance would have to stay positive.

    Stability: ``σ² − 1 − log σ²`` is computed as ``expm1(logvar) − logvar``,
    which keeps its accuracy when ``logvar`` is near 0 (the posterior close to
    the prior), where ``exp(logvar) − 1`` would cancel. For very large
    ``logvar`` the value overflows to ``inf``: that is the true divergence in
    floating point.

    Args:
        mu: means, shape ``(*, D)``.
        logvar: log-variances ``log σ²``, the same shape.
        reduction: ``"mean"`` (default) averages over every dimension but the
            last, ``"sum"`` sums, ``"none"`` returns shape ``(*)``.
    """
    check_pair("mu", mu, "logvar", logvar)
    check_reduction(reduction)
    check_not_scalar("mu and logvar", mu, "the latent one")
    check_not_empty("mu", mu)
    # ½ (σ² + μ² − 1 − log σ²), with σ² − 1 written as expm1(log σ²).
    per_dim = 0.5 * (mu.square() + torch.expm1(logvar) - logvar)
    return reduce(per_dim.sum(dim=-1), reduction)
