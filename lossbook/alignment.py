"""LLM alignment losses: learning from human preferences.

Chapter 13 of the book follows the pipeline these functions trace:

1. a *reward model* is trained on pairs of answers, one preferred to the other
   (:func:`pairwise_ranking`, the Bradley–Terry loss);
2. the policy is tuned against it by reinforcement learning with the clipped
   surrogate of PPO (:func:`ppo_clip`);
3. or the reward model is skipped and the policy is trained on the preference
   pairs directly: DPO (:func:`dpo`), IPO (:func:`ipo`), KTO (:func:`kto`) and
   ORPO (:func:`orpo`).

Input convention: a language model scores a whole answer ``y`` to a prompt
``x`` by its log-probability ``log π(y | x) = Σ_t log π(y_t | x, y_<t)``, one
number per sequence. Every preference loss here takes these per-sequence
numbers -- 1-D tensors of shape ``(N)``, one entry per example -- never the
logits; :func:`sequence_logprob` turns a model's logits into them. The inputs
are *summed* log-probabilities, except for :func:`orpo`, which takes the
*average per-token* log-probability (as its paper defines it).

"chosen" is the preferred answer ``y_w`` (won), "rejected" the other ``y_l``
(lost); "ref" is the frozen reference model ``π_ref`` (usually the SFT model
the policy started from).

Stability: every ``−log σ(z)`` is computed as ``−logsigmoid(z)``
(= ``softplus(−z)``), exact and finite for any finite ``z``; ORPO's
``log(1 − p)`` uses the ``log1mexp`` trick.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from .checks import (
    Reduction,
    check_binary_labels,
    check_class_indices,
    check_flag,
    check_index_target,
    check_integer_tensor,
    check_log_probabilities,
    check_ndim,
    check_positive,
    check_reduction,
    check_same_device,
    check_same_dtype,
    check_same_shape,
    check_scalar,
    check_tensor,
    float32_under_autocast,
    reduce,
)

__all__ = [
    "dpo",
    "ipo",
    "kto",
    "kwise_ranking",
    "orpo",
    "pairwise_ranking",
    "ppo_clip",
    "sequence_logprob",
]


# --------------------------------------------------------------------------- #
# Private validation helpers (specific to this module)
# --------------------------------------------------------------------------- #
def _check_sequence_values(*named: tuple[str, object]) -> None:
    """Validate per-sequence values: floating 1-D tensors ``(N,)``, one shape, device, dtype."""
    for name, value in named:
        check_tensor(name, value)
        assert isinstance(value, Tensor)
        if value.dim() != 1:
            hint = ""
            if value.dim() == 2 and value.shape[-1] == 1:
                hint = f" (did you mean {name}.squeeze(-1)?)"
            raise ValueError(
                f"{name} must be a 1-D tensor of shape (N,), one value per sequence, "
                f"got shape {tuple(value.shape)}{hint}"
            )
    tensors = [(n, v) for n, v in named if isinstance(v, Tensor)]
    first_name, first = tensors[0]
    for name, value in tensors[1:]:
        check_same_shape(first_name, first, name, value)
    check_same_device(*tensors)
    check_same_dtype(*tensors)


def _implicit_reward_margin(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
) -> Tensor:
    """Validate the four log-probabilities and return ``h = (π_c − ref_c) − (π_r − ref_r)``."""
    _check_sequence_values(
        ("policy_chosen_logps", policy_chosen_logps),
        ("policy_rejected_logps", policy_rejected_logps),
        ("ref_chosen_logps", ref_chosen_logps),
        ("ref_rejected_logps", ref_rejected_logps),
    )
    chosen_logratio = policy_chosen_logps - ref_chosen_logps  # log π(y_w|x)/π_ref(y_w|x)
    rejected_logratio = policy_rejected_logps - ref_rejected_logps  # log π(y_l|x)/π_ref(y_l|x)
    return chosen_logratio - rejected_logratio


# --------------------------------------------------------------------------- #
# Reward modelling
# --------------------------------------------------------------------------- #
@float32_under_autocast
def pairwise_ranking(
    chosen_rewards: Tensor, rejected_rewards: Tensor, *, reduction: Reduction = "mean"
) -> Tensor:
    r"""Pairwise ranking loss of a reward model (Bradley–Terry).

    .. math::

        \ell(r_c, r_r) = -\log \sigma(r_c - r_r) = \operatorname{softplus}\bigl(-(r_c - r_r)\bigr)

    The Bradley–Terry model (Bradley & Terry, 1952) says the preferred answer
    wins with probability ``σ(r_c − r_r)``; this loss is its negative
    log-likelihood, the reward-model loss of InstructGPT (Ouyang et al., 2022,
    Eq. 1). Only the margin ``r_c − r_r`` matters: adding a constant to every
    reward changes nothing. The gradient ``−σ(r_r − r_c)`` is bounded by 1.

    Stability: computed as ``−logsigmoid(r_c − r_r)``, which is softplus of
    the negated margin evaluated without overflow or cut-off, so margins of
    ``±1e4`` give exact, finite losses and gradients.

    Args:
        chosen_rewards: scalar rewards of the preferred answers, shape ``(N,)``.
        rejected_rewards: rewards of the other answers, shape ``(N,)``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(N,)``).
    """
    _check_sequence_values(
        ("chosen_rewards", chosen_rewards), ("rejected_rewards", rejected_rewards)
    )
    check_reduction(reduction)
    margin = chosen_rewards - rejected_rewards
    loss = -F.logsigmoid(margin)
    return reduce(loss, reduction)


@float32_under_autocast
def kwise_ranking(rewards: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""InstructGPT's reward-model loss over a ranked list of ``K`` answers (Ouyang et al., 2022, Eq. 1).

    .. math::

        \ell(x) = \frac{1}{\binom K2} \sum_{i < j} -\log\sigma\bigl(r_i - r_j\bigr)

    Labellers rank ``K`` answers to one prompt (4 to 9 in InstructGPT); every pair
    ``(i, j)`` with ``i`` ranked above ``j`` is one Bradley–Terry comparison
    (:func:`pairwise_ranking`). InstructGPT puts all ``C(K, 2)`` comparisons of a
    prompt in one batch element (one forward pass per answer, and no overfitting from
    seeing a prompt's comparisons in separate steps): this loss is their mean, then the
    ``reduction`` over prompts. With ``K = 2`` it is :func:`pairwise_ranking`.

    Stability: ``−logsigmoid`` of each reward difference, finite for any finite input.

    Args:
        rewards: ``(B, K)`` rewards of ``K ≥ 2`` answers to each of ``B`` prompts,
            **ordered best first** (column 0 is the labellers' favourite).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(B,)``,
            one loss per prompt).

    Example: rewards ``(2, 1, 0)`` have pairs with differences ``1, 2, 1``:
    ``(2·log(1 + e^{−1}) + log(1 + e^{−2}))/3 = (2·0.3133 + 0.1269)/3 ≈ 0.2512``:

    >>> import torch, lossbook
    >>> lossbook.kwise_ranking(torch.tensor([[2.0, 1.0, 0.0]]))
    tensor(0.2512)
    """
    check_tensor("rewards", rewards)
    check_ndim("rewards", rewards, 2, "a 2-D tensor of shape (B, K), best answer first")
    if rewards.shape[1] < 2:
        raise ValueError(
            f"rewards must rank K >= 2 answers per prompt (shape (B, K)), got shape "
            f"{tuple(rewards.shape)}"
        )
    check_reduction(reduction)
    better, worse = torch.triu_indices(rewards.shape[1], rewards.shape[1], 1, device=rewards.device)
    margins = rewards[:, better] - rewards[:, worse]  # r_i − r_j for every i ranked above j
    loss = -F.logsigmoid(margins).mean(dim=1)
    return reduce(loss, reduction)


# --------------------------------------------------------------------------- #
# Direct preference optimisation and its variants
# --------------------------------------------------------------------------- #
@float32_under_autocast
def dpo(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Direct Preference Optimization loss (Rafailov et al., 2023, Eq. 7).

    .. math::

        h = \log\frac{\pi_\theta(y_w\mid x)}{\pi_{\mathrm{ref}}(y_w\mid x)}
          - \log\frac{\pi_\theta(y_l\mid x)}{\pi_{\mathrm{ref}}(y_l\mid x)},
        \qquad
        \ell = -\log \sigma(\beta\, h)

    DPO is the Bradley–Terry loss (:func:`pairwise_ranking`) applied to the
    *implicit rewards* ``r = β·log(π_θ / π_ref)`` of the two answers: the
    policy is its own reward model, and ``β`` sets how far it may move from
    the reference (the strength of the KL penalty of RLHF). When the policy
    equals the reference, ``h = 0`` and the loss is ``log 2 ≈ 0.693`` -- the
    value a DPO run starts from. The gradient raises the chosen answer's
    log-probability and lowers the rejected one's, weighted by ``σ(−βh)``:
    pairs the policy already ranks right count less.

    Stability: computed as ``−logsigmoid(βh)`` (``softplus(−βh)``), finite for
    any finite inputs.

    Args:
        policy_chosen_logps: ``log π_θ(y_w|x)``, summed over the answer's tokens, ``(N,)``.
        policy_rejected_logps: ``log π_θ(y_l|x)``, ``(N,)``.
        ref_chosen_logps: ``log π_ref(y_w|x)``, ``(N,)``; usually computed under
            ``torch.no_grad()``.
        ref_rejected_logps: ``log π_ref(y_l|x)``, ``(N,)``.
        beta: inverse temperature ``β > 0`` (0.1 is common).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(N,)``).

    Example: a policy equal to its reference has ``h = 0`` and loss ``log 2``;
    log-ratios ``+1`` (chosen) and ``−1`` (rejected) give ``h = 2`` and, with
    ``β = ½``, ``−log σ(1) = log(1 + e^{−1}) ≈ 0.3133``:

    >>> import torch, lossbook
    >>> ref = torch.tensor([-2.0])
    >>> lossbook.dpo(ref, ref, ref, ref)
    tensor(0.6931)
    >>> lossbook.dpo(torch.tensor([-1.0]), torch.tensor([-3.0]), ref, ref, beta=0.5)
    tensor(0.3133)
    """
    beta = check_positive("beta", beta)
    check_reduction(reduction)
    h = _implicit_reward_margin(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps
    )
    loss = -F.logsigmoid(beta * h)
    return reduce(loss, reduction)


@float32_under_autocast
def ipo(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    tau: float = 0.1,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Identity Preference Optimisation loss (Azar et al., 2024, Eq. 17).

    .. math::

        \ell = \Bigl(h - \frac{1}{2\tau}\Bigr)^2, \qquad
        h = \log\frac{\pi_\theta(y_w\mid x)}{\pi_{\mathrm{ref}}(y_w\mid x)}
          - \log\frac{\pi_\theta(y_l\mid x)}{\pi_{\mathrm{ref}}(y_l\mid x)}

    DPO's loss keeps decreasing as ``h → ∞``, so on deterministic preferences
    it can drive the policy arbitrarily far from the reference. IPO regresses
    ``h`` onto a finite target ``1/(2τ)`` instead: the loss is zero there and
    grows quadratically on both sides, so ``τ`` (like DPO's ``β``) is the
    strength of the regularisation towards ``π_ref``.

    Length normalisation: TRL's ``DPOTrainer`` with ``loss_type="ipo"`` divides
    each sequence's log-probability by its number of tokens before forming
    ``h`` (``trl/trainer/dpo_trainer.py``). This function takes its inputs as
    given; pass average per-token log-probabilities
    (``sequence_logprob(..., average=True)``) to reproduce TRL.

    Args:
        policy_chosen_logps: ``log π_θ(y_w|x)``, ``(N,)``.
        policy_rejected_logps: ``log π_θ(y_l|x)``, ``(N,)``.
        ref_chosen_logps: ``log π_ref(y_w|x)``, ``(N,)``.
        ref_rejected_logps: ``log π_ref(y_l|x)``, ``(N,)``.
        tau: regularisation ``τ > 0``; the target margin is ``1/(2τ)``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(N,)``).
    """
    tau = check_positive("tau", tau)
    check_reduction(reduction)
    h = _implicit_reward_margin(
        policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps
    )
    loss = (h - 1.0 / (2.0 * tau)).square()
    return reduce(loss, reduction)


def _kto_reference_point(kl: float | Tensor | None, logratios: Tensor) -> Tensor:
    """The reference point ``z0`` as a detached 0-d tensor (given, or estimated from the batch)."""
    if kl is None:
        # Batch estimate, as TRL does: the mean policy/reference log-ratio, clamped at 0.
        return logratios.detach().mean().clamp(min=0.0)
    if isinstance(kl, Tensor):
        check_tensor("kl", kl)
        if kl.dim() != 0:
            raise ValueError(f"kl must be a number or a 0-d tensor, got shape {tuple(kl.shape)}")
        return kl.detach().to(device=logratios.device, dtype=logratios.dtype)
    value = check_scalar("kl", kl, hint=" (kl may also be None or a 0-d tensor)")
    return torch.tensor(value, device=logratios.device, dtype=logratios.dtype)


@float32_under_autocast
def kto(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    ref_chosen_logps: Tensor,
    ref_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    desirable_weight: float = 1.0,
    undesirable_weight: float = 1.0,
    kl: float | Tensor | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Kahneman–Tversky Optimisation loss (Ethayarajh et al., 2024, Eq. 8).

    KTO learns from *unpaired* feedback: each answer is labelled desirable
    (``y_w``, "chosen") or undesirable (``y_l``, "rejected") on its own. With
    the implicit reward ``r_θ(x, y) = log π_θ(y|x) − log π_ref(y|x)`` and a
    reference point ``z_0``, the prospect-theory value of an answer is

    .. math::

        v(x, y) = \begin{cases}
            \lambda_D\, \sigma\bigl(\beta\,(r_\theta(x, y) - z_0)\bigr) & y \text{ desirable} \\
            \lambda_U\, \sigma\bigl(\beta\,(z_0 - r_\theta(x, y))\bigr) & y \text{ undesirable}
        \end{cases}

    and the loss of each example is ``λ_y − v(x, y)``. Since
    ``1 − σ(a) = σ(−a)``, the exact formula computed is

    .. math::

        \ell_i = \lambda_D\, \sigma\bigl(\beta\,(z_0 - r_i)\bigr) \ (i \text{ chosen}), \qquad
        \ell_j = \lambda_U\, \sigma\bigl(\beta\,(r_j - z_0)\bigr) \ (j \text{ rejected}),

    averaged over all ``N_c + N_r`` examples for ``reduction="mean"``
    (as in TRL's ``KTOTrainer``). The loss lies in ``[0, λ_y]``: bounded, so
    one bad example cannot dominate.

    The reference point ``z_0``: in the paper it is
    ``KL(π_θ(y'|x) ‖ π_ref(y'|x))``, estimated from *mismatched* pairs
    (prompt ``x`` with the answer ``y'`` of another prompt), clamped at 0 and
    not back-propagated through. Pass such an estimate as ``kl`` (a number or
    a 0-d tensor; it is used as given and detached). With ``kl=None`` this
    function estimates it from the batch itself:
    ``z_0 = max(0, mean of all N_c + N_r log-ratios r)``, detached -- a cruder
    estimate than the paper's (matched rather than mismatched pairs) but the
    same clamp-and-detach rule TRL applies to its estimate.

    Args:
        policy_chosen_logps: ``log π_θ(y|x)`` of the desirable answers, ``(N_c,)``.
        policy_rejected_logps: ``log π_θ(y|x)`` of the undesirable answers, ``(N_r,)``.
        ref_chosen_logps: ``log π_ref(y|x)`` of the desirable answers, ``(N_c,)``.
        ref_rejected_logps: ``log π_ref(y|x)`` of the undesirable answers, ``(N_r,)``.
            ``N_c`` and ``N_r`` may differ, and either may be 0.
        beta: ``β > 0``, as in DPO.
        desirable_weight: ``λ_D > 0``.
        undesirable_weight: ``λ_U > 0``. The paper recommends
            ``λ_D N_c / (λ_U N_r)`` in ``[1, 4/3]``.
        kl: the reference point ``z_0`` (number or 0-d tensor), or ``None``
            to estimate it from the batch.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``; ``"none"``
            returns ``(N_c + N_r,)``, the chosen examples first.
    """
    _check_sequence_values(
        ("policy_chosen_logps", policy_chosen_logps), ("ref_chosen_logps", ref_chosen_logps)
    )
    _check_sequence_values(
        ("policy_rejected_logps", policy_rejected_logps),
        ("ref_rejected_logps", ref_rejected_logps),
    )
    check_same_device(
        ("policy_chosen_logps", policy_chosen_logps),
        ("policy_rejected_logps", policy_rejected_logps),
    )
    check_same_dtype(
        ("policy_chosen_logps", policy_chosen_logps),
        ("policy_rejected_logps", policy_rejected_logps),
    )
    beta = check_positive("beta", beta)
    desirable_weight = check_positive("desirable_weight", desirable_weight)
    undesirable_weight = check_positive("undesirable_weight", undesirable_weight)
    check_reduction(reduction)

    chosen_logratios = policy_chosen_logps - ref_chosen_logps  # r_θ(x, y), y desirable
    rejected_logratios = policy_rejected_logps - ref_rejected_logps  # r_θ(x, y), y undesirable
    z0 = _kto_reference_point(kl, torch.cat([chosen_logratios, rejected_logratios]))

    # λ_y − v(x, y), using 1 − σ(a) = σ(−a)
    chosen_losses = desirable_weight * torch.sigmoid(beta * (z0 - chosen_logratios))
    rejected_losses = undesirable_weight * torch.sigmoid(beta * (rejected_logratios - z0))
    loss = torch.cat([chosen_losses, rejected_losses])
    return reduce(loss, reduction)


def _log1mexp(x: Tensor) -> Tensor:
    """``log(1 − eˣ)`` for ``x ≤ 0``, accurate everywhere (Mächler, 2012).

    Two formulas, each accurate on its own side of ``x = −log 2``:
    ``log(−expm1(x))`` near 0, where ``1 − eˣ`` would cancel, and
    ``log1p(−eˣ)`` further out, where ``−expm1(x)`` rounds to 1. Each branch
    is fed a harmless value where it is not selected, so that ``torch.where``
    never multiplies a zero gradient by an infinite one (NaN).
    """
    threshold = -math.log(2.0)
    near_zero = x > threshold
    safe = torch.full_like(x, threshold)
    near = torch.log(-torch.expm1(torch.where(near_zero, x, safe)))
    far = torch.log1p(-torch.exp(torch.where(near_zero, safe, x)))
    return torch.where(near_zero, near, far)


@float32_under_autocast
def orpo(
    policy_chosen_logps: Tensor,
    policy_rejected_logps: Tensor,
    *,
    beta: float = 0.1,
    chosen_nll: Tensor | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Odds Ratio Preference Optimisation loss (Hong et al., 2024).

    ORPO needs no reference model. It adds to supervised fine-tuning a
    penalty on the log odds ratio between the chosen and the rejected answer:

    .. math::

        \operatorname{odds}_\theta(y\mid x) = \frac{P_\theta(y\mid x)}{1 - P_\theta(y\mid x)},
        \qquad
        \mathcal L_{OR} = -\log\sigma\Bigl(
            \log\frac{\operatorname{odds}_\theta(y_w\mid x)}{\operatorname{odds}_\theta(y_l\mid x)}
        \Bigr),
        \qquad
        \ell = \mathcal L_{SFT} + \beta\,\mathcal L_{OR}

    where ``P_θ(y|x) = exp((1/m) Σ_t log P_θ(y_t|x, y_<t))`` is the
    *length-normalised* likelihood of an answer of ``m`` tokens. So, unlike
    :func:`dpo`, the inputs here are **average per-token log-probabilities**
    ``log P = (1/m) Σ_t log P_θ(y_t|…) ≤ 0``
    (``sequence_logprob(..., average=True)``), and
    ``log odds(y) = log P − log(1 − P)``.

    ``ℓ = chosen_nll + β·L_OR`` per example when ``chosen_nll`` is given: the
    SFT term, the negative log-likelihood of each chosen answer -- the paper's
    ``L_SFT`` is its average per-token NLL, i.e. ``-policy_chosen_logps``.
    With ``chosen_nll=None`` only ``β·L_OR`` is returned, to be added to an
    SFT loss computed elsewhere (TRL's ``ORPOTrainer`` adds a token-level mean
    cross-entropy over the batch). The paper calls the weight ``λ``; TRL calls
    it ``beta``.

    Stability: ``log(1 − P)`` is ``log1mexp(log P)`` -- ``log(−expm1(log P))``
    for ``log P > −log 2``, where ``1 − exp(log P)`` would cancel to 0 as
    ``P → 1``, and ``log1p(−exp(log P))`` below, where ``expm1`` loses the
    small answer (Mächler, 2012). Values and gradients stay finite for any
    ``log P < 0``, from ``−1e−12`` to ``−1e4``. At ``log P = 0`` exactly
    (``P = 1``) the odds are infinite.

    Args:
        policy_chosen_logps: average per-token ``log P_θ(y_w|x) ≤ 0``, ``(N,)``.
        policy_rejected_logps: average per-token ``log P_θ(y_l|x) ≤ 0``, ``(N,)``.
        beta: weight ``β > 0`` of the odds-ratio term (``λ`` in the paper).
        chosen_nll: optional SFT negative log-likelihood of each chosen answer, ``(N,)``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(N,)``).
    """
    named = [
        ("policy_chosen_logps", policy_chosen_logps),
        ("policy_rejected_logps", policy_rejected_logps),
    ]
    if chosen_nll is not None:
        named.append(("chosen_nll", chosen_nll))
    _check_sequence_values(*named)
    beta = check_positive("beta", beta)
    check_reduction(reduction)
    check_log_probabilities("policy_chosen_logps", policy_chosen_logps, why=" averaged per token")
    check_log_probabilities(
        "policy_rejected_logps", policy_rejected_logps, why=" averaged per token"
    )

    # log odds(y) = log P − log(1 − P)
    log_odds_chosen = policy_chosen_logps - _log1mexp(policy_chosen_logps)
    log_odds_rejected = policy_rejected_logps - _log1mexp(policy_rejected_logps)
    odds_ratio_loss = -F.logsigmoid(log_odds_chosen - log_odds_rejected)  # L_OR
    loss = beta * odds_ratio_loss
    if chosen_nll is not None:
        loss = chosen_nll + loss
    return reduce(loss, reduction)


# --------------------------------------------------------------------------- #
# Reinforcement learning from human feedback
# --------------------------------------------------------------------------- #
@float32_under_autocast
def ppo_clip(
    logp_new: Tensor,
    logp_old: Tensor,
    advantages: Tensor,
    *,
    clip: float = 0.2,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""PPO's clipped surrogate objective, negated to be minimised (Schulman et al., 2017, Eq. 7).

    .. math::

        \rho = \exp(\log\pi_{\text{new}} - \log\pi_{\text{old}}), \qquad
        \ell = -\min\bigl(\rho A,\ \operatorname{clip}(\rho, 1 - \varepsilon, 1 + \varepsilon)\, A\bigr)

    ``ρ`` is the probability ratio of an action (a token, or a whole answer)
    under the policy being trained and under the policy that sampled it;
    ``A`` its advantage. The minimum takes the *pessimistic* of the clipped
    and unclipped objectives: once ``ρ`` has moved past ``1 + ε`` on a good
    action (``A > 0``) or below ``1 − ε`` on a bad one (``A < 0``), the loss
    is flat and its gradient is 0 -- the update cannot profit from moving the
    policy further. Moves that make things worse are never clipped.

    Sign and bounds: the loss can be negative (``−ρA < 0`` for a good action,
    ``A > 0``, near ``ρ = 1``). For fixed advantages it is bounded *below*: with
    ``A > 0`` the gain is capped, ``ℓ ≥ −(1 + ε)·A``; with ``A < 0``,
    ``ℓ ≥ (1 − ε)·|A| > 0``. It is unbounded *above*: for ``A < 0`` it grows
    like ``−ρA = ρ|A|`` as ``ρ`` grows (a move that makes things worse is
    never clipped).

    Gradients flow into every input. In PPO ``logp_old`` and ``advantages``
    come from the rollout and are constants: pass them detached. With
    per-token inputs padded to a common length, use ``reduction="none"`` and
    average over the real tokens yourself.

    Args:
        logp_new: log-probabilities under the current policy, any shape ``(*)``.
        logp_old: log-probabilities under the sampling policy, the same shape.
        advantages: advantage estimates ``A``, the same shape.
        clip: the clip range ``ε > 0`` (0.2 in the paper).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(*)``).
    """
    named = (("logp_new", logp_new), ("logp_old", logp_old), ("advantages", advantages))
    for name, value in named:
        check_tensor(name, value)
    check_same_shape("logp_new", logp_new, "logp_old", logp_old)
    check_same_shape("logp_new", logp_new, "advantages", advantages)
    check_same_device(*named)
    check_same_dtype(*named)
    clip = check_positive("clip", clip)
    check_reduction(reduction)

    ratio = torch.exp(logp_new - logp_old)  # ρ
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - clip, 1.0 + clip) * advantages
    loss = -torch.minimum(unclipped, clipped)
    return reduce(loss, reduction)


# --------------------------------------------------------------------------- #
# From logits to per-sequence log-probabilities
# --------------------------------------------------------------------------- #
def sequence_logprob(
    logits: Tensor,
    labels: Tensor,
    *,
    mask: Tensor | None = None,
    average: bool = False,
) -> Tensor:
    r"""Log-probability of each label sequence under a model's logits.

    .. math::

        \log \pi(y \mid x) = \sum_{t\,:\,m_t = 1} \log\operatorname{softmax}(z_t)_{y_t}

    summed over the positions that count: ``mask`` is true and the label is
    not ``-100`` (the usual padding / prompt label). ``average=True`` divides
    by the number of counted tokens, giving the length-normalised
    log-probability :func:`orpo` takes (and TRL's IPO uses).

    Alignment: ``logits[:, t]`` is taken to predict ``labels[:, t]``. A causal
    language model's logits at position ``t`` predict token ``t + 1``, so the
    caller shifts, e.g.
    ``sequence_logprob(out.logits[:, :-1], input_ids[:, 1:], mask=answer_mask[:, 1:])``.

    Stability: ``log_softmax`` (log-sum-exp), never ``log(softmax(z))``.

    Args:
        logits: ``(N, L, V)`` unnormalised scores over a vocabulary of ``V`` tokens.
        labels: ``(N, L)`` token ids in ``[0, V)``, or ``-100`` to skip, dtype long.
        mask: optional ``(N, L)`` boolean (or 0/1) tensor, true where a token
            counts (e.g. the answer, not the prompt); ``None`` counts all.
        average: divide each sum by its number of counted tokens (each row must
            have at least one).

    Returns:
        ``(N,)``, in ``logits``' dtype.
    """
    check_tensor("logits", logits)
    check_ndim("logits", logits, 3, "a 3-D tensor of shape (N, L, V)")
    check_integer_tensor("labels", labels)
    check_index_target(
        "labels", labels, logits.shape[:2], "logits' shape without the vocabulary dimension"
    )
    check_same_device(("logits", logits), ("labels", labels))
    vocab_size = logits.shape[-1]
    check_class_indices("labels", labels, vocab_size, ignore_index=-100)
    average = check_flag("average", average)

    keep = labels != -100
    if mask is not None:
        check_tensor("mask", mask, floating=False)
        if mask.shape != labels.shape:
            raise ValueError(
                f"mask must have the shape of labels {tuple(labels.shape)}, got {tuple(mask.shape)}"
            )
        check_same_device(("logits", logits), ("mask", mask))
        if mask.dtype != torch.bool:
            check_binary_labels("mask", mask, meaning="1 = count the token; or pass a bool mask")
            mask = mask != 0
        keep = keep & mask

    safe_labels = torch.where(keep, labels, torch.zeros_like(labels))
    log_probs = F.log_softmax(logits, dim=-1)  # (N, L, V)
    token_logps = log_probs.gather(-1, safe_labels.unsqueeze(-1)).squeeze(-1)  # (N, L)
    token_logps = torch.where(keep, token_logps, torch.zeros_like(token_logps))
    total = token_logps.sum(dim=-1)  # (N,)
    if not average:
        return total
    counts = keep.sum(dim=-1)
    if counts.numel() and bool((counts == 0).any()):
        empty = torch.nonzero(counts == 0).flatten()[:6].tolist()
        raise ValueError(
            f"average=True needs at least one counted token per sequence; rows {empty} have "
            "none (all masked or -100)"
        )
    return total / counts.to(total.dtype)
