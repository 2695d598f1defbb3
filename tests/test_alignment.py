"""Tests for lossbook.alignment.

References, all independent of the code under test:

* float64 NumPy / ``math`` transcriptions of each paper's formula, written
  plainly below with loops (``mpmath`` at 50 digits for ORPO's log odds);
* torch built-ins where one exists (``F.binary_cross_entropy_with_logits`` for
  the Bradley–Terry loss, ``F.cross_entropy`` for ``sequence_logprob``);
* closed-form values worked out by hand (e.g. ``log 2`` for DPO at the
  reference, ``log(4/3)`` at ``βh = log 3``);
* the invariants the papers state (DPO is Bradley–Terry on implicit rewards;
  IPO's minimum is at ``h = 1/(2τ)``; PPO's gradient vanishes outside the clip
  range).

No TRL test file publishes numeric vectors for these losses; the conventions
we follow from TRL (IPO's length normalisation, KTO's clamp-and-detach of its
KL estimate, ORPO's ``nll + β·L_OR``) were read in ``huggingface/trl``,
``trl/trainer/{dpo,kto,orpo}_trainer.py``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce

from lossbook import alignment as A


# --------------------------------------------------------------------------- #
# Plain float64 references (transcribed from the papers, independent of lossbook)
# --------------------------------------------------------------------------- #
def np_log_sigmoid(z: float) -> float:
    """log σ(z) = −log(1 + e^{−z}), evaluated without overflow."""
    if z >= 0:
        return -math.log1p(math.exp(-z))
    return z - math.log1p(math.exp(z))


def np_sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def ref_pairwise(chosen, rejected, reduction="mean"):
    # Ouyang et al. 2022, Eq. 1: −log σ(r(x, y_w) − r(x, y_l))
    out = [-np_log_sigmoid(c - r) for c, r in zip(chosen, rejected, strict=True)]
    return np_reduce(out, reduction)


def ref_dpo(pc, pr, rc, rr, beta, reduction="mean"):
    # Rafailov et al. 2023, Eq. 7
    out = []
    for i in range(len(pc)):
        h = (pc[i] - rc[i]) - (pr[i] - rr[i])
        out.append(-np_log_sigmoid(beta * h))
    return np_reduce(out, reduction)


def ref_ipo(pc, pr, rc, rr, tau, reduction="mean"):
    # Azar et al., Eq. 17
    out = []
    for i in range(len(pc)):
        h = (pc[i] - rc[i]) - (pr[i] - rr[i])
        out.append((h - 1.0 / (2.0 * tau)) ** 2)
    return np_reduce(out, reduction)


def ref_kto_z0(pc, pr, rc, rr):
    """max(0, mean of all policy − reference log-ratios)."""
    ratios = [pc[i] - rc[i] for i in range(len(pc))] + [pr[j] - rr[j] for j in range(len(pr))]
    return max(0.0, sum(ratios) / len(ratios))


def ref_kto(pc, pr, rc, rr, beta, lam_d, lam_u, z0, reduction="mean"):
    # Ethayarajh et al. 2024, Eq. 8: loss = λ_y − v(x, y)
    out = []
    for i in range(len(pc)):
        r = pc[i] - rc[i]
        v = lam_d * np_sigmoid(beta * (r - z0))
        out.append(lam_d - v)
    for j in range(len(pr)):
        r = pr[j] - rr[j]
        v = lam_u * np_sigmoid(beta * (z0 - r))
        out.append(lam_u - v)
    return np_reduce(out, reduction)


def mp_log_odds(log_p: float) -> mpmath.mpf:
    """log(P / (1 − P)) at 50 significant digits."""
    with mpmath.workdps(50):
        x = mpmath.mpf(log_p)
        return x - mpmath.log(1 - mpmath.exp(x))


def ref_orpo(pc, pr, beta, nll=None, reduction="mean"):
    # Hong et al. 2024: L = L_SFT + λ·(−log σ(log odds(y_w) − log odds(y_l)))
    out = []
    with mpmath.workdps(50):
        for i in range(len(pc)):
            d = mp_log_odds(pc[i]) - mp_log_odds(pr[i])
            l_or = float(mpmath.log1p(mpmath.exp(-d)))
            out.append((0.0 if nll is None else nll[i]) + beta * l_or)
    return np_reduce(out, reduction)


def ref_ppo(new, old, adv, eps, reduction="mean"):
    # Schulman et al. 2017, Eq. 7, negated
    out = []
    for a, b, adv_i in zip(np.ravel(new), np.ravel(old), np.ravel(adv), strict=True):
        ratio = math.exp(a - b)
        clipped = min(max(ratio, 1.0 - eps), 1.0 + eps)
        out.append(-min(ratio * adv_i, clipped * adv_i))
    arr = np_reduce(out, reduction)
    return arr.reshape(np.shape(new)) if reduction == "none" else arr


def ref_sequence_logprob(logits, labels, mask, average):
    n, length, _ = logits.shape
    out = []
    for i in range(n):
        total, count = 0.0, 0
        for t in range(length):
            if labels[i, t] == -100 or (mask is not None and not mask[i, t]):
                continue
            z = logits[i, t]
            m = z.max()
            log_norm = m + math.log(sum(math.exp(v - m) for v in z))
            total += z[labels[i, t]] - log_norm
            count += 1
        out.append(total / count if average else total)
    return np.asarray(out)


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #
def rand(*shape, device, dtype=torch.float64, scale=3.0):
    return (scale * torch.randn(*shape, dtype=dtype)).to(device)


def logps(n, device, dtype=torch.float64):
    """Four plausible summed log-probabilities (N,), negative."""
    return [(-20.0 * torch.rand(n, dtype=dtype) - 1.0).to(device) for _ in range(4)]


def assert_close_np(actual: torch.Tensor, expected, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(actual.detach().cpu().numpy(), expected, rtol=rtol, atol=atol)


def lst(t: torch.Tensor) -> list[float]:
    return t.detach().cpu().double().tolist()


# --------------------------------------------------------------------------- #
# pairwise_ranking
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pairwise_ranking_matches_reference(device, reduction):
    c, r = rand(7, device=device), rand(7, device=device)
    got = A.pairwise_ranking(c, r, reduction=reduction)
    assert_close_np(got, ref_pairwise(lst(c), lst(r), reduction))


def test_pairwise_ranking_equals_torch_bce_with_logits(device):
    c, r = rand(9, device=device), rand(9, device=device)
    m = c - r
    expected = F.binary_cross_entropy_with_logits(m, torch.ones_like(m), reduction="none")
    torch.testing.assert_close(A.pairwise_ranking(c, r, reduction="none"), expected)


def test_pairwise_ranking_hand_values(device):
    # margin 0 -> log 2; margin log 3 -> -log(3/4) = log(4/3)
    c = torch.tensor([0.0, math.log(3.0)], dtype=torch.float64, device=device)
    r = torch.zeros(2, dtype=torch.float64, device=device)
    got = A.pairwise_ranking(c, r, reduction="none")
    assert_close_np(got, [math.log(2.0), math.log(4.0 / 3.0)], rtol=1e-14)


def test_pairwise_ranking_extremes_finite(device):
    c = torch.tensor([1e4, -1e4, 0.0], device=device, requires_grad=True)
    r = torch.tensor([-1e4, 1e4, 0.0], device=device)
    loss = A.pairwise_ranking(c, r, reduction="none")
    loss.sum().backward()
    assert torch.isfinite(loss).all() and torch.isfinite(c.grad).all()
    assert_close_np(loss, [0.0, 2e4, math.log(2.0)], rtol=1e-6)
    assert_close_np(c.grad, [0.0, -1.0, -0.5], rtol=1e-6)


# --------------------------------------------------------------------------- #
# dpo
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [0.1, 0.5, 2.0])
def test_dpo_matches_reference(device, reduction, beta):
    pc, pr, rc, rr = logps(8, device)
    got = A.dpo(pc, pr, rc, rr, beta=beta, reduction=reduction)
    assert_close_np(got, ref_dpo(lst(pc), lst(pr), lst(rc), lst(rr), beta, reduction))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dpo_is_log2_when_policy_equals_reference(device, dtype):
    # σ(0) = 1/2: a DPO run starts at log 2 ≈ 0.693147 (the value reported in
    # eric-mitchell/direct-preference-optimization issue #46).
    pc, pr, _, _ = logps(5, device, dtype)
    loss = A.dpo(pc, pr, pc.clone(), pr.clone(), beta=0.3, reduction="none")
    assert loss.dtype == dtype
    torch.testing.assert_close(loss, torch.full_like(loss, math.log(2.0)))


def test_dpo_hand_value(device):
    # β h = log 3 -> −log σ(log 3) = −log(3/4)
    beta = 0.5
    h = 2.0 * math.log(3.0)
    pc = torch.tensor([-1.0 + h], dtype=torch.float64, device=device)
    z = torch.tensor([-1.0], dtype=torch.float64, device=device)
    got = A.dpo(pc, z, z, z, beta=beta)
    assert got.item() == pytest.approx(math.log(4.0 / 3.0), rel=1e-14)


def test_dpo_gradient_raises_chosen_lowers_rejected(device):
    pc, pr, rc, rr = logps(6, device)
    pc.requires_grad_(True)
    pr.requires_grad_(True)
    A.dpo(pc, pr, rc, rr, beta=0.1).backward()
    # gradient descent moves against the gradient: chosen up, rejected down
    assert (pc.grad < 0).all()
    assert (pr.grad > 0).all()
    # and the magnitudes are β σ(−βh)/N, the paper's weighting
    h = (pc - rc) - (pr - rr)
    weight = [0.1 * np_sigmoid(-0.1 * v) / 6 for v in lst(h)]
    assert_close_np(pc.grad, [-w for w in weight])
    assert_close_np(pr.grad, weight)


@pytest.mark.parametrize("beta", [0.05, 1.0, 3.0])
def test_dpo_is_bradley_terry_on_implicit_rewards(device, beta):
    pc, pr, rc, rr = logps(10, device)
    chosen_rewards = beta * (pc - rc)
    rejected_rewards = beta * (pr - rr)
    torch.testing.assert_close(
        A.dpo(pc, pr, rc, rr, beta=beta, reduction="none"),
        A.pairwise_ranking(chosen_rewards, rejected_rewards, reduction="none"),
    )


def test_dpo_extremes_finite(device):
    pc = torch.tensor([-1e4, -1.0], device=device, requires_grad=True)
    pr = torch.tensor([-1.0, -1e4], device=device, requires_grad=True)
    z = torch.full((2,), -1.0, device=device)
    loss = A.dpo(pc, pr, z, z, beta=1.0, reduction="none")
    loss.sum().backward()
    assert torch.isfinite(loss).all()
    assert torch.isfinite(pc.grad).all() and torch.isfinite(pr.grad).all()


def test_dpo_nan_propagates(device):
    pc, pr, rc, rr = logps(3, device)
    pc[1] = float("nan")
    loss = A.dpo(pc, pr, rc, rr, reduction="none")
    assert torch.isnan(loss[1]) and torch.isfinite(loss[[0, 2]]).all()


# --------------------------------------------------------------------------- #
# ipo
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("tau", [0.05, 0.1, 1.0])
def test_ipo_matches_reference(device, reduction, tau):
    pc, pr, rc, rr = logps(8, device)
    got = A.ipo(pc, pr, rc, rr, tau=tau, reduction=reduction)
    assert_close_np(got, ref_ipo(lst(pc), lst(pr), lst(rc), lst(rr), tau, reduction))


def test_ipo_hand_value(device):
    # h = 2, τ = 0.5: (2 − 1)² = 1
    t = lambda v: torch.tensor([v], dtype=torch.float64, device=device)  # noqa: E731
    assert A.ipo(t(-1.0), t(-3.0), t(-2.0), t(-2.0), tau=0.5).item() == pytest.approx(1.0)


@pytest.mark.parametrize("tau", [0.1, 0.25, 2.0])
def test_ipo_minimum_at_half_inverse_tau(device, tau):
    target = 1.0 / (2.0 * tau)
    zero = torch.zeros(1, dtype=torch.float64, device=device)

    def loss_at(h: float, grad: bool = False):
        pc = torch.tensor([h], dtype=torch.float64, device=device, requires_grad=grad)
        return pc, A.ipo(pc, zero, zero, zero, tau=tau)

    pc, at_min = loss_at(target, grad=True)
    at_min.backward()
    assert at_min.item() == pytest.approx(0.0, abs=1e-24)
    assert pc.grad.item() == pytest.approx(0.0, abs=1e-12)
    for delta in (1e-3, 0.5, 10.0):
        assert loss_at(target + delta)[1].item() > 0.0
        assert loss_at(target - delta)[1].item() > 0.0
    grid = np.linspace(target - 5.0, target + 5.0, 1001)
    values = [loss_at(float(h))[1].item() for h in grid[::50]]
    assert grid[::50][int(np.argmin(values))] == pytest.approx(target)


# --------------------------------------------------------------------------- #
# kto
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kl", [0.0, 0.7, -0.3])
def test_kto_matches_reference_with_given_kl(device, reduction, kl):
    pc, _, rc, _ = logps(5, device)
    _, pr, _, rr = logps(3, device)
    kwargs = dict(beta=0.4, desirable_weight=1.0, undesirable_weight=1.5, reduction=reduction)
    expected = ref_kto(lst(pc), lst(pr), lst(rc), lst(rr), 0.4, 1.0, 1.5, kl, reduction)
    assert_close_np(A.kto(pc, pr, rc, rr, kl=kl, **kwargs), expected)
    kl_tensor = torch.tensor(kl, dtype=torch.float64, device=device)
    assert_close_np(A.kto(pc, pr, rc, rr, kl=kl_tensor, **kwargs), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_kto_matches_reference_with_estimated_kl(device, reduction):
    pc, pr, rc, rr = logps(6, device)
    pc = rc + 2.0 * torch.rand_like(rc)  # log-ratios mostly positive: z0 > 0
    z0 = ref_kto_z0(lst(pc), lst(pr), lst(rc), lst(rr))
    assert z0 > 0
    got = A.kto(pc, pr, rc, rr, beta=0.2, reduction=reduction)
    expected = ref_kto(lst(pc), lst(pr), lst(rc), lst(rr), 0.2, 1.0, 1.0, z0, reduction)
    assert_close_np(got, expected)
    # and estimated == given (the same number)
    assert_close_np(A.kto(pc, pr, rc, rr, beta=0.2, reduction=reduction, kl=z0), expected)


def test_kto_estimated_kl_is_clamped_at_zero(device):
    pc, pr, rc, rr = logps(4, device)
    pc, pr = rc - 1.0, rr - 2.0  # every log-ratio negative -> mean < 0 -> z0 = 0
    got = A.kto(pc, pr, rc, rr, reduction="none")
    torch.testing.assert_close(got, A.kto(pc, pr, rc, rr, kl=0.0, reduction="none"))


def test_kto_reference_point_is_detached(device):
    pc, pr, rc, rr = logps(4, device)
    pc = (rc + torch.rand_like(rc)).requires_grad_(True)
    pr = pr.clone().requires_grad_(True)
    A.kto(pc, pr, rc, rr, beta=0.5).backward()
    # analytic gradient with z0 held constant: d/dr [σ(β(z0 − r))] = −β σ(1 − σ)
    z0 = ref_kto_z0(lst(pc), lst(pr), lst(rc), lst(rr))
    n = 8
    grad_c = []
    for r in lst(pc - rc):
        s = np_sigmoid(0.5 * (z0 - r))
        grad_c.append(-0.5 * s * (1 - s) / n)
    grad_r = []
    for r in lst(pr - rr):
        s = np_sigmoid(0.5 * (r - z0))
        grad_r.append(0.5 * s * (1 - s) / n)
    assert_close_np(pc.grad, grad_c)
    assert_close_np(pr.grad, grad_r)
    # a kl tensor that requires grad receives none
    kl = torch.tensor(0.3, dtype=torch.float64, device=device, requires_grad=True)
    A.kto(pc, pr, rc, rr, kl=kl).backward()
    assert kl.grad is None


@pytest.mark.parametrize(("n_c", "n_r"), [(4, 0), (0, 3), (1, 5), (0, 0)])
def test_kto_unpaired_lengths(device, n_c, n_r):
    pc, _, rc, _ = logps(n_c, device)
    _, pr, _, rr = logps(n_r, device)
    none = A.kto(pc, pr, rc, rr, kl=0.2, reduction="none")
    assert none.shape == (n_c + n_r,)
    if n_c + n_r == 0:
        # the mean over nothing is refused (lossbook's empty-batch policy), the sum is 0
        with pytest.raises(ValueError, match="cannot average a loss over an empty batch"):
            A.kto(pc, pr, rc, rr, kl=0.2)
        assert A.kto(pc, pr, rc, rr, kl=0.2, reduction="sum").item() == 0.0
        return
    expected = ref_kto(lst(pc), lst(pr), lst(rc), lst(rr), 0.1, 1.0, 1.0, 0.2, "none")
    assert_close_np(none, expected)
    assert_close_np(A.kto(pc, pr, rc, rr, kl=0.2), expected.mean())
    z0 = ref_kto_z0(lst(pc), lst(pr), lst(rc), lst(rr))
    expected = ref_kto(lst(pc), lst(pr), lst(rc), lst(rr), 0.1, 1.0, 1.0, z0, "sum")
    assert_close_np(A.kto(pc, pr, rc, rr, reduction="sum"), expected)


def test_kto_bounded_by_weights_and_extremes_finite(device):
    pc = torch.tensor([1e4, -1e4], device=device, requires_grad=True)
    pr = torch.tensor([1e4, -1e4, 0.0], device=device, requires_grad=True)
    rc, rr = torch.zeros(2, device=device), torch.zeros(3, device=device)
    kwargs = dict(beta=1.0, desirable_weight=2.0, undesirable_weight=3.0, kl=0.0)
    A.kto(pc, pr, rc, rr, **kwargs).backward()
    each = A.kto(pc, pr, rc, rr, reduction="none", **kwargs)
    assert torch.isfinite(each).all() and torch.isfinite(pc.grad).all()
    assert torch.isfinite(pr.grad).all()
    assert_close_np(each, [0.0, 2.0, 3.0, 0.0, 1.5], atol=1e-6)


# --------------------------------------------------------------------------- #
# orpo
# --------------------------------------------------------------------------- #
def avg_logps(n, device, dtype=torch.float64):
    """Average per-token log-probabilities in (−4, 0)."""
    return [(-4.0 * torch.rand(n, dtype=dtype) - 1e-3).to(device) for _ in range(2)]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("with_nll", [False, True])
def test_orpo_matches_reference(device, reduction, with_nll):
    pc, pr = avg_logps(7, device)
    nll = (-pc).clone() if with_nll else None
    got = A.orpo(pc, pr, beta=0.25, chosen_nll=nll, reduction=reduction)
    expected = ref_orpo(lst(pc), lst(pr), 0.25, lst(nll) if with_nll else None, reduction)
    assert_close_np(got, expected)


def test_orpo_hand_value(device):
    # P_w = 3/4 (odds 3), P_l = 1/2 (odds 1): L_OR = −log σ(log 3) = log(4/3)
    pc = torch.tensor([math.log(0.75)], dtype=torch.float64, device=device)
    pr = torch.tensor([math.log(0.5)], dtype=torch.float64, device=device)
    assert A.orpo(pc, pr, beta=1.0).item() == pytest.approx(math.log(4.0 / 3.0), rel=1e-13)


@pytest.mark.parametrize(
    "log_p",
    [-1e-300, -1e-12, -1e-6, -0.3, -math.log(2.0), -0.7, -5.0, -40.0, -800.0, -1e4],
)
def test_log1mexp_accurate(log_p):
    x = torch.tensor([log_p], dtype=torch.float64)
    with mpmath.workdps(400):  # enough digits that 1 − e^x does not cancel even at x = −1e−300
        expected = float(mpmath.log(1 - mpmath.exp(mpmath.mpf(log_p))))
    got = A._log1mexp(x).item()
    assert got == pytest.approx(expected, rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_orpo_extremes_finite_values_and_gradients(device, dtype):
    # log P near 0 (P -> 1, where 1 − exp(log P) cancels) and very negative
    values = [-1e-12, -1e-6, -1e-3, -math.log(2.0), -5.0, -100.0, -1e4]
    pc = torch.tensor(values, dtype=dtype, device=device, requires_grad=True)
    pr = torch.tensor(values[::-1], dtype=dtype, device=device, requires_grad=True)
    loss = A.orpo(pc, pr, beta=0.1, reduction="none")
    loss.sum().backward()
    assert loss.dtype == dtype
    assert torch.isfinite(loss).all()
    assert torch.isfinite(pc.grad).all() and torch.isfinite(pr.grad).all()
    if dtype == torch.float64:
        expected = ref_orpo(values, values[::-1], 0.1, None, "none")
        assert_close_np(loss, expected, rtol=1e-9)


def test_orpo_gradient_matches_analytic(device):
    # d L_OR / d log P_w = −σ(−Δ) / (1 − P_w), with Δ the log odds ratio
    pc, pr = avg_logps(5, device)
    pc.requires_grad_(True)
    A.orpo(pc, pr, beta=1.0, reduction="sum").backward()
    expected = []
    for x_w, x_l in zip(lst(pc), lst(pr), strict=True):
        delta = float(mp_log_odds(x_w) - mp_log_odds(x_l))
        expected.append(-np_sigmoid(-delta) / (1.0 - math.exp(x_w)))
    assert_close_np(pc.grad, expected, rtol=1e-9)


# --------------------------------------------------------------------------- #
# ppo_clip
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(9,), (3, 5)])
def test_ppo_clip_matches_reference(device, reduction, shape):
    new = rand(*shape, device=device, scale=0.5)
    old = rand(*shape, device=device, scale=0.5)
    adv = rand(*shape, device=device)
    got = A.ppo_clip(new, old, adv, clip=0.2, reduction=reduction)
    expected = ref_ppo(new.cpu().numpy(), old.cpu().numpy(), adv.cpu().numpy(), 0.2, reduction)
    assert got.shape == (shape if reduction == "none" else ())
    assert_close_np(got, expected)


@pytest.mark.parametrize(
    ("log_ratio", "advantage", "clipped"),
    [
        (math.log(1.5), 2.0, True),  # A > 0, ρ > 1 + ε: flat
        (math.log(0.5), -2.0, True),  # A < 0, ρ < 1 − ε: flat
        (math.log(1.1), 2.0, False),  # inside the clip range
        (math.log(0.9), -2.0, False),  # inside the clip range
        (math.log(0.5), 2.0, False),  # A > 0, ρ < 1 − ε: never clipped (pessimistic)
        (math.log(1.5), -2.0, False),  # A < 0, ρ > 1 + ε: never clipped (pessimistic)
    ],
)
def test_ppo_clip_gradient(device, log_ratio, advantage, clipped):
    old = torch.tensor([-1.0], dtype=torch.float64, device=device)
    new = (old + log_ratio).requires_grad_(True)
    adv = torch.tensor([advantage], dtype=torch.float64, device=device)
    loss = A.ppo_clip(new, old, adv, clip=0.2)
    loss.backward()
    ratio = math.exp(log_ratio)
    if clipped:
        assert new.grad.item() == 0.0
        eps_side = 1.2 if advantage > 0 else 0.8
        assert loss.item() == pytest.approx(-eps_side * advantage)
    else:
        # the unclipped surrogate −ρA has d/d log π_new = −ρA
        assert new.grad.item() == pytest.approx(-ratio * advantage, rel=1e-12)
        assert loss.item() == pytest.approx(-ratio * advantage, rel=1e-12)


def test_ppo_clip_at_ratio_one_is_minus_advantage(device):
    logp = rand(6, device=device)
    adv = rand(6, device=device)
    torch.testing.assert_close(A.ppo_clip(logp, logp.clone(), adv, reduction="none"), -adv)


# --------------------------------------------------------------------------- #
# sequence_logprob
# --------------------------------------------------------------------------- #
def make_tokens(device, n=3, length=6, vocab=5, dtype=torch.float64):
    logits = rand(n, length, vocab, device=device, dtype=dtype)
    labels = torch.randint(0, vocab, (n, length)).to(device)
    labels[0, -2:] = -100
    labels[2, 0] = -100
    mask = torch.ones(n, length, dtype=torch.bool)
    mask[1, :2] = False  # "prompt" positions
    return logits, labels, mask.to(device)


@pytest.mark.parametrize("use_mask", [False, True])
@pytest.mark.parametrize("average", [False, True])
def test_sequence_logprob_matches_cross_entropy(device, use_mask, average):
    logits, labels, mask = make_tokens(device)
    got = A.sequence_logprob(logits, labels, mask=mask if use_mask else None, average=average)
    # F.cross_entropy per token, ignore_index=-100 gives 0 there
    ce = F.cross_entropy(logits.transpose(1, 2), labels, reduction="none")  # (N, L)
    keep = (labels != -100) & (mask if use_mask else torch.ones_like(mask))
    expected = -(ce * keep).sum(dim=1)
    if average:
        expected = expected / keep.sum(dim=1)
    torch.testing.assert_close(got, expected)
    reference = ref_sequence_logprob(
        logits.cpu().numpy(),
        labels.cpu().numpy(),
        mask.cpu().numpy() if use_mask else None,
        average,
    )
    assert_close_np(got, reference)


def test_sequence_logprob_integer_mask_and_shift_example(device):
    logits, labels, mask = make_tokens(device)
    torch.testing.assert_close(
        A.sequence_logprob(logits, labels, mask=mask.long()),
        A.sequence_logprob(logits, labels, mask=mask),
    )
    # the docstring's causal shift: logits[:, t] predicts input_ids[:, t + 1]
    input_ids = torch.randint(0, 5, (3, 6)).to(device)
    shifted = A.sequence_logprob(logits[:, :-1], input_ids[:, 1:])
    manual = sum(
        F.log_softmax(logits[:, t], dim=-1).gather(1, input_ids[:, t + 1 : t + 2]).squeeze(1)
        for t in range(5)
    )
    torch.testing.assert_close(shifted, manual)


def test_sequence_logprob_feeds_dpo(device):
    # the chapter's pipeline: logits -> per-sequence log-probs -> DPO; finite gradients
    logits, labels, mask = make_tokens(device, n=4)
    logits.requires_grad_(True)
    seq = A.sequence_logprob(logits, labels, mask=mask)
    with torch.no_grad():
        ref = A.sequence_logprob(logits + 0.1, labels, mask=mask)
    loss = A.dpo(seq[:2], seq[2:], ref[:2], ref[2:])
    loss.backward()
    assert torch.isfinite(logits.grad).all()
    assert (logits.grad[labels == -100] == 0).all()


def test_sequence_logprob_extremes_and_dtype(device):
    logits = torch.tensor([[[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]]], device=device)
    labels = torch.tensor([[1, 1]], device=device)
    logits.requires_grad_(True)
    out = A.sequence_logprob(logits, labels)
    out.sum().backward()
    assert out.dtype == torch.float32 and out.shape == (1,)
    assert torch.isfinite(out).all() and torch.isfinite(logits.grad).all()
    assert out.item() == pytest.approx(-2e4, rel=1e-6)


# --------------------------------------------------------------------------- #
# gradcheck (float64)
# --------------------------------------------------------------------------- #
def _req(*tensors):
    return tuple(t.detach().clone().requires_grad_(True) for t in tensors)


def test_gradcheck_all(device):
    pc, pr, rc, rr = _req(*logps(4, device))
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda c, r, red=reduction: A.pairwise_ranking(c, r, reduction=red), (pc, pr)
        )
        assert torch.autograd.gradcheck(
            lambda *x, red=reduction: A.dpo(*x, beta=0.2, reduction=red), (pc, pr, rc, rr)
        )
        assert torch.autograd.gradcheck(
            lambda *x, red=reduction: A.ipo(*x, tau=0.3, reduction=red), (pc, pr, rc, rr)
        )
        # KTO with a given reference point (with kl=None, z0 is detached by design)
        assert torch.autograd.gradcheck(
            lambda *x, red=reduction: A.kto(*x, beta=0.2, kl=0.5, reduction=red),
            _req(pc[:3], pr, rc[:3], rr),
        )
    ac, ar = _req(*avg_logps(4, device))
    nll = _req(torch.rand(4, dtype=torch.float64, device=device))[0]
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda c, r, n, red=reduction: A.orpo(c, r, beta=0.5, chosen_nll=n, reduction=red),
            (ac, ar, nll),
        )
    # PPO away from the kinks at ρ = 1 ± ε
    new = torch.tensor([[0.5, -0.5], [0.05, -0.05]], dtype=torch.float64, device=device)
    old = torch.zeros_like(new)
    adv = torch.tensor([[1.0, -1.0], [2.0, -0.5]], dtype=torch.float64, device=device)
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda a, b, c, red=reduction: A.ppo_clip(a, b, c, clip=0.2, reduction=red),
            _req(new, old, adv),
        )
    logits, labels, mask = make_tokens(device, n=3, length=4, vocab=4)
    for average in (False, True):
        assert torch.autograd.gradcheck(
            lambda z, avg=average: A.sequence_logprob(z, labels, mask=mask, average=avg),
            _req(logits),
        )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dtype_and_device_preserved(device, dtype):
    pc, pr, rc, rr = logps(3, device, dtype)
    ac, ar = avg_logps(3, device, dtype)
    outs = [
        A.pairwise_ranking(pc, pr),
        A.dpo(pc, pr, rc, rr),
        A.ipo(pc, pr, rc, rr),
        A.kto(pc, pr, rc, rr),
        A.orpo(ac, ar),
        A.ppo_clip(pc, rc, pr),
        A.sequence_logprob(
            torch.randn(2, 3, 4, dtype=dtype, device=device),
            torch.zeros(2, 3, dtype=torch.long, device=device),
        ),
    ]
    for out in outs:
        assert out.dtype == dtype and out.device.type == device.type


# --------------------------------------------------------------------------- #
# Bad inputs
# --------------------------------------------------------------------------- #
# Bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).


def test_sequence_logprob_without_average_sums_an_empty_row_to_zero():
    # average=True refuses a row with no counted token (a matrix row); the sum of nothing is 0
    logits = torch.randn(2, 3, 4)
    mask = torch.tensor([[True, True, False], [False, False, False]])
    out = A.sequence_logprob(logits, torch.zeros(2, 3, dtype=torch.long), mask=mask)
    assert out[1].item() == 0.0
    assert out[0].item() == pytest.approx(logits[0, :2].log_softmax(-1)[:, 0].sum().item())
