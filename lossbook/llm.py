"""The objectives LLMs are trained with today: pre-training and RL post-training.

Chapter 13 of the book runs each of them on a model small enough to solve exactly:

1. pre-training (and supervised fine-tuning) minimises the token cross-entropy of a
   causal language model, :func:`lm_loss` -- with its masking, its gradient-accumulation
   normaliser ``num_items`` and PaLM's z-loss;
2. RL post-training with verifiable rewards samples ``G`` answers per prompt, scores
   them against each other (:func:`group_advantages`: GRPO, Dr. GRPO, RLOO) and
   maximises PPO's clipped surrogate per token, :func:`grpo` (with DAPO's and
   Dr. GRPO's normalisations), optionally penalised by a sampled estimate of the KL
   divergence to a reference model, :func:`kl_estimate` (Schulman's k1, k2, k3);
3. SimPO (:func:`simpo`) is DPO without a reference model, on length-normalised
   log-probabilities.

Per-token tensors are ``(B, T)``: ``B`` sequences padded to ``T`` tokens, with a
``mask`` (bool, or 0/1) that is true on the tokens that count (the completion, not the
prompt or the padding).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from .alignment import _check_sequence_values
from .checks import (
    Reduction,
    check_binary_labels,
    check_choice,
    check_class_indices,
    check_flag,
    check_int,
    check_integer_tensor,
    check_ndim,
    check_positive,
    check_reduction,
    check_same_device,
    check_same_dtype,
    check_same_shape,
    check_scalar,
    check_tensor,
    checking_values,
    float32_under_autocast,
    reduce,
)

__all__ = ["group_advantages", "grpo", "kl_estimate", "lm_loss", "simpo"]

BASELINES = ("mean", "leave_one_out")
SCALES = ("std", None)
ESTIMATORS = ("k1", "k2", "k3")
NORMALIZATIONS = ("sequence", "token", "constant")


# --------------------------------------------------------------------------- #
# Pre-training: the causal language-model loss
# --------------------------------------------------------------------------- #
@float32_under_autocast
def lm_loss(
    logits: Tensor,
    labels: Tensor,
    *,
    ignore_index: int = -100,
    shift: bool = True,
    num_items: int | None = None,
    z_loss: float = 0.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""The causal language-model loss: token cross-entropy (+ PaLM's z-loss).

    .. math::

        \ell_t = \underbrace{\log Z_t - z_{t, y_{t+1}}}_{-\log p(y_{t+1}\mid y_{\le t})}
        \;+\; \lambda_z \log^2 Z_t,
        \qquad \log Z_t = \operatorname{logsumexp}_v z_{t,v},
        \qquad \mathcal L = \frac{1}{N}\sum_{t\ \text{counted}} \ell_t

    With ``shift=True`` the logits at position ``t`` predict the label at ``t + 1``
    (pass the input ids as ``labels``, as Hugging Face's causal-LM models do); with
    ``shift=False`` logits and labels are already aligned. Positions whose label is
    ``ignore_index`` (padding, the prompt in fine-tuning) count nowhere: their loss is
    0 and they are not in ``N``. Perplexity is ``exp`` of the mean.

    ``N`` is the number of counted tokens in this call, unless ``num_items`` is given:
    the number of counted tokens in the *whole* accumulated batch. Averaging each
    micro-batch by its own count and then averaging the micro-batches weights a token of
    a short micro-batch more than one of a long one -- the gradient-accumulation
    pitfall (fixed in Hugging Face ``transformers`` by ``num_items_in_batch``). With
    ``num_items`` the micro-batch losses *sum* to the full-batch mean, and so do their
    gradients.

    ``z_loss`` is PaLM's auxiliary loss (Chowdhery et al., 2022, §5: coefficient
    ``10⁻⁴``): it pulls the log normaliser ``log Z`` towards 0, which the cross-entropy
    alone leaves free (adding a constant to every logit changes no probability), so
    the logits cannot drift to magnitudes where low precision rounds them.

    Stability: ``log Z`` by log-sum-exp, never ``log(sum(exp))``; ignored positions are
    replaced before the gather and zeroed after, so they contribute no NaN gradient.

    Args:
        logits: ``(B, T, V)`` unnormalised scores over a vocabulary of ``V`` tokens.
        labels: ``(B, T)`` token ids in ``[0, V)`` or ``ignore_index``, dtype long.
        ignore_index: the label of positions that do not count.
        shift: predict token ``t + 1`` from position ``t`` (drop the last logit and
            the first label); needs ``T ≥ 2``.
        num_items: counted tokens in the whole accumulated batch (an ``int ≥ 1``), the
            divisor of ``"mean"``; ``None``: the tokens counted in this call.
        z_loss: coefficient ``λ_z ≥ 0`` of ``log² Z`` (0 disables it).
        reduction: ``"mean"`` (over the counted tokens, or ``/ num_items``), ``"sum"``,
            or ``"none"``: the per-position losses ``(B, T − 1)`` (``(B, T)`` unshifted),
            0 where ignored.

    Example: uniform logits over ``V = 4`` tokens give ``log 4 ≈ 1.3863`` per token,
    whatever the labels, and with ``z_loss = 0.1`` another ``0.1·(log 4)² ≈ 0.1922``:

    >>> import torch, lossbook
    >>> logits, labels = torch.zeros(1, 3, 4), torch.tensor([[0, 2, 3]])
    >>> lossbook.lm_loss(logits, labels)
    tensor(1.3863)
    >>> lossbook.lm_loss(logits, labels, z_loss=0.1)
    tensor(1.5785)
    """
    check_tensor("logits", logits)
    check_ndim("logits", logits, 3, "a 3-D tensor of shape (B, T, V)")
    check_integer_tensor("labels", labels)
    if tuple(labels.shape) != tuple(logits.shape[:2]):
        raise ValueError(
            f"labels must have shape (B, T) = {tuple(logits.shape[:2])}, the shape of logits "
            f"without the vocabulary dimension, got {tuple(labels.shape)}"
        )
    check_same_device(("logits", logits), ("labels", labels))
    ignore_index = check_int("ignore_index", ignore_index)
    shift = check_flag("shift", shift)
    if num_items is not None:
        num_items = check_int("num_items", num_items, low=1)
    z_loss = check_positive("z_loss", z_loss, allow_zero=True)
    check_reduction(reduction)
    if shift:
        if logits.shape[1] < 2:
            raise ValueError(
                f"shift=True needs at least 2 positions (T >= 2), got T = {logits.shape[1]}"
            )
        logits, labels = logits[:, :-1], labels[:, 1:]  # position t predicts token t + 1
    check_class_indices("labels", labels, logits.shape[-1], ignore_index=ignore_index)

    counted = labels != ignore_index
    safe_labels = torch.where(counted, labels, torch.zeros_like(labels))
    log_z = torch.logsumexp(logits, dim=-1)  # log Z_t
    label_logit = logits.gather(-1, safe_labels.unsqueeze(-1)).squeeze(-1)  # z_{t, y}
    token_loss = log_z - label_logit  # −log softmax(z_t)_y
    if z_loss > 0:
        token_loss = token_loss + z_loss * log_z.square()  # PaLM's z-loss
    token_loss = torch.where(counted, token_loss, torch.zeros_like(token_loss))
    if reduction == "mean" and num_items is not None:
        return token_loss.sum() / num_items
    return reduce(token_loss, reduction, mean_weights=counted.to(token_loss.dtype))


# --------------------------------------------------------------------------- #
# RL post-training: advantages, the KL estimators, GRPO
# --------------------------------------------------------------------------- #
def group_advantages(
    rewards: Tensor,
    *,
    baseline: str = "mean",
    scale: str | None = "std",
    eps: float = 1e-4,
) -> Tensor:
    r"""Advantages of ``G`` sampled answers per prompt, each scored against its group.

    .. math::

        A_{i} = \frac{r_i - b_i}{s + \epsilon},\qquad
        b_i = \begin{cases}
            \bar r = \frac1G \sum_j r_j & \texttt{baseline="mean"} \\
            \frac{1}{G-1}\sum_{j\ne i} r_j & \texttt{baseline="leave\_one\_out"}
        \end{cases},\qquad
        s = \begin{cases}
            \operatorname{std}(r_1, \dots, r_G) & \texttt{scale="std"} \\
            1,\ \epsilon = 0 & \texttt{scale=None}
        \end{cases}

    No value network: the other answers to the same prompt are the baseline.

    * GRPO (Shao et al., 2024, DeepSeekMath §4.1.2): ``baseline="mean", scale="std"``.
      The standard deviation is the sample one (Bessel's ``G − 1``), as in TRL's
      ``GRPOTrainer``, and ``eps = 1e-4`` is TRL's. A group whose answers all get the
      same reward has advantages 0 (nothing to learn from it).
    * Dr. GRPO (Liu et al., 2025): ``baseline="mean", scale=None``. Dividing by the
      std up-weights questions that are nearly always or nearly never solved (small
      std): a difficulty bias.
    * RLOO (Ahmadian et al., 2024; Kool et al., 2019): ``baseline="leave_one_out",
      scale=None``. The baseline of answer ``i`` does not depend on ``r_i``, so the
      policy-gradient estimate stays unbiased; it equals ``G/(G−1)`` times the
      mean-baseline advantage.

    The result is not detached: advantages are constants of the policy loss, so pass
    ``rewards`` without a graph (they usually have none).

    Args:
        rewards: ``(B, G)`` rewards of ``G ≥ 2`` answers to each of ``B`` prompts.
        baseline: ``"mean"`` or ``"leave_one_out"``.
        scale: ``"std"`` or ``None``.
        eps: added to the std (``≥ 0``; used only with ``scale="std"``).

    Returns:
        ``(B, G)`` advantages, in ``rewards``' dtype.

    Example: rewards ``(1, 0, 0, 0)`` have mean ``¼`` and sample std ``½``, so GRPO's
    advantages are ``(¾, −¼, −¼, −¼)/½ = (1.5, −0.5, −0.5, −0.5)``; the leave-one-out
    baseline gives ``1 − 0 = 1`` and ``0 − ⅓``:

    >>> import torch, lossbook
    >>> r = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
    >>> lossbook.group_advantages(r, eps=0.0)
    tensor([[ 1.5000, -0.5000, -0.5000, -0.5000]])
    >>> lossbook.group_advantages(r, baseline="leave_one_out", scale=None)
    tensor([[ 1.0000, -0.3333, -0.3333, -0.3333]])
    """
    check_tensor("rewards", rewards)
    check_ndim("rewards", rewards, 2, "a 2-D tensor of shape (B, G), G answers per prompt")
    if rewards.shape[1] < 2:
        raise ValueError(
            f"rewards must hold G >= 2 answers per prompt (shape (B, G)), got shape "
            f"{tuple(rewards.shape)}"
        )
    check_choice("baseline", baseline, BASELINES)
    check_choice("scale", scale, SCALES)
    eps = check_positive("eps", eps, allow_zero=True)

    group_size = rewards.shape[1]
    total = rewards.sum(dim=1, keepdim=True)
    if baseline == "mean":
        advantages = rewards - total / group_size  # r_i − r̄
    else:
        advantages = rewards - (total - rewards) / (group_size - 1)  # r_i − mean of the others
    if scale == "std":
        advantages = advantages / (rewards.std(dim=1, keepdim=True) + eps)
    return advantages


@float32_under_autocast
def kl_estimate(
    logp: Tensor,
    ref_logp: Tensor,
    *,
    estimator: str = "k3",
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Sampled estimates of ``KL(π ‖ π_ref)`` from tokens drawn from ``π`` (Schulman, 2020).

    With the log-ratio ``x = log π_ref(y) − log π(y)`` of a sampled token ``y ~ π``,
    and ``ρ = eˣ = π_ref(y)/π(y)``:

    .. math::

        k_1 = -x, \qquad
        k_2 = \tfrac12 x^2, \qquad
        k_3 = (\rho - 1) - \log\rho = e^{x} - 1 - x

    * ``k1`` is unbiased (``E_π[−x] = KL``) but has high variance and is negative
      on about half the samples.
    * ``k2`` is never negative and has low variance, but is biased (its expectation
      is an f-divergence that agrees with KL only to second order as ``π_ref → π``).
    * ``k3`` is both: unbiased (``E_π[ρ] = 1``, so ``E[k3] = E[k1]``) and ``≥ 0``
      (``eˣ ≥ 1 + x``), with low variance when ``π_ref`` is close to ``π``. It is the
      per-token penalty of GRPO (Shao et al., 2024, Eq. 4).

    Args:
        logp: ``log π(y)`` of the sampled tokens, any shape ``(*)``.
        ref_logp: ``log π_ref(y)`` of the same tokens, the same shape.
        estimator: ``"k1"``, ``"k2"`` or ``"k3"``.
        reduction: ``"mean"`` (default: the sample average, an estimate of the KL per
            token when every token counts), ``"sum"`` or ``"none"`` (the per-token
            estimates ``(*)``).

    Example: ``x = log(½)``: ``k1 = log 2 ≈ 0.6931``, ``k2 = ½ log² 2 ≈ 0.2402``,
    ``k3 = ½ − 1 + log 2 ≈ 0.1931``:

    >>> import math, torch, lossbook
    >>> logp, ref = torch.tensor([0.0]), torch.tensor([math.log(0.5)])
    >>> [round(lossbook.kl_estimate(logp, ref, estimator=k).item(), 4) for k in ("k1", "k2", "k3")]
    [0.6931, 0.2402, 0.1931]
    """
    for name, value in (("logp", logp), ("ref_logp", ref_logp)):
        check_tensor(name, value)
    check_same_shape("logp", logp, "ref_logp", ref_logp)
    check_same_device(("logp", logp), ("ref_logp", ref_logp))
    check_same_dtype(("logp", logp), ("ref_logp", ref_logp))
    check_choice("estimator", estimator, ESTIMATORS)
    check_reduction(reduction)
    log_ratio = ref_logp - logp  # x = log(π_ref / π)
    if estimator == "k1":
        estimate = -log_ratio
    elif estimator == "k2":
        estimate = 0.5 * log_ratio.square()
    else:
        estimate = torch.expm1(log_ratio) - log_ratio  # (ρ − 1) − log ρ, no cancellation
    return reduce(estimate, reduction)


def _check_token_mask(mask: object, shape: torch.Size) -> Tensor:
    """The completion mask as a bool ``(B, T)`` tensor (bool, or 0/1 numbers)."""
    check_tensor("mask", mask, floating=False)
    assert isinstance(mask, Tensor)
    if tuple(mask.shape) != tuple(shape):
        raise ValueError(
            f"mask must have the shape of logp {tuple(shape)}, one entry per token, "
            f"got {tuple(mask.shape)}"
        )
    if mask.dtype != torch.bool:
        check_binary_labels("mask", mask, meaning="1 = the token counts; or pass a bool mask")
        mask = mask != 0
    return mask


@float32_under_autocast
def grpo(
    logp: Tensor,
    old_logp: Tensor,
    advantages: Tensor,
    mask: Tensor,
    *,
    clip: float = 0.2,
    clip_high: float | None = None,
    ref_logp: Tensor | None = None,
    beta: float = 0.0,
    normalize: str = "sequence",
    reduction: Reduction = "mean",
) -> Tensor:
    r"""GRPO's policy loss: PPO's clipped surrogate per token, one advantage per answer.

    Per token ``t`` of answer ``i`` (Shao et al., 2024, DeepSeekMath, Eq. 3), with
    ``ρ_{i,t} = π_θ(o_{i,t}|…)/π_old(o_{i,t}|…)``:

    .. math::

        \ell_{i,t} = -\min\bigl(\rho_{i,t} A_i,\
            \operatorname{clip}(\rho_{i,t}, 1-\varepsilon, 1+\varepsilon_{\mathrm{high}})\,A_i\bigr)
            + \beta\, k_3\bigl(\pi_\theta \,\|\, \pi_{\mathrm{ref}}\bigr)_{i,t}

    averaged over the counted tokens in one of three ways (``normalize``):

    .. math::

        \texttt{"sequence"}:\ \frac1B \sum_i \frac{1}{|o_i|}\sum_t \ell_{i,t}
        \qquad
        \texttt{"token"}:\ \frac{\sum_{i,t} \ell_{i,t}}{\sum_i |o_i|}
        \qquad
        \texttt{"constant"}:\ \frac{1}{B\,T}\sum_{i,t} \ell_{i,t}

    * ``"sequence"`` is GRPO's: each answer weighs the same whatever its length, so a
      token of a short answer weighs more than a token of a long one. With a positive
      advantage that favours short answers; with a negative one it penalises a long
      wrong answer's tokens less -- the length bias of Liu et al. (2025, Dr. GRPO).
    * ``"token"`` is DAPO's token-level loss (Yu et al., 2025): every token weighs the
      same.
    * ``"constant"`` is Dr. GRPO's: the sum divided by a constant (``B × T``, ``T`` the
      padded length, the maximum completion length), also unbiased in length.

    ``clip_high`` is DAPO's decoupled upper bound ``ε_high`` ("clip-higher", 0.28 in the
    paper); ``None`` means ``ε_high = ε``. ``β`` weighs the k3 estimate of the KL to a
    reference model (:func:`kl_estimate`); ``ref_logp`` is needed when ``β > 0``.

    With one token per sequence and ``β = 0`` the three normalisations coincide with
    :func:`ppo_clip` on per-sequence log-probabilities.

    Args:
        logp: ``(B, T)`` log-probabilities of the sampled tokens under the policy.
        old_logp: ``(B, T)`` the same under the policy that sampled them (detached).
        advantages: ``(B,)`` one advantage per answer (:func:`group_advantages`).
        mask: ``(B, T)`` bool (or 0/1), true on the answer's tokens; every answer must
            have at least one.
        clip: ``ε > 0``; ``clip_high``: ``ε_high > 0`` or ``None``.
        ref_logp: ``(B, T)`` log-probabilities under the reference model, or ``None``.
        beta: weight ``β ≥ 0`` of the KL penalty.
        normalize: ``"sequence"``, ``"token"`` or ``"constant"``.
        reduction: ``"mean"`` (the loss above), ``"sum"``, or ``"none"``: ``(B,)``, each
            answer's share ``c_i`` of the loss, written so that the loss is their mean
            (``"sequence"``: ``c_i = Σ_t ℓ_{i,t} / |o_i|``; ``"token"``:
            ``c_i = B Σ_t ℓ_{i,t} / Σ_j |o_j|``; ``"constant"``: ``c_i = Σ_t ℓ_{i,t} / T``)
            and ``"sum"`` is ``B`` times it.

    Example: at ``ρ = 1`` the loss of a token is ``−A``. Two answers, advantages
    ``+1`` (1 token) and ``−1`` (3 tokens): ``"sequence"`` gives ``(−1 + 1)/2 = 0``,
    ``"token"`` ``(−1 + 3)/4 = 0.5``, ``"constant"`` ``(−1 + 3)/(2·3) ≈ 0.3333``:

    >>> import torch, lossbook
    >>> logp = torch.zeros(2, 3)
    >>> mask = torch.tensor([[1, 0, 0], [1, 1, 1]])
    >>> adv = torch.tensor([1.0, -1.0])
    >>> [round(lossbook.grpo(logp, logp, adv, mask, normalize=n).item(), 4)
    ...  for n in ("sequence", "token", "constant")]
    [0.0, 0.5, 0.3333]
    """
    named = [("logp", logp), ("old_logp", old_logp), ("advantages", advantages)]
    for name, value in named:
        check_tensor(name, value)
    check_ndim("logp", logp, 2, "a 2-D tensor of shape (B, T), one entry per token")
    check_same_shape("logp", logp, "old_logp", old_logp)
    if advantages.dim() != 1 or advantages.shape[0] != logp.shape[0]:
        raise ValueError(
            f"advantages must be a 1-D tensor of shape (B,) = ({logp.shape[0]},), one per "
            f"sequence, got shape {tuple(advantages.shape)}"
        )
    if ref_logp is not None:
        check_tensor("ref_logp", ref_logp)
        check_same_shape("logp", logp, "ref_logp", ref_logp)
        named.append(("ref_logp", ref_logp))
    check_same_dtype(*named)
    mask = _check_token_mask(mask, logp.shape)
    check_same_device(*named, ("mask", mask))
    clip = check_positive("clip", clip)
    clip_high = check_scalar("clip_high", clip_high, low=0, low_open=True, allow_none=True)
    beta = check_positive("beta", beta, allow_zero=True)
    check_choice("normalize", normalize, NORMALIZATIONS)
    check_reduction(reduction)
    if beta > 0 and ref_logp is None:
        raise ValueError(f"beta = {beta} > 0 needs ref_logp, the reference model's log-probs")
    lengths = mask.sum(dim=1)  # |o_i|
    if normalize == "sequence" and checking_values() and bool((lengths == 0).any()):
        empty = torch.nonzero(lengths == 0).flatten()[:6].tolist()
        raise ValueError(
            f"normalize='sequence' needs at least one counted token per sequence; rows "
            f"{empty} of mask have none"
        )
    upper = clip if clip_high is None else clip_high

    ratio = torch.exp(logp - old_logp)  # ρ_{i,t}
    adv = advantages.unsqueeze(1)  # A_i, the same for every token of answer i
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1.0 - clip, 1.0 + upper) * adv
    token_loss = -torch.minimum(unclipped, clipped)
    if beta > 0:
        assert ref_logp is not None
        token_loss = token_loss + beta * kl_estimate(logp, ref_logp, reduction="none")
    token_loss = torch.where(mask, token_loss, torch.zeros_like(token_loss))

    per_sequence = token_loss.sum(dim=1)  # Σ_t ℓ_{i,t}
    if normalize == "sequence":
        share = per_sequence / lengths.to(per_sequence.dtype)
    elif normalize == "token":
        share = per_sequence * (logp.shape[0] / lengths.sum().to(per_sequence.dtype))
    else:
        share = per_sequence / logp.shape[1]
    return reduce(share, reduction)


# --------------------------------------------------------------------------- #
# Preference optimisation without a reference model
# --------------------------------------------------------------------------- #
@float32_under_autocast
def simpo(
    policy_chosen_avg_logps: Tensor,
    policy_rejected_avg_logps: Tensor,
    *,
    beta: float = 2.0,
    gamma: float = 1.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Simple Preference Optimization loss (Meng et al., 2024, Eq. 6).

    .. math::

        \ell = -\log\sigma\Bigl(\beta\,\bigl(\bar\ell_w - \bar\ell_l\bigr) - \gamma\Bigr),
        \qquad \bar\ell = \frac{1}{|y|}\log\pi_\theta(y\mid x)

    SimPO is the Bradley–Terry loss on the *average* per-token log-probability,
    scaled by ``β``, with a target margin ``γ`` -- and no reference model: the reward
    ``β·ℓ̄`` is the quantity the model's generation ranks by. Averaging over tokens
    removes the advantage a short answer has in a summed log-probability (and DPO's
    tendency to lengthen answers). Inputs are ``sequence_logprob(..., average=True)``.

    TRL's ``CPOTrainer(loss_type="simpo")`` writes the margin as ``gamma_beta_ratio =
    γ/β`` and computes ``−log σ(β(Δ − γ/β))``: the same loss.

    Stability: ``−logsigmoid`` (softplus), finite for any finite input.

    Args:
        policy_chosen_avg_logps: ``ℓ̄_w``, average per-token log-probabilities, ``(N,)``.
        policy_rejected_avg_logps: ``ℓ̄_l``, ``(N,)``.
        beta: reward scale ``β > 0`` (2.0–2.5 in the paper).
        gamma: target reward margin ``γ ≥ 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (returns ``(N,)``).

    Example: equal averages give ``−log σ(−γ) = log(1 + e^γ)``; with ``γ = 1``,
    ``log(1 + e) ≈ 1.3133``:

    >>> import torch, lossbook
    >>> lossbook.simpo(torch.tensor([-1.0]), torch.tensor([-1.0]))
    tensor(1.3133)
    """
    _check_sequence_values(
        ("policy_chosen_avg_logps", policy_chosen_avg_logps),
        ("policy_rejected_avg_logps", policy_rejected_avg_logps),
    )
    beta = check_positive("beta", beta)
    gamma = check_positive("gamma", gamma, allow_zero=True)
    check_reduction(reduction)
    margin = beta * (policy_chosen_avg_logps - policy_rejected_avg_logps) - gamma
    loss = -F.logsigmoid(margin)
    return reduce(loss, reduction)
