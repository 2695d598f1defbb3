r"""Sequence losses: Connectionist Temporal Classification (CTC).

A speech or handwriting model emits one distribution over ``C`` symbols per
input frame, ``y_t = softmax(u_t)`` for ``t = 1..T``, but the transcription
``l = (l_1, ..., l_S)`` is shorter and not aligned with the frames. CTC
(Graves et al., 2006) adds a *blank* symbol and sums over every frame-level
path ``π`` that collapses to ``l`` (merge repeats, then drop blanks):

.. math::

    p(l \mid x) = \sum_{\pi \in \mathcal{B}^{-1}(l)} \prod_{t=1}^{T} y_t(\pi_t),
    \qquad \ell_{\mathrm{CTC}} = -\log p(l \mid x).

The sum has exponentially many terms, but a dynamic programme over the
*extended* label sequence ``l' = (∅, l_1, ∅, l_2, ..., ∅, l_S, ∅)`` (blanks
``∅`` around and between the labels, length ``2S + 1``) computes it in
``O(T·S)``: the forward variable ``α_t(s)`` is the probability of all path
prefixes of length ``t`` that end in state ``s`` of ``l'``. Chapter 7 of the
book draws this lattice with :func:`ctc_alpha`.

Everything runs in log space, because the products of ``T`` probabilities
underflow for any realistic ``T``: in the code comments ``a ⊕ b`` is
``log(e^a + e^b)`` (a sum of probabilities, ``torch.logaddexp``) and
``a ⊗ b`` is ``a + b`` (a product of probabilities). The maths counts frames
and states from 1, as Graves et al. do; the code counts from 0.

Shapes: ``log_probs`` ``(T, N, C)``, time first, as in ``torch.nn.functional``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor
from torch.autograd.function import FunctionCtx

from .checks import (
    Reduction,
    check_flag,
    check_int,
    check_integer_tensor,
    check_ndim,
    check_not_empty,
    check_reduction,
    check_tensor,
    checking_values,
    float32_under_autocast,
    reduce,
)

__all__ = ["ctc", "ctc_alpha", "greedy_decode"]

_NEG_INF = float("-inf")


# ---------------------------------------------------------------------------------------
# Validation helpers (private to this module)
# ---------------------------------------------------------------------------------------


def _check_blank(blank: object, num_classes: int) -> int:
    """``blank`` must be a Python int in ``[0, C)``."""
    blank = check_int("blank", blank)
    if not 0 <= blank < num_classes:
        raise ValueError(
            f"blank must be a class index in [0, {num_classes - 1}] (C={num_classes} classes "
            f"in log_probs), got {blank}"
        )
    return blank


def _as_lengths(name: str, value: object, batch: int, device: torch.device) -> Tensor:
    """A length vector ``(N,)`` of non-negative integers, as a long tensor on ``device``.

    Like ``F.ctc_loss``, accepts a tensor (on any device) or a sequence of ints.
    """
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise TypeError(f"{name} must hold integers, got {list(value)!r}")
        value = torch.tensor(list(value), dtype=torch.long)
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name} must be an integer torch.Tensor of shape ({batch},) or a sequence of "
            f"ints, got {type(value).__name__}"
        )
    if value.is_floating_point() or value.is_complex() or value.dtype == torch.bool:
        raise TypeError(f"{name} must have an integer dtype (torch.long), got {value.dtype}")
    if value.shape != (batch,):
        raise ValueError(
            f"{name} must have shape ({batch},), one length per sequence (N={batch} in "
            f"log_probs), got {tuple(value.shape)}"
        )
    if batch and checking_values() and bool((value < 0).any()):
        raise ValueError(f"{name} must be non-negative, got min {value.min().item()}")
    return value.to(device=device, dtype=torch.long)


def _padded_targets(
    targets: Tensor, target_lengths: Tensor, batch: int, num_classes: int, blank: int
) -> Tensor:
    """Validate ``targets`` (padded ``(N, S)`` or concatenated ``(ΣS_n,)``); return ``(N, S_max)``.

    Positions past a sequence's length are padding: they are ignored (as in
    ``F.ctc_loss``) and replaced by ``blank`` so that gathering with them is safe.
    """
    check_integer_tensor("targets", targets)
    check_ndim("targets", targets, (1, 2), "(N, S) padded or (sum(target_lengths),) concatenated")
    targets = targets.to(target_lengths.device, torch.long)
    if not checking_values():
        # Under torch.compile the longest length is data the graph cannot see: pad to the
        # width targets already have -- (N, S), or ΣS_n for concatenated targets, a wider
        # lattice than needed (pass padded targets to a compiled ctc). The extra states
        # lie past every sequence's end states and never reach its loss or gradient.
        max_len = targets.shape[-1]
    else:
        max_len = int(target_lengths.max().item()) if batch else 0
    if targets.dim() == 2:
        if targets.shape[0] != batch:
            raise ValueError(
                f"targets must have shape (N, S) with N={batch} (the batch size of log_probs), "
                f"got {tuple(targets.shape)}"
            )
        if max_len > targets.shape[1]:
            raise ValueError(
                f"target_lengths must be <= S={targets.shape[1]} (targets' second dimension), "
                f"got a length of {max_len}"
            )
        padded = targets[:, :max_len]
    else:
        total = int(target_lengths.sum().item()) if checking_values() else targets.shape[0]
        if targets.shape[0] != total:
            raise ValueError(
                f"concatenated targets must have sum(target_lengths)={total} entries, "
                f"got shape {tuple(targets.shape)}"
            )
        # padded[n, k] = targets[offset_n + k], offset_n = S_1 + ... + S_{n-1}
        offsets = torch.cumsum(target_lengths, 0) - target_lengths
        index = offsets[:, None] + torch.arange(max_len, device=targets.device)
        # (positions k ≥ S_n are padding: clamp them to a valid index, they are masked below)
        padded = targets[index.clamp(max=total - 1)] if total else index
    inside = torch.arange(max_len, device=padded.device) < target_lengths[:, None]
    if not checking_values():  # (the label-range checks below read values)
        return torch.where(inside, padded, torch.full_like(padded, blank))
    labels = padded[inside]
    if labels.numel() and bool(((labels < 0) | (labels >= num_classes)).any()):
        raise ValueError(
            f"targets must hold label indices in [0, {num_classes - 1}], got values in "
            f"[{labels.min().item()}, {labels.max().item()}]"
        )
    if bool((labels == blank).any()):
        raise ValueError(
            f"targets must not contain the blank index {blank} (within target_lengths); "
            "the blank is CTC's 'no label' symbol, not a label"
        )
    return torch.where(inside, padded, torch.full_like(padded, blank))


# ---------------------------------------------------------------------------------------
# The lattice: extended labels, forward (alpha) and backward (beta) recursions
# ---------------------------------------------------------------------------------------


def _extended_labels(targets: Tensor, blank: int) -> Tensor:
    """``l' = (∅, l_1, ∅, l_2, ..., l_S, ∅)``: ``(N, S)`` labels -> ``(N, 2S + 1)`` states."""
    num_seq, num_labels = targets.shape
    l_prime = targets.new_full((num_seq, 2 * num_labels + 1), blank)
    # odd states s = 1, 3, ..., 2S-1 hold the labels; even states hold blanks
    l_prime[:, 1::2] = targets
    return l_prime


def _skip_log_mask(l_prime: Tensor, blank: int, dtype: torch.dtype) -> Tensor:
    """``0`` where the jump ``s − 2 → s`` is allowed, ``−inf`` where not: ``(N, 2S + 1)``.

    A path may skip the blank between two labels only if they differ: for
    ``l = "aa"`` the blank in ``a∅a`` is what separates the two ``a`` from a
    single, merged ``a``. Jumps *into* a blank are never allowed.
    """
    allowed = torch.zeros_like(l_prime, dtype=torch.bool)
    # l'_s ≠ ∅ and l'_s ≠ l'_{s−2}
    allowed[:, 2:] = (l_prime[:, 2:] != blank) & (l_prime[:, 2:] != l_prime[:, :-2])
    zero = torch.zeros((), dtype=dtype, device=l_prime.device)
    return torch.where(allowed, zero, _NEG_INF)


def _alpha_recursion(emit: Tensor, skip: Tensor) -> Tensor:
    r"""The forward variables ``log α_t(s)`` for every frame, sequence and state.

    ``emit[t, n, s] = log y_t(l'_s)`` ``(T, N, L)`` and ``skip`` from
    :func:`_skip_log_mask` ``(N, L)``; returns ``(T, N, L)``. Vectorised over
    the batch and the states; the only Python loop runs over time.

    .. math::

        \alpha_1(1) = y_1(\varnothing),\quad \alpha_1(2) = y_1(l_1),\\
        \alpha_t(s) = \bigl[\alpha_{t-1}(s) + \alpha_{t-1}(s-1)
                     + \alpha_{t-1}(s-2)\,\mathbb{1}_{\text{skip}}(s)\bigr]\,y_t(l'_s)
    """
    num_frames, num_seq, num_states = emit.shape
    alpha = emit.new_full((num_frames, num_seq, num_states), _NEG_INF)
    # α_1(1) = y_1(∅), α_1(2) = y_1(l_1): a path starts with a blank or with the first label
    alpha[0, :, :2] = emit[0, :, :2]
    # α_{t−1} with two −inf columns in front, so that α_{t−1}(s−1) and α_{t−1}(s−2) are
    # plain slices of it
    prev = emit.new_full((num_seq, num_states + 2), _NEG_INF)
    buf = emit.new_empty((num_seq, num_states))
    jump = emit.new_empty((num_seq, num_states))
    for t in range(1, num_frames):
        prev[:, 2:] = alpha[t - 1]
        # α_{t−1}(s) ⊕ α_{t−1}(s−1): stay in s, or advance by one state
        torch.logaddexp(prev[:, 2:], prev[:, 1:-1], out=buf)
        # ⊕ α_{t−1}(s−2): skip a blank, where allowed (skip = 0 or −inf)
        torch.add(prev[:, :-2], skip, out=jump)
        torch.logaddexp(buf, jump, out=buf)
        # α_t(s) = (...) ⊗ y_t(l'_s)
        torch.add(buf, emit[t], out=alpha[t])
    return alpha


def _beta_recursion(emit: Tensor, skip: Tensor, end_mask: Tensor, last_frame: Tensor) -> Tensor:
    r"""The backward variables ``log β̂_t(s)``, *excluding* the emission at ``t``: ``(T, N, L)``.

    ``β̂_t(s)`` is the probability of all path suffixes that continue from
    state ``s`` at frame ``t`` to the end (frames ``t+1..T_n``); Graves' ``β``
    is ``β̂ · y_t(l'_s)``. Leaving the emission out makes ``α_t(s) β̂_t(s)``
    the total probability of the paths through ``(t, s)``, with no division
    by ``y_t(l'_s)`` -- which would be ``0/0`` wherever ``y_t = 0``.

    ``end_mask`` ``(N, L)`` is ``0`` at the two final states ``2S_n − 1, 2S_n``
    and ``−inf`` elsewhere; ``last_frame`` ``(N,)`` is ``T_n − 1``, the frame
    where sequence ``n``'s recursion starts (frames after it stay ``−inf``).

    .. math::

        \hat\beta_{T_n}(s) = \mathbb{1}[s \in \{|l'|-1, |l'|\}],\\
        \hat\beta_t(s) = \hat\beta_{t+1}(s)\,y_{t+1}(l'_s)
            + \hat\beta_{t+1}(s+1)\,y_{t+1}(l'_{s+1})
            + \hat\beta_{t+1}(s+2)\,y_{t+1}(l'_{s+2})\,\mathbb{1}_{\text{skip}}(s+2)
    """
    num_frames, num_seq, num_states = emit.shape
    frames = torch.arange(num_frames, device=emit.device)[:, None, None]
    # inside[t, n] = t < T_n − 1: β̂_t comes from the recursion ...
    inside = frames < last_frame[:, None]

    def start(t: int) -> Tensor:
        """β̂ where sequence n begins (t = T_n − 1): 1 at the end states, 0 elsewhere.

        (log 1 = 0 and log 0 = −inf: the end mask) -- and 0 (−inf) once t > T_n − 1.
        """
        return torch.where((last_frame == t)[:, None], end_mask, _NEG_INF).to(emit.dtype)

    beta = torch.empty_like(emit)
    beta[-1] = start(num_frames - 1)
    # γ(s) = β̂_{t+1}(s) ⊗ y_{t+1}(l'_s), with two −inf columns at the end for s+1, s+2
    gamma = emit.new_full((num_seq, num_states + 2), _NEG_INF)
    buf = emit.new_empty((num_seq, num_states))
    jump = emit.new_empty((num_seq, num_states))
    # 1_skip(s+2), aligned with s
    skip_next = torch.full_like(skip, _NEG_INF)
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(num_frames - 2, -1, -1):
        # γ(s) = β̂_{t+1}(s) ⊗ y_{t+1}(l'_s)
        torch.add(beta[t + 1], emit[t + 1], out=gamma[:, :num_states])
        # γ(s) ⊕ γ(s+1): stay in s, or advance to s+1
        torch.logaddexp(gamma[:, :num_states], gamma[:, 1:-1], out=buf)
        # ⊕ γ(s+2): skip a blank, where allowed
        torch.add(gamma[:, 2:], skip_next, out=jump)
        torch.logaddexp(buf, jump, out=buf)
        # β̂_t(s) = (...) inside the sequence; its start value at t = T_n − 1; −inf after
        torch.where(inside[t], buf, start(t), out=beta[t])
    return beta


# The two time loops as custom operators: each is one opaque call in a torch.compile graph,
# where the plain functions would be unrolled into T steps (minutes of compiling at T = 200).
# Eager calls run the functions above unchanged; the "fake" versions tell the compiler the
# shape of the result without computing it. The schemas are written out: torch 2.4 (the
# floor) cannot infer them from this module's postponed (string) annotations.
_alpha_op = torch.library.custom_op(
    "lossbook::ctc_alpha", mutates_args=(), schema="(Tensor emit, Tensor skip) -> Tensor"
)(_alpha_recursion)
_beta_op = torch.library.custom_op(
    "lossbook::ctc_beta",
    mutates_args=(),
    schema="(Tensor emit, Tensor skip, Tensor end_mask, Tensor last_frame) -> Tensor",
)(_beta_recursion)


@_alpha_op.register_fake
def _(emit: Tensor, skip: Tensor) -> Tensor:
    return torch.empty_like(emit)


@_beta_op.register_fake
def _(emit: Tensor, skip: Tensor, end_mask: Tensor, last_frame: Tensor) -> Tensor:
    return torch.empty_like(emit)


def _end_mask(target_lengths: Tensor, num_states: int, dtype: torch.dtype) -> Tensor:
    """``0`` at the final states ``2S_n − 1`` (last label), ``2S_n`` (last blank); else ``−inf``."""
    states = torch.arange(num_states, device=target_lengths.device)
    last = 2 * target_lengths[:, None]
    is_end = (states == last) | (states == last - 1)
    zero = torch.zeros((), dtype=dtype, device=target_lengths.device)
    return torch.where(is_end, zero, _NEG_INF)


class _CTCNegLogLikelihood(torch.autograd.Function):
    """Per-sequence ``−log p(l_n | x_n)``; α–β gradient, no autograd through the time loop."""

    @staticmethod
    def forward(
        ctx: FunctionCtx,
        log_probs: Tensor,
        l_prime: Tensor,
        input_lengths: Tensor,
        target_lengths: Tensor,
        blank: int,
        zero_infinity: bool,
    ) -> Tensor:
        total_frames, num_seq, _ = log_probs.shape
        # frames past the longest input never matter: run the recursion up to max T_n only
        # (under torch.compile over all T frames: max T_n is data the graph cannot see)
        if checking_values():
            num_frames = max(int(input_lengths.max().item()), 1)
        else:
            num_frames = total_frames
        # emit[t, n, s] = log y_t(l'_s)
        index = l_prime.unsqueeze(0).expand(num_frames, -1, -1)
        emit = log_probs[:num_frames].gather(2, index)
        skip = _skip_log_mask(l_prime, blank, log_probs.dtype)
        alpha = _alpha_op(emit, skip)  # _alpha_recursion

        # p(l|x) = α_{T_n}(|l'|) ⊕ α_{T_n}(|l'| − 1): paths end in the last label or last blank
        end_mask = _end_mask(target_lengths, l_prime.shape[1], log_probs.dtype)
        last_frame = input_lengths - 1
        rows = torch.arange(num_seq, device=log_probs.device)
        log_p = torch.logsumexp(alpha[last_frame.clamp(min=0), rows] + end_mask, dim=1)
        # an empty input (T_n = 0) emits only the empty sequence, with probability 1
        empty_input = torch.where(target_lengths == 0, 0.0, _NEG_INF).to(log_p.dtype)
        log_p = torch.where(input_lengths == 0, empty_input, log_p)
        nll = -log_p

        # zero_infinity: impossible alignments (p = 0) cost 0 and pass no gradient
        zeroed = torch.isinf(nll) & zero_infinity
        # Memory: the lattice-sized tensors are α and (in the backward) β̂; the emissions
        # are gathered again from log_probs there rather than kept alive in between.
        ctx.save_for_backward(log_probs, alpha, l_prime, skip, end_mask, last_frame, nll, zeroed)
        return torch.where(zeroed, torch.zeros_like(nll), nll)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_nll: Tensor) -> tuple[Tensor | None, ...]:
        if torch.is_grad_enabled():
            # create_graph=True: the gradient below is not itself differentiable
            raise RuntimeError(
                "lossbook.ctc supports first derivatives only: double backward "
                "(create_graph=True through the CTC loss) is not implemented"
            )
        saved = ctx.saved_tensors  # type: ignore[attr-defined]
        log_probs, alpha, l_prime, skip, end_mask, last_frame, nll, zeroed = saved
        num_frames = alpha.shape[0]
        index = l_prime.unsqueeze(0).expand(num_frames, -1, -1)
        emit = log_probs[:num_frames].gather(2, index)  # log y_t(l'_s), as in the forward
        beta = _beta_op(emit, skip, end_mask, last_frame)  # _beta_recursion
        del emit  # (memory: only α and β̂ are lattice-sized from here on)

        # P(π_t = l'_s | l, x) = α_t(s) β̂_t(s) / p(l|x): how much of the probability mass
        # of the correct paths goes through state s at frame t (each frame's sum is 1).
        # Computed in β̂'s storage: exp(log α + log β̂ − log p), no lattice-sized temporaries.
        occupancy = beta.add_(alpha).add_(nll[:, None]).exp_()
        # frames past T_n carry no gradient (and may hold anything, NaN padding included)
        frames = torch.arange(num_frames, device=alpha.device)[:, None, None]
        occupancy.masked_fill_(frames > last_frame[:, None], 0.0)

        # ∂(−log p)/∂ log y_t(c) = −Σ_{s: l'_s = c} α_t(s) β̂_t(s) / p(l|x)
        grad = torch.zeros_like(log_probs)
        grad[:num_frames].scatter_add_(2, index, occupancy).neg_()
        grad.mul_(grad_nll[None, :, None])
        # zero_infinity: no gradient from a sequence whose loss was replaced by 0
        grad.masked_fill_(zeroed[None, :, None], 0.0)
        return grad, None, None, None, None, None


@float32_under_autocast
def ctc(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor | Sequence[int],
    target_lengths: Tensor | Sequence[int],
    *,
    blank: int = 0,
    reduction: Reduction = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    r"""Connectionist Temporal Classification loss (Graves et al., 2006).

    .. math::

        \ell_n = -\log p(l_n \mid x_n)
               = -\log \sum_{\pi \in \mathcal{B}^{-1}(l_n)} \prod_{t=1}^{T_n} y_t(\pi_t)

    where ``𝓑`` collapses a frame-level path (merge repeated symbols, then
    drop blanks). ``p(l|x)`` is computed by the forward recursion over the
    extended labels ``l'`` (blanks around and between the labels, length
    ``2S + 1``):

    .. math::

        \alpha_t(s) = \bigl[\alpha_{t-1}(s) + \alpha_{t-1}(s-1)
                     + \alpha_{t-1}(s-2)\,\mathbb{1}[l'_s \ne \varnothing,\ l'_s \ne l'_{s-2}]\bigr]
                     \,y_t(l'_s),
        \qquad p(l \mid x) = \alpha_T(|l'|) + \alpha_T(|l'| - 1)

    all in log space. A repeated label (``"aa"``) needs a blank between its
    copies, so it needs more frames: the jump ``s − 2 → s`` is forbidden there.

    Gradient: a custom ``autograd.Function`` runs the backward recursion
    ``β̂`` (Graves' ``β`` without the current frame's emission) instead of
    recording the time loop in autograd, and returns the exact derivative of
    this function for *any* ``log_probs``, normalised or not:

    .. math::

        \frac{\partial \ell}{\partial \log y_t(c)}
            = -\frac{1}{p(l \mid x)} \sum_{s:\ l'_s = c} \alpha_t(s)\,\hat\beta_t(s)

    (``torch.autograd.gradcheck`` checks this). ``F.ctc_loss`` instead returns
    ``y_t(c)`` plus this: the gradient with respect to the *logits*, assuming
    ``log_probs = log_softmax(logits)`` (Graves' eq. 16). Both give the same
    gradient once it flows back through ``log_softmax``, which is how the
    tests compare them. Double backward is not supported (it raises).

    Numerical stability: log space throughout. Autograd through a naive
    log-sum-exp gives NaN gradients wherever all its terms are ``−inf``
    (unreachable lattice states: ``exp(−inf − (−inf))``); the custom backward
    never differentiates a log-sum-exp. Unreachable states hold ``−inf`` and
    contribute ``exp(−inf) = 0`` to the gradient, and because ``β̂`` excludes
    the emission there is no division by ``y_t = 0`` either: gradients are
    finite wherever the loss is finite, even with probabilities exactly ``0``
    (where ``F.ctc_loss`` returns NaN).

    Impossible alignments -- a target that needs more frames than the input
    has (``S_n`` plus one per repeated pair ``> T_n``) -- have ``p = 0``: the
    loss is ``inf`` and its gradient NaN, as in ``F.ctc_loss``;
    ``zero_infinity=True`` replaces both by zero. Structurally wrong lengths
    (``input_lengths > T``, ``target_lengths > S``) are errors.

    Memory: besides its input and gradient, the backward holds two lattice-sized
    tensors, ``α`` and ``β̂`` (``T × N × (2S + 1)`` each); the occupancies
    ``α β̂ / p`` are computed in ``β̂``'s storage.

    Under ``torch.compile`` (``fullgraph=True`` holds) the longest input and
    target lengths are data the graph cannot see, so the recursion runs over
    all ``T`` frames and the lattice is as wide as ``targets`` -- ``(N, S)``,
    or ``ΣS_n`` for concatenated targets: pass padded targets to a compiled
    ``ctc``. The result is the same; the value checks (lengths, label range)
    are skipped, as for every compiled loss. The two time loops (``α`` and ``β̂``)
    are custom operators (``torch.library.custom_op``), each one opaque call in
    the graph, so compiling does not grow with ``T``.

    Equals ``torch.nn.functional.ctc_loss`` (values, and gradients through
    ``log_softmax``) for every argument; unbatched ``(T, C)`` input is not
    supported (add the batch dimension with ``log_probs.unsqueeze(1)``).

    Args:
        log_probs: ``(T, N, C)`` log-probabilities, e.g. ``logits.log_softmax(2)``.
        targets: ``(N, S)`` label indices padded to ``S`` (padding ignored), or
            ``(sum(target_lengths),)`` all targets concatenated; never ``blank``.
        input_lengths: ``(N,)`` frames per sequence, ``0 ≤ T_n ≤ T``.
        target_lengths: ``(N,)`` labels per sequence, ``0 ≤ S_n ≤ S``.
        blank: index of the blank symbol in ``[0, C)``.
        reduction: ``"mean"`` (default: each loss divided by its target length,
            clamped to ≥ 1, then averaged over the batch), ``"sum"`` or ``"none"`` ``(N,)``.
        zero_infinity: replace infinite losses and their gradients by zero.
    """
    check_tensor("log_probs", log_probs)
    check_ndim("log_probs", log_probs, 3, "(T, N, C) (time, batch, classes)")
    check_not_empty("log_probs", log_probs)
    check_reduction(reduction)
    zero_infinity = check_flag("zero_infinity", zero_infinity)
    total_frames, batch, num_classes = log_probs.shape
    blank = _check_blank(blank, num_classes)
    input_lengths = _as_lengths("input_lengths", input_lengths, batch, log_probs.device)
    target_lengths = _as_lengths("target_lengths", target_lengths, batch, log_probs.device)
    if checking_values() and bool((input_lengths > total_frames).any()):
        raise ValueError(
            f"input_lengths must be <= T={total_frames} (log_probs' first dimension), "
            f"got {input_lengths.max().item()}"
        )
    targets = _padded_targets(targets, target_lengths, batch, num_classes, blank)

    l_prime = _extended_labels(targets, blank)
    nll = _CTCNegLogLikelihood.apply(
        log_probs, l_prime, input_lengths, target_lengths, blank, zero_infinity
    )
    if reduction == "mean":  # each sequence's loss per target label, then averaged (F.ctc_loss)
        nll = nll / target_lengths.clamp(min=1).to(nll.dtype)
    return reduce(nll, reduction)


def ctc_alpha(log_probs: Tensor, target: Tensor, *, blank: int = 0) -> Tensor:
    r"""The forward lattice ``log α_t(s)`` of one sequence, for figures: ``(T, 2S + 1)``.

    Row ``t`` is frame ``t``, column ``s`` is state ``s`` of the extended
    labels ``l' = (∅, l_1, ∅, ..., l_S, ∅)``: even columns are blanks, odd
    columns the labels. Unreachable states hold ``−inf``. Uses the same
    recursion as :func:`ctc` (Graves' convention: ``α_t(s)`` includes
    ``y_t(l'_s)``), so ``logsumexp`` of the last row's last two entries is
    ``−ctc(...)`` for this sequence. The result is detached (no gradient).

    Args:
        log_probs: ``(T, C)`` log-probabilities of one sequence.
        target: ``(S,)`` label indices, none equal to ``blank``.
        blank: index of the blank symbol in ``[0, C)``.
    """
    check_tensor("log_probs", log_probs)
    check_ndim("log_probs", log_probs, 2, "(T, C) for one sequence (use ctc for a batch)")
    check_not_empty("log_probs", log_probs)
    check_integer_tensor("target", target)
    check_ndim("target", target, 1, "(S,), the labels of one sequence")
    blank = _check_blank(blank, log_probs.shape[1])
    target_lengths = torch.tensor([target.shape[0]], device=log_probs.device)
    target = target.to(log_probs.device)
    targets = _padded_targets(target[None], target_lengths, 1, log_probs.shape[1], blank)
    l_prime = _extended_labels(targets, blank)
    with torch.no_grad():
        emit = log_probs.detach()[:, None].gather(2, l_prime.expand(log_probs.shape[0], -1, -1))
        alpha = _alpha_recursion(emit, _skip_log_mask(l_prime, blank, log_probs.dtype))
    return alpha[:, 0].contiguous()


def greedy_decode(
    log_probs: Tensor,
    *,
    blank: int = 0,
    input_lengths: Tensor | Sequence[int] | None = None,
) -> list[list[int]]:
    """Best-path decoding: the most likely symbol per frame, repeats merged, blanks dropped.

    ``𝓑(argmax_c y_t(c))``: fast and usually close to the best *labelling*, but
    not guaranteed to be it (many paths add up to one labelling; beam search
    looks for that).

    Args:
        log_probs: ``(T, N, C)`` (or ``(T, C)`` for one sequence) log-probabilities
            (or logits or probabilities: only the argmax matters).
        blank: index of the blank symbol in ``[0, C)``.
        input_lengths: optional ``(N,)`` frames per sequence; all ``T`` by default.

    Returns:
        One list of label indices per sequence.
    """
    check_tensor("log_probs", log_probs)
    check_ndim("log_probs", log_probs, (2, 3), "(T, N, C) or (T, C)")
    if log_probs.dim() == 2:
        log_probs = log_probs[:, None]
    total_frames, batch, num_classes = log_probs.shape
    blank = _check_blank(blank, num_classes)
    if input_lengths is None:
        lengths = [total_frames] * batch
    else:
        lengths_t = _as_lengths("input_lengths", input_lengths, batch, torch.device("cpu"))
        if bool((lengths_t > total_frames).any()):
            raise ValueError(
                f"input_lengths must be <= T={total_frames}, got {lengths_t.max().item()}"
            )
        lengths = lengths_t.tolist()
    # π*_t = argmax_c y_t(c), the best path
    best_path = log_probs.detach().argmax(dim=2).T.cpu().tolist()  # (N, T)
    decoded = []
    for path, length in zip(best_path, lengths, strict=True):
        # 𝓑: keep a symbol when it differs from the previous frame's, and is not the blank
        labels = [
            c for t, c in enumerate(path[:length]) if c != blank and (t == 0 or c != path[t - 1])
        ]
        decoded.append(labels)
    return decoded
