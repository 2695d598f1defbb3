"""Tests for lossbook.llm (lm_loss, group_advantages, kl_estimate, grpo, simpo) and
lossbook.kwise_ranking.

References, all independent of the code under test:

* float64 NumPy / ``math`` transcriptions of each paper's formula, written with plain
  loops below: DeepSeekMath (Shao et al., 2024, Eq. 3 and §4.1.2) for GRPO and its
  advantages; DAPO (Yu et al., 2025, Eq. 8) and Dr. GRPO (Liu et al., 2025) for the
  token and constant normalisations; RLOO (Ahmadian et al., 2024, Eq. 5); Schulman's
  note for k1, k2, k3; SimPO (Meng et al., 2024, Eq. 6); InstructGPT (Ouyang et al.,
  2022, Eq. 1); PaLM (Chowdhery et al., 2022, §5) for the z-loss;
* torch built-ins: ``F.cross_entropy`` on the flattened, shifted, unmasked tokens for
  ``lm_loss``; exact expectations over a small categorical distribution for the KL
  estimators' bias;
* the coincidences the papers state: GRPO with one token per answer and β = 0 is PPO's
  clipped surrogate (``ppo_clip``); ``kwise_ranking`` with K = 2 is ``pairwise_ranking``
  and in general the mean of it over the C(K, 2) pairs;
* TRL's conventions, read in ``huggingface/trl`` ``trl/trainer/grpo_trainer.py``
  (``std`` with Bessel's correction, ``+ 1e-4``) and ``cpo_trainer.py``
  (``gamma_beta_ratio``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce

import lossbook as lb

F64 = torch.float64


def np_log_sigmoid(z: float) -> float:
    return -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --------------------------------------------------------------------------- #
# group_advantages
# --------------------------------------------------------------------------- #
def ref_group_advantages(rewards, baseline, scale, eps):
    out = np.zeros_like(rewards)
    for b, group in enumerate(rewards):
        g = len(group)
        for i in range(g):
            if baseline == "mean":
                base = sum(group) / g
            else:  # RLOO: the mean of the other G − 1 rewards
                base = (sum(group) - group[i]) / (g - 1)
            a = group[i] - base
            if scale == "std":
                mean = sum(group) / g
                std = math.sqrt(sum((r - mean) ** 2 for r in group) / (g - 1))
                a = a / (std + eps)
            out[b, i] = a
    return out


@pytest.mark.parametrize("baseline", ["mean", "leave_one_out"])
@pytest.mark.parametrize("scale", ["std", None])
def test_group_advantages_match_the_formula(baseline, scale):
    rewards = torch.randn(5, 6, generator=_gen(), dtype=F64)
    rewards[0] = 1.0  # a group where every answer has the same reward
    got = lb.group_advantages(rewards, baseline=baseline, scale=scale, eps=1e-4)
    want = ref_group_advantages(rewards.numpy(), baseline, scale, 1e-4)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    assert (got[0] == 0).all(), "a group with one reward carries no signal"


def test_rloo_is_g_over_g_minus_1_times_the_mean_baseline():
    rewards = torch.randint(0, 2, (4, 8), generator=_gen()).to(F64)
    rloo = lb.group_advantages(rewards, baseline="leave_one_out", scale=None)
    dr = lb.group_advantages(rewards, scale=None)
    torch.testing.assert_close(rloo, dr * 8 / 7)


def test_group_advantages_gradcheck():
    rewards = torch.randn(3, 4, generator=_gen(), dtype=F64, requires_grad=True)
    for baseline, scale in itertools.product(("mean", "leave_one_out"), ("std", None)):
        assert torch.autograd.gradcheck(
            lambda r, b=baseline, s=scale: lb.group_advantages(r, baseline=b, scale=s), (rewards,)
        )


# --------------------------------------------------------------------------- #
# kl_estimate
# --------------------------------------------------------------------------- #
def ref_k(logp, ref_logp, estimator):
    out = []
    for lp, rp in zip(logp.ravel(), ref_logp.ravel(), strict=True):
        x = rp - lp  # log(π_ref / π)
        out.append({"k1": -x, "k2": 0.5 * x * x, "k3": math.exp(x) - 1 - x}[estimator])
    return np.array(out).reshape(logp.shape)


@pytest.mark.parametrize("estimator", ["k1", "k2", "k3"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_kl_estimate_matches_the_formula(estimator, reduction):
    logp = -torch.rand(4, 5, generator=_gen(1), dtype=F64) * 3
    ref = -torch.rand(4, 5, generator=_gen(2), dtype=F64) * 3
    got = lb.kl_estimate(logp, ref, estimator=estimator, reduction=reduction)
    want = np_reduce(ref_k(logp.numpy(), ref.numpy(), estimator), reduction)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-14)


def test_k1_and_k3_are_unbiased_k2_is_not_k3_is_nonnegative():
    """Exact expectations over a categorical π: E_π[k1] = E_π[k3] = KL(π‖π_ref) ≠ E_π[k2]."""
    p = torch.softmax(torch.randn(7, generator=_gen(3), dtype=F64), 0)
    q = torch.softmax(torch.randn(7, generator=_gen(4), dtype=F64), 0)
    kl = float((p * (p / q).log()).sum())
    for estimator, unbiased in (("k1", True), ("k2", False), ("k3", True)):
        per_token = lb.kl_estimate(p.log(), q.log(), estimator=estimator, reduction="none")
        mean = float((p * per_token).sum())
        assert math.isclose(mean, kl, rel_tol=1e-12) == unbiased, estimator
    assert (lb.kl_estimate(p.log(), q.log(), reduction="none") >= 0).all()
    assert (lb.kl_estimate(p.log(), q.log(), estimator="k1", reduction="none") < 0).any()


def test_kl_estimate_gradcheck():
    logp = (-torch.rand(3, 4, generator=_gen(), dtype=F64)).requires_grad_(True)
    ref = (-torch.rand(3, 4, generator=_gen(1), dtype=F64)).requires_grad_(True)
    for estimator in ("k1", "k2", "k3"):
        assert torch.autograd.gradcheck(
            lambda a, b, e=estimator: lb.kl_estimate(a, b, estimator=e), (logp, ref)
        )


# --------------------------------------------------------------------------- #
# grpo
# --------------------------------------------------------------------------- #
def ref_grpo(logp, old, adv, mask, clip, clip_high, ref, beta, normalize, reduction):
    """DeepSeekMath Eq. 3 per token; the three normalisations written as their papers do."""
    b, t = logp.shape
    hi = clip if clip_high is None else clip_high
    token = np.zeros((b, t))
    for i in range(b):
        for j in range(t):
            if not mask[i, j]:
                continue
            rho = math.exp(logp[i, j] - old[i, j])
            surrogate = min(rho * adv[i], min(max(rho, 1 - clip), 1 + hi) * adv[i])
            kl = 0.0
            if beta:
                x = ref[i, j] - logp[i, j]
                kl = math.exp(x) - x - 1  # π_ref/π − log(π_ref/π) − 1
            token[i, j] = -surrogate + beta * kl
    lengths = mask.sum(1)
    if normalize == "sequence":
        loss = np.mean([token[i].sum() / lengths[i] for i in range(b)])
        shares = [token[i].sum() / lengths[i] for i in range(b)]
    elif normalize == "token":
        loss = token.sum() / lengths.sum()
        shares = [b * token[i].sum() / lengths.sum() for i in range(b)]
    else:
        loss = token.sum() / (b * t)
        shares = [token[i].sum() / t for i in range(b)]
    if reduction == "mean":
        return np.asarray(loss)
    return np_reduce(shares, reduction)


def _grpo_inputs(b=5, t=6, seed=0):
    gen = _gen(seed)
    old = -torch.rand(b, t, generator=gen, dtype=F64) * 2 - 0.1
    logp = old + 0.4 * torch.randn(b, t, generator=gen, dtype=F64)  # some ratios past 1 ± ε
    adv = torch.randn(b, generator=gen, dtype=F64)
    lengths = torch.randint(1, t + 1, (b, 1), generator=gen)
    mask = torch.arange(t) < lengths
    ref = old + 0.3 * torch.randn(b, t, generator=gen, dtype=F64)
    return logp, old, adv, mask, ref


@pytest.mark.parametrize("normalize", ["sequence", "token", "constant"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("clip_high", "beta"), [(None, 0.0), (0.28, 0.0), (None, 0.04)])
def test_grpo_matches_the_formula(normalize, reduction, clip_high, beta):
    logp, old, adv, mask, ref = _grpo_inputs()
    got = lb.grpo(
        logp,
        old,
        adv,
        mask,
        clip_high=clip_high,
        ref_logp=ref,
        beta=beta,
        normalize=normalize,
        reduction=reduction,
    )
    want = ref_grpo(
        logp.numpy(),
        old.numpy(),
        adv.numpy(),
        mask.numpy(),
        0.2,
        clip_high,
        ref.numpy(),
        beta,
        normalize,
        reduction,
    )
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("normalize", ["sequence", "token", "constant"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_grpo_with_one_token_per_answer_is_ppo_clip(normalize, reduction):
    logp, old, adv, _, _ = _grpo_inputs(b=7, t=1)
    mask = torch.ones(7, 1, dtype=torch.bool)
    got = lb.grpo(logp, old, adv, mask, normalize=normalize, reduction=reduction)
    want = lb.ppo_clip(logp[:, 0], old[:, 0], adv, reduction=reduction)
    torch.testing.assert_close(got, want, rtol=1e-14, atol=1e-15)


def test_grpo_masked_tokens_get_no_gradient_and_mask_may_be_01():
    logp, old, adv, mask, ref = _grpo_inputs()
    logp.requires_grad_(True)
    loss = lb.grpo(logp, old, adv, mask, ref_logp=ref, beta=0.1)
    (grad,) = torch.autograd.grad(loss, logp)
    assert (grad[~mask] == 0).all() and (grad[mask] != 0).any()
    same = lb.grpo(logp, old, adv, mask.long(), ref_logp=ref, beta=0.1)
    torch.testing.assert_close(same, loss, rtol=0, atol=0)


def test_grpo_sequence_normalisation_has_a_length_bias():
    """At ρ = 1 a token's gradient is −A/|o_i| ("sequence") or −A/Σ|o| ("token"):
    the per-token push on a long answer is weaker under "sequence" only."""
    logp = torch.zeros(2, 8, dtype=F64, requires_grad=True)
    mask = torch.arange(8) < torch.tensor([[2], [8]])
    adv = torch.tensor([1.0, 1.0], dtype=F64)
    grads = {}
    for normalize in ("sequence", "token", "constant"):
        (g,) = torch.autograd.grad(
            lb.grpo(logp, logp.detach(), adv, mask, normalize=normalize), logp
        )
        grads[normalize] = g
    assert grads["sequence"][0, 0] == 4 * grads["sequence"][1, 0]  # 1/(2·2) vs 1/(2·8)
    assert grads["token"][0, 0] == grads["token"][1, 0]
    assert grads["constant"][0, 0] == grads["constant"][1, 0]


def test_grpo_gradcheck():
    logp, old, adv, mask, ref = _grpo_inputs(b=3, t=4)
    logp.requires_grad_(True)
    for normalize in ("sequence", "token", "constant"):
        assert torch.autograd.gradcheck(
            lambda x, n=normalize: lb.grpo(
                x, old, adv, mask, ref_logp=ref, beta=0.1, clip_high=0.28, normalize=n
            ),
            (logp,),
        )


# --------------------------------------------------------------------------- #
# simpo
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("beta", "gamma"), [(2.0, 1.0), (2.5, 0.0), (0.5, 1.5)])
def test_simpo_matches_the_formula(reduction, beta, gamma):
    w = -torch.rand(6, generator=_gen(5), dtype=F64) * 3
    lo = -torch.rand(6, generator=_gen(6), dtype=F64) * 3
    got = lb.simpo(w, lo, beta=beta, gamma=gamma, reduction=reduction)
    want = [-np_log_sigmoid(beta * a - beta * b - gamma) for a, b in zip(w, lo, strict=True)]
    np.testing.assert_allclose(got.numpy(), np_reduce(want, reduction), rtol=1e-12)


def test_simpo_is_trls_cpo_simpo_with_gamma_beta_ratio():
    w, lo = torch.tensor([-0.3, -1.2], dtype=F64), torch.tensor([-0.9, -0.4], dtype=F64)
    beta, gamma_beta_ratio = 2.0, 0.5
    trl = -F.logsigmoid(beta * ((w - lo) - gamma_beta_ratio)).mean()  # cpo_trainer.py
    torch.testing.assert_close(lb.simpo(w, lo, beta=beta, gamma=beta * gamma_beta_ratio), trl)


def test_simpo_gradcheck():
    w = (-torch.rand(4, generator=_gen(), dtype=F64)).requires_grad_(True)
    lo = (-torch.rand(4, generator=_gen(1), dtype=F64)).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda a, b: lb.simpo(a, b, gamma=0.5), (w, lo))


# --------------------------------------------------------------------------- #
# lm_loss
# --------------------------------------------------------------------------- #
def _lm_inputs(b=3, t=7, v=11, seed=0, pad=True):
    gen = _gen(seed)
    logits = torch.randn(b, t, v, generator=gen, dtype=F64) * 2
    labels = torch.randint(0, v, (b, t), generator=gen)
    if pad:
        labels[0, 5:] = -100  # padding
        labels[1, :3] = -100  # a prompt
    return logits, labels


def ref_lm(logits, labels, shift, z_loss, num_items, ignore=-100):
    if shift:
        logits, labels = logits[:, :-1], labels[:, 1:]
    total, count = 0.0, 0
    per = np.zeros(labels.shape)
    for i, j in np.ndindex(labels.shape):
        if labels[i, j] == ignore:
            continue
        z = logits[i, j]
        m = max(z)
        log_z = m + math.log(sum(math.exp(v - m) for v in z))
        per[i, j] = log_z - z[labels[i, j]] + z_loss * log_z**2
        total += per[i, j]
        count += 1
    return per, total / (num_items or count), total


@pytest.mark.parametrize("shift", [True, False])
@pytest.mark.parametrize("z_loss", [0.0, 1e-4, 0.1])
def test_lm_loss_matches_the_formula(shift, z_loss):
    logits, labels = _lm_inputs()
    per, mean, total = ref_lm(logits.numpy(), labels.numpy(), shift, z_loss, None)
    kw = {"shift": shift, "z_loss": z_loss}
    np.testing.assert_allclose(lb.lm_loss(logits, labels, **kw).item(), mean, rtol=1e-12)
    np.testing.assert_allclose(lb.lm_loss(logits, labels, **kw, reduction="sum").item(), total)
    np.testing.assert_allclose(
        lb.lm_loss(logits, labels, **kw, reduction="none").numpy(), per, rtol=1e-12
    )
    got = lb.lm_loss(logits, labels, **kw, num_items=40).item()
    np.testing.assert_allclose(got, total / 40, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_lm_loss_is_cross_entropy_on_the_shifted_flattened_tokens(reduction):
    logits, labels = _lm_inputs()
    flat_logits = logits[:, :-1].reshape(-1, logits.shape[-1])
    flat_labels = labels[:, 1:].reshape(-1)
    want = F.cross_entropy(flat_logits, flat_labels, reduction=reduction)
    got = lb.lm_loss(logits, labels, reduction=reduction)
    torch.testing.assert_close(got.reshape(want.shape), want)


def test_num_items_makes_gradient_accumulation_exact():
    """Micro-batches of different lengths: with num_items the losses and gradients sum to
    the full batch's; averaging each micro-batch on its own does not."""
    logits, labels = _lm_inputs(b=4, t=9)
    labels[0, 2:] = -100  # a short sequence ...
    labels[1, 3:] = -100  # ... and another, in the first micro-batch
    logits.requires_grad_(True)
    full = lb.lm_loss(logits, labels)
    (full_grad,) = torch.autograd.grad(full, logits)
    n = int((labels[:, 1:] != -100).sum())
    parts = [slice(0, 2), slice(2, 4)]
    summed = sum(lb.lm_loss(logits[s], labels[s], num_items=n) for s in parts)
    (acc_grad,) = torch.autograd.grad(summed, logits)
    torch.testing.assert_close(summed, full)
    torch.testing.assert_close(acc_grad, full_grad)
    naive = sum(lb.lm_loss(logits[s], labels[s]) for s in parts) / 2
    (naive_grad,) = torch.autograd.grad(naive, logits)
    assert abs(naive.item() - full.item()) > 1e-3
    assert not torch.allclose(naive_grad, full_grad)


def test_lm_loss_ignores_padding_entirely():
    logits, labels = _lm_inputs()
    logits.requires_grad_(True)
    (grad,) = torch.autograd.grad(lb.lm_loss(logits, labels, z_loss=0.1), logits)
    ignored = labels[:, 1:] == -100
    assert (grad[:, :-1][ignored] == 0).all()
    assert (grad[:, -1] == 0).all()  # the last position predicts nothing
    changed = logits.detach().clone()
    changed[:, :-1][ignored] = 1e4  # anything at ignored positions
    torch.testing.assert_close(lb.lm_loss(changed, labels), lb.lm_loss(logits, labels))


def test_z_loss_pulls_log_z_to_zero():
    """A constant added to every logit changes the cross-entropy not at all; z-loss sees it."""
    logits, labels = _lm_inputs(pad=False)
    shifted = logits + 7.0
    torch.testing.assert_close(lb.lm_loss(shifted, labels), lb.lm_loss(logits, labels))
    assert lb.lm_loss(shifted, labels, z_loss=1e-2) > lb.lm_loss(logits, labels, z_loss=1e-2)


def test_lm_loss_gradcheck():
    logits, labels = _lm_inputs(b=2, t=4, v=5)
    logits.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x: lb.lm_loss(x, labels, z_loss=0.1), (logits,))
    assert torch.autograd.gradcheck(
        lambda x: lb.lm_loss(x, labels, shift=False, num_items=9), (logits,)
    )


def test_lm_loss_extreme_logits_are_finite():
    logits, labels = _lm_inputs(b=2, t=4, v=5)
    logits = (logits.sign() * 1e4).requires_grad_(True)
    value = lb.lm_loss(logits, labels, z_loss=1e-4)
    (grad,) = torch.autograd.grad(value, logits)
    assert torch.isfinite(value) and torch.isfinite(grad).all()


# --------------------------------------------------------------------------- #
# kwise_ranking
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("k", [2, 3, 5])
def test_kwise_ranking_matches_instructgpt(reduction, k):
    rewards = torch.randn(4, k, generator=_gen(k), dtype=F64) * 2
    want = []
    for row in rewards.tolist():
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
        want.append(sum(-np_log_sigmoid(row[i] - row[j]) for i, j in pairs) / math.comb(k, 2))
    got = lb.kwise_ranking(rewards, reduction=reduction)
    np.testing.assert_allclose(got.numpy(), np_reduce(want, reduction), rtol=1e-12)


def test_kwise_ranking_is_the_mean_of_pairwise_ranking_over_the_pairs():
    rewards = torch.randn(6, 4, generator=_gen(), dtype=F64)
    pairs = list(itertools.combinations(range(4), 2))
    per_pair = torch.stack(
        [lb.pairwise_ranking(rewards[:, i], rewards[:, j], reduction="none") for i, j in pairs], 1
    )
    torch.testing.assert_close(lb.kwise_ranking(rewards, reduction="none"), per_pair.mean(1))
    torch.testing.assert_close(
        lb.kwise_ranking(rewards[:, :2]), lb.pairwise_ranking(rewards[:, 0], rewards[:, 1])
    )


def test_kwise_ranking_gradcheck():
    rewards = torch.randn(3, 4, generator=_gen(), dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(lb.kwise_ranking, (rewards,))


# --------------------------------------------------------------------------- #
# Module forms: per-batch arguments at the call
# --------------------------------------------------------------------------- #
def test_modules_take_per_batch_arguments_at_the_call():
    logp, old, adv, mask, ref = _grpo_inputs()
    module = lb.nn.GRPOLoss(beta=0.04, normalize="token", clip_high=0.28)
    want = lb.grpo(logp, old, adv, mask, ref_logp=ref, beta=0.04, normalize="token", clip_high=0.28)
    torch.testing.assert_close(module(logp, old, adv, mask, ref_logp=ref), want, rtol=0, atol=0)
    logits, labels = _lm_inputs()
    module = lb.nn.LMLoss(z_loss=1e-4)
    want = lb.lm_loss(logits, labels, z_loss=1e-4, num_items=50)
    torch.testing.assert_close(module(logits, labels, num_items=50), want, rtol=0, atol=0)
    with pytest.raises(
        ValueError,
        match=r"^normalize must be one of \('sequence', 'token', 'constant'\), got 'seq'$",
    ):
        lb.nn.GRPOLoss(normalize="seq")
    with pytest.raises(
        ValueError, match=r"^estimator must be one of \('k1', 'k2', 'k3'\), got 'k4'$"
    ):
        lb.nn.KLEstimateLoss(estimator="k4")


def test_the_chapters_text_ships_with_the_package():
    """Chapter 13 reads lossbook/data/fables.txt through importlib.resources (also on Colab)."""
    from importlib.resources import files
    from pathlib import Path

    text = files("lossbook").joinpath("data/fables.txt").read_text()
    assert 3000 < len(text) < 10000 and text.isascii()
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"data/*.txt"' in pyproject
