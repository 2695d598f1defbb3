"""Tests for lossbook.sequence: CTC loss, its forward lattice and best-path decoding.

References, all independent of the code under test:

* ``torch.nn.functional.ctc_loss`` (values, and gradients through ``log_softmax``);
* a plain float64 NumPy transcription of Graves et al. (2006), written below with loops:
  the α and β recursions in probability space and the gradient of eq. (14)-(16);
* published vectors: Alex Graves' hand-checked example from TensorFlow's test suite
  (tensorflow/tensorflow, tensorflow/python/kernel_tests/nn_ops/ctc_loss_op_test.py,
  ``CTCLossTest.testBasic``: losses 3.34211 and 5.42262, gradients, α and β tables) and
  TensorFlow's greedy-decoder test (tensorflow/python/kernel_tests/nn_ops/
  ctc_decoder_ops_test.py, ``testCTCGreedyDecoder``);
* ``torch.autograd.gradcheck`` (finite differences).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook.sequence as S
from lossbook.sequence import ctc, ctc_alpha, greedy_decode

INF = float("inf")


# ---------------------------------------------------------------------------------------
# Reference: Graves et al. (2006), section 4.1, in probability space, one sequence at a time
# ---------------------------------------------------------------------------------------


def np_ctc(log_probs: np.ndarray, target: list[int], blank: int) -> tuple[float, np.ndarray]:
    """Loss −ln p(l|x) and its gradient w.r.t. log y_t(k), for log_probs (T, C) of ONE sequence.

    Plain loops over the extended label sequence l' (length 2S + 1), α and β both including
    the emission y_t(l'_s) (Graves' convention). The derivative of −ln p with respect to
    log y_t(k) (inputs not assumed normalised) is
    −(1 / (p · y_t(k))) Σ_{s: l'_s = k} α_t(s) β_t(s).
    """
    y = np.exp(log_probs.astype(np.float64))
    T, C = y.shape
    lp = [blank]
    for label in target:
        lp += [label, blank]
    L = len(lp)
    if T == 0:
        p = 1.0 if not target else 0.0
        return (-math.log(p) if p > 0 else INF), np.zeros((T, C))

    def skip_ok(s: int) -> bool:  # may a path jump from s − 2 to s?
        return s >= 2 and lp[s] != blank and lp[s] != lp[s - 2]

    alpha = np.zeros((T, L))
    alpha[0, 0] = y[0, lp[0]]
    if L > 1:
        alpha[0, 1] = y[0, lp[1]]
    for t in range(1, T):
        for s in range(L):
            total = alpha[t - 1, s]
            if s >= 1:
                total += alpha[t - 1, s - 1]
            if skip_ok(s):
                total += alpha[t - 1, s - 2]
            alpha[t, s] = total * y[t, lp[s]]
    p = alpha[T - 1, L - 1] + (alpha[T - 1, L - 2] if L > 1 else 0.0)

    beta = np.zeros((T, L))
    beta[T - 1, L - 1] = y[T - 1, lp[L - 1]]
    if L > 1:
        beta[T - 1, L - 2] = y[T - 1, lp[L - 2]]
    for t in range(T - 2, -1, -1):
        for s in range(L):
            total = beta[t + 1, s]
            if s + 1 < L:
                total += beta[t + 1, s + 1]
            if s + 2 < L and skip_ok(s + 2):
                total += beta[t + 1, s + 2]
            beta[t, s] = total * y[t, lp[s]]

    grad = np.zeros((T, C))
    if p > 0:
        for t in range(T):
            for s in range(L):
                grad[t, lp[s]] -= alpha[t, s] * beta[t, s] / (p * y[t, lp[s]])
    return (-math.log(p) if p > 0 else INF), grad


def _ragged_batch(device: torch.device, dtype: torch.dtype = torch.float64):
    """Ragged input and target lengths, a repeated label ("aa"), blank = 0, C = 5."""
    T, N, C = 9, 5, 5
    logits = torch.randn(T, N, C, dtype=dtype, device=device)
    targets = torch.tensor(
        [[1, 1, 2, 3], [2, 3, 4, 4], [4, 4, 4, 0], [3, 0, 0, 0], [0, 0, 0, 0]], device=device
    )
    input_lengths = torch.tensor([9, 7, 6, 3, 4], device=device)
    target_lengths = torch.tensor([4, 4, 3, 1, 0], device=device)
    return logits, targets, input_lengths, target_lengths


def _grads_through_log_softmax(fn, logits, *args, **kwargs):
    x = logits.detach().clone().requires_grad_()
    loss = fn(x.log_softmax(2), *args, **kwargs)
    (grad,) = torch.autograd.grad(loss.sum(), x)
    return loss.detach(), grad


# ---------------------------------------------------------------------------------------
# Agreement with torch.nn.functional.ctc_loss
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_matches_torch_values_and_gradients(device, reduction, zero_infinity):
    logits, targets, input_lengths, target_lengths = _ragged_batch(device)
    kwargs = dict(reduction=reduction, zero_infinity=zero_infinity)
    ours, grad_ours = _grads_through_log_softmax(
        ctc, logits, targets, input_lengths, target_lengths, **kwargs
    )
    ref, grad_ref = _grads_through_log_softmax(
        F.ctc_loss, logits, targets, input_lengths, target_lengths, **kwargs
    )
    assert torch.isfinite(ours).all()
    torch.testing.assert_close(ours, ref, rtol=1e-7, atol=1e-7)
    torch.testing.assert_close(grad_ours, grad_ref, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_matches_torch_with_impossible_alignments(device, reduction, zero_infinity):
    logits, targets, input_lengths, target_lengths = _ragged_batch(device)
    # sequence 1: "2 3 4 4" needs 5 frames (a blank between the 4s), has 4; sequence 3: "3"
    # needs 1 frame, has 0
    input_lengths = torch.tensor([9, 4, 6, 0, 4], device=device)
    kwargs = dict(reduction=reduction, zero_infinity=zero_infinity)
    ours, grad_ours = _grads_through_log_softmax(
        ctc, logits, targets, input_lengths, target_lengths, **kwargs
    )
    ref, grad_ref = _grads_through_log_softmax(
        F.ctc_loss, logits, targets, input_lengths, target_lengths, **kwargs
    )
    torch.testing.assert_close(ours, ref, rtol=1e-7, atol=1e-7)
    # without zero_infinity an infinite loss has NaN gradients, in torch as here
    torch.testing.assert_close(grad_ours, grad_ref, rtol=1e-7, atol=1e-7, equal_nan=True)
    if zero_infinity:
        assert torch.isfinite(grad_ours).all()
        assert torch.isfinite(ours).all()
    else:
        assert ours.isinf().any()


def test_gradient_is_the_true_derivative_and_torch_adds_the_softmax(device):
    # F.ctc_loss returns y_t(c) + ∂ℓ/∂log y_t(c) (the gradient w.r.t. the logits, assuming
    # log_probs came from log_softmax); ours is ∂ℓ/∂log y_t(c) itself. They differ by exp(lp)
    # on the frames each sequence uses, and agree (0) on the frames past its length.
    logits, targets, input_lengths, target_lengths = _ragged_batch(device)
    log_probs = logits.log_softmax(2).requires_grad_()
    (ours,) = torch.autograd.grad(
        ctc(log_probs, targets, input_lengths, target_lengths, reduction="sum"), log_probs
    )
    (ref,) = torch.autograd.grad(
        F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="sum"), log_probs
    )
    frames = torch.arange(logits.shape[0], device=device)[:, None, None]
    used = frames < input_lengths[:, None]
    expected = torch.where(used, ours + log_probs.detach().exp(), torch.zeros_like(ours))
    torch.testing.assert_close(ref, expected, rtol=1e-7, atol=1e-7)
    assert (ours[~used.expand_as(ours)] == 0).all()


def test_concatenated_targets_equal_padded_and_torch(device):
    logits, targets, input_lengths, target_lengths = _ragged_batch(device)
    concatenated = torch.cat([row[:n] for row, n in zip(targets, target_lengths, strict=True)])
    assert concatenated.dim() == 1
    log_probs = logits.log_softmax(2)
    for reduction in ("none", "mean"):
        padded = ctc(log_probs, targets, input_lengths, target_lengths, reduction=reduction)
        flat = ctc(log_probs, concatenated, input_lengths, target_lengths, reduction=reduction)
        ref = F.ctc_loss(
            log_probs, concatenated, input_lengths, target_lengths, reduction=reduction
        )
        torch.testing.assert_close(flat, padded, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(flat, ref, rtol=1e-7, atol=1e-7)


def test_lengths_as_python_lists_and_padding_values_ignored(device):
    logits, targets, input_lengths, target_lengths = _ragged_batch(device)
    log_probs = logits.log_softmax(2)
    expected = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="none")
    # padding past target_lengths may hold anything, even out-of-range values or the blank
    junk = targets.clone()
    junk[2, 3], junk[3, 1:], junk[4] = 99, -7, 0
    ours = ctc(log_probs, junk, input_lengths.tolist(), target_lengths.tolist(), reduction="none")
    torch.testing.assert_close(ours, expected, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("blank", [0, 2, 4])
def test_blank_anywhere_matches_torch(device, blank):
    T, N, C = 7, 3, 5
    logits = torch.randn(T, N, C, dtype=torch.float64, device=device)
    labels = [c for c in range(C) if c != blank]
    targets = torch.tensor([[labels[0], labels[1], labels[1]], [labels[3], labels[2], labels[0]],
                            [labels[2], labels[2], labels[2]]], device=device)  # fmt: skip
    input_lengths = torch.tensor([7, 6, 5], device=device)
    target_lengths = torch.tensor([3, 2, 3], device=device)
    args = (targets, input_lengths, target_lengths)
    ours, grad_ours = _grads_through_log_softmax(ctc, logits, *args, blank=blank, reduction="sum")
    ref, grad_ref = _grads_through_log_softmax(
        F.ctc_loss, logits, *args, blank=blank, reduction="sum"
    )
    torch.testing.assert_close(ours, ref, rtol=1e-7, atol=1e-7)
    torch.testing.assert_close(grad_ours, grad_ref, rtol=1e-7, atol=1e-7)


def test_empty_targets_and_empty_inputs_match_torch(device):
    T, C = 4, 3
    logits = torch.randn(T, 4, C, dtype=torch.float64, device=device)
    targets = torch.tensor([[1, 2], [0, 0], [1, 0], [0, 0]], device=device)
    input_lengths = torch.tensor([4, 3, 0, 0], device=device)
    target_lengths = torch.tensor([0, 0, 1, 0], device=device)  # "", "", "1" in 0 frames, ""
    args = (targets, input_lengths, target_lengths)
    ours, grad_ours = _grads_through_log_softmax(ctc, logits, *args, reduction="none")
    ref, grad_ref = _grads_through_log_softmax(F.ctc_loss, logits, *args, reduction="none")
    torch.testing.assert_close(ours, ref)
    # the empty target costs −Σ_t log y_t(blank); empty input + empty target costs 0
    lp = logits.log_softmax(2)
    torch.testing.assert_close(ours[0], -lp[:4, 0, 0].sum())
    assert ours[2] == INF and ours[3] == 0
    torch.testing.assert_close(grad_ours[:, [0, 1, 3]], grad_ref[:, [0, 1, 3]])


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    T=st.integers(1, 8),
    N=st.integers(1, 4),
    C=st.integers(2, 5),
    S=st.integers(0, 5),
    blank=st.integers(0, 4),
)
def test_random_shapes_match_torch(seed, T, N, C, S, blank):
    blank = blank % C
    g = torch.Generator().manual_seed(seed)
    logits = 3 * torch.randn(T, N, C, generator=g, dtype=torch.float64)
    labels = torch.tensor([c for c in range(C) if c != blank])
    targets = labels[torch.randint(0, C - 1, (N, S), generator=g)]
    input_lengths = torch.randint(0, T + 1, (N,), generator=g)
    target_lengths = torch.randint(0, S + 1, (N,), generator=g)
    args = (targets, input_lengths, target_lengths)
    kwargs = dict(blank=blank, reduction="sum", zero_infinity=True)
    ours, grad_ours = _grads_through_log_softmax(ctc, logits, *args, **kwargs)
    ref, grad_ref = _grads_through_log_softmax(F.ctc_loss, logits, *args, **kwargs)
    torch.testing.assert_close(ours, ref, rtol=1e-7, atol=1e-7)
    torch.testing.assert_close(grad_ours, grad_ref, rtol=1e-7, atol=1e-7)


def test_float32_matches_torch(device):
    T, N, C, S_max = 60, 4, 12, 15
    logits = torch.randn(T, N, C, device=device)
    targets = torch.randint(1, C, (N, S_max), device=device)
    input_lengths = torch.tensor([60, 55, 40, 30], device=device)
    target_lengths = torch.tensor([15, 10, 12, 3], device=device)
    args = (targets, input_lengths, target_lengths)
    ours, grad_ours = _grads_through_log_softmax(ctc, logits, *args)
    ref, grad_ref = _grads_through_log_softmax(F.ctc_loss, logits, *args)
    assert ours.dtype == torch.float32 and ours.device.type == device.type
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(grad_ours, grad_ref, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------------------
# Second reference: the NumPy transcription of Graves et al. (2006)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [0, 3])
def test_matches_numpy_reference_on_unnormalised_log_probs(device, blank):
    # Arbitrary log_probs (not log-softmaxed): the true derivative, not torch's convention.
    logits, _, input_lengths, target_lengths = _ragged_batch(device)
    log_probs = (0.5 * logits).requires_grad_()
    C = logits.shape[2]
    labels = [c for c in range(C) if c != blank]
    targets = torch.tensor(
        [[labels[0], labels[0], labels[1], labels[2]], [labels[1], labels[2], labels[3], labels[3]],
         [labels[3]] * 4, [labels[2]] * 4, [labels[0]] * 4], device=device)  # fmt: skip
    loss = ctc(log_probs, targets, input_lengths, target_lengths, blank=blank, reduction="none")
    (grad,) = torch.autograd.grad(loss.sum(), log_probs)
    for n in range(logits.shape[1]):
        T_n, S_n = int(input_lengths[n]), int(target_lengths[n])
        lp = log_probs.detach()[:T_n, n].cpu().numpy()
        ref_loss, ref_grad = np_ctc(lp, targets[n, :S_n].tolist(), blank)
        assert loss[n].item() == pytest.approx(ref_loss, rel=1e-10)
        np.testing.assert_allclose(grad[:T_n, n].cpu().numpy(), ref_grad, rtol=1e-8, atol=1e-12)
        assert (grad[T_n:, n] == 0).all()


def test_hand_computed_small_cases(device):
    lp = torch.randn(3, 1, 3, dtype=torch.float64, device=device).log_softmax(2)
    y = lp[:, 0].exp()
    one = torch.tensor([1], device=device)
    # "a" in one frame: the only path is "a"
    loss = ctc(lp[:1], torch.tensor([[1]], device=device), one, one, reduction="sum")
    torch.testing.assert_close(loss, -lp[0, 0, 1])
    # "a" in two frames: paths "aa", "a∅", "∅a"
    loss = ctc(lp[:2], torch.tensor([[1]], device=device), one * 2, one, reduction="sum")
    p = y[0, 1] * y[1, 1] + y[0, 1] * y[1, 0] + y[0, 0] * y[1, 1]
    torch.testing.assert_close(loss, -torch.log(p))
    # "aa" in three frames: only "a∅a" (the blank keeps the two a's apart)
    aa = torch.tensor([[1, 1]], device=device)
    loss = ctc(lp, aa, one * 3, one * 2, reduction="sum")
    torch.testing.assert_close(loss, -(lp[0, 0, 1] + lp[1, 0, 0] + lp[2, 0, 1]))
    # "aa" in two frames is impossible ("aa" collapses to "a"); "ab" is not
    assert ctc(lp[:2], aa, one * 2, one * 2, reduction="sum") == INF
    ab = torch.tensor([[1, 2]], device=device)
    loss = ctc(lp[:2], ab, one * 2, one * 2, reduction="sum")
    torch.testing.assert_close(loss, -(lp[0, 0, 1] + lp[1, 0, 2]))


# ---------------------------------------------------------------------------------------
# Published vectors: Graves' example from TensorFlow's test suite
# ---------------------------------------------------------------------------------------

# tensorflow/tensorflow, tensorflow/python/kernel_tests/nn_ops/ctc_loss_op_test.py,
# CTCLossTest.testBasic ("Input and ground truth from Alex Graves' implementation").
# Blank is the last class (5 of 6). Rows are frames, columns classes (softmax outputs).
_TF_PROBS = [
    [[0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
     [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
     [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688],
     [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
     [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107]],
    [[0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
     [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
     [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456],
     [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
     [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046]],
]  # fmt: skip
_TF_TARGETS = [[0, 1, 2, 1, 0], [0, 1, 1, 0]]
_TF_LOSSES = [3.34211, 5.42262]
# Gradient with respect to the logits (the inputs before softmax).
_TF_GRADS = [
    [[-0.366234, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
     [0.111121, -0.411608, 0.278779, 0.0055756, 0.00569609, 0.010436],
     [0.0357786, 0.633813, -0.678582, 0.00249248, 0.00272882, 0.0037688],
     [0.0663296, -0.356151, 0.280111, 0.00283995, 0.0035545, 0.00331533],
     [-0.541765, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107]],
    [[-0.69824, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
     [0.24082, -0.602467, 0.0557226, 0.0546814, 0.0557528, 0.19549],
     [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, -0.797544],
     [0.280884, -0.570478, 0.0326593, 0.0339046, 0.0326856, 0.190345],
     [-0.576714, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046]],
]  # fmt: skip
# The finite entries of the log α and log β tables printed in the same test (Graves'
# implementation prunes states that cannot reach the start or the end; the entries it
# keeps are the unpruned values). As {(t, s): value}; β excludes the emission at t.
_TF_ALPHA = [
    {(0, 0): -3.64753, (0, 1): -0.456075, (1, 3): -0.986437, (2, 5): -2.12145,
     (3, 7): -2.56174, (4, 9): -3.34211},
    {(0, 0): -1.8232, (0, 1): -1.19812, (1, 1): -2.19315, (1, 2): -2.83037, (1, 3): -2.1206,
     (2, 3): -2.03268, (2, 4): -3.71783, (3, 5): -4.56292, (4, 7): -5.42262},
]  # fmt: skip
_TF_BETA = [
    {(0, 1): -2.88604, (1, 3): -2.35568, (2, 5): -1.22066, (3, 7): -0.780373, (4, 9): 0.0,
     (4, 10): 0.0},
    {(0, 1): -4.2245, (1, 3): -3.30202, (2, 4): -1.70479, (2, 5): -0.856738,
     (3, 5): -0.859706, (3, 6): -0.859706, (3, 7): -0.549337, (4, 7): 0.0, (4, 8): 0.0},
]  # fmt: skip


def _tf_batch(device):
    """(T=7, N=2, C=6) logits = log of Graves' probabilities; frames 5 and 6 are NaN padding."""
    logits = torch.tensor(_TF_PROBS, dtype=torch.float32).log().double().transpose(0, 1)
    targets = torch.tensor([_TF_TARGETS[0], [*_TF_TARGETS[1], 0]])
    return logits.to(device), targets.to(device)


def test_tensorflow_graves_losses_and_gradients(device):
    logits, targets = _tf_batch(device)
    logits.requires_grad_()
    padding = torch.full((2, 2, 6), float("nan"), dtype=torch.float64, device=device)
    log_probs = torch.cat([logits.log_softmax(2), padding])  # NaN frames past the inputs
    log_probs.retain_grad()
    input_lengths = torch.tensor([5, 5], device=device)
    target_lengths = torch.tensor([5, 4], device=device)
    loss = ctc(log_probs, targets, input_lengths, target_lengths, blank=5, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.detach().cpu().numpy(), _TF_LOSSES, atol=1e-5)
    grad = logits.grad.transpose(0, 1).cpu().numpy()
    np.testing.assert_allclose(grad, np.array(_TF_GRADS), atol=2e-6)
    # the NaN padding frames get exactly zero gradient, as in TensorFlow's grad_truth
    assert (log_probs.grad[5:] == 0).all()


def test_tensorflow_graves_alpha_and_beta_tables(device):
    logits, _ = _tf_batch(device)
    for n in range(2):
        log_probs = logits[:, n].log_softmax(1)
        target = torch.tensor(_TF_TARGETS[n], device=device)
        alpha = ctc_alpha(log_probs, target, blank=5)
        assert alpha.shape == (5, 2 * len(target) + 1)
        for (t, s), value in _TF_ALPHA[n].items():
            assert alpha[t, s].item() == pytest.approx(value, abs=2e-5)
        # the backward recursion (a private helper) against Graves' β table
        l_prime = S._extended_labels(target[None], 5)
        emit = log_probs[:, None].gather(2, l_prime.expand(5, -1, -1))
        skip = S._skip_log_mask(l_prime, 5, torch.float64)
        end_mask = S._end_mask(torch.tensor([len(target)], device=device), l_prime.shape[1],
                               torch.float64)  # fmt: skip
        beta = S._beta_recursion(emit, skip, end_mask, torch.tensor([4], device=device))[:, 0]
        for (t, s), value in _TF_BETA[n].items():
            assert beta[t, s].item() == pytest.approx(value, abs=2e-5)
        # α_t(s) β̂_t(s) summed over s is p(l|x) at every frame
        log_p = torch.logsumexp(alpha + beta, dim=1)
        torch.testing.assert_close(log_p, torch.full_like(log_p, -_TF_LOSSES[n]), atol=2e-5,
                                   rtol=0)  # fmt: skip


# ---------------------------------------------------------------------------------------
# Gradients: gradcheck, NaN-free, zero_infinity, double backward
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck(device, reduction):
    T, N, C = 5, 3, 4
    # free log_probs (not normalised): gradcheck perturbs each entry on its own
    log_probs = torch.randn(T, N, C, dtype=torch.float64, device=device, requires_grad=True)
    targets = torch.tensor([[1, 1], [2, 3], [3, 0]], device=device)
    input_lengths = torch.tensor([5, 4, 2], device=device)
    target_lengths = torch.tensor([2, 2, 1], device=device)

    def fn(x):
        return ctc(x, targets, input_lengths, target_lengths, reduction=reduction)

    assert torch.autograd.gradcheck(fn, (log_probs,))


def test_gradcheck_with_zero_infinity(device):
    log_probs = torch.randn(4, 2, 3, dtype=torch.float64, device=device, requires_grad=True)
    targets = torch.tensor([[1, 2, 1], [2, 2, 0]], device=device)
    input_lengths = torch.tensor([2, 4], device=device)  # "1 2 1" cannot fit in 2 frames
    target_lengths = torch.tensor([3, 2], device=device)

    def fn(x):
        return ctc(x, targets, input_lengths, target_lengths, zero_infinity=True)

    assert torch.autograd.gradcheck(fn, (log_probs,))


def test_zero_infinity_zeroes_only_the_impossible_sequence(device):
    logits, targets, input_lengths, target_lengths = _ragged_batch(device)
    input_lengths = torch.tensor([9, 4, 6, 3, 4], device=device)  # sequence 1 impossible
    log_probs = logits.log_softmax(2).requires_grad_()
    args = (targets, input_lengths, target_lengths)
    plain = ctc(log_probs, *args, reduction="none")
    assert plain[1] == INF and torch.isfinite(plain[[0, 2, 3, 4]]).all()
    zeroed = ctc(log_probs, *args, reduction="none", zero_infinity=True)
    (grad,) = torch.autograd.grad(zeroed.sum(), log_probs)
    assert zeroed[1] == 0
    torch.testing.assert_close(zeroed[[0, 2, 3, 4]], plain[[0, 2, 3, 4]])
    assert (grad[:, 1] == 0).all() and torch.isfinite(grad).all()
    assert (grad[:, 0] != 0).any()


def test_gradients_nan_free_with_unreachable_states_and_zero_probabilities(device):
    # Tight lattice: "1 1 2 2" needs exactly 6 frames; most lattice states are unreachable
    # from the start or cannot reach the end, and several probabilities are exactly 0.
    T, C = 6, 4
    logits = torch.randn(T, 1, C, dtype=torch.float64, device=device)
    log_probs = logits.log_softmax(2)
    log_probs[1, 0, 3] = -INF  # a class never used: y = 0
    log_probs[2, 0, 2] = -INF  # a label the only path does not use at that frame
    log_probs[0, 0, 0] = -INF  # the blank at a frame where the path emits a label
    log_probs.requires_grad_()
    targets = torch.tensor([[1, 1, 2, 2]], device=device)
    lengths = (torch.tensor([T], device=device), torch.tensor([4], device=device))
    loss = ctc(log_probs, targets, *lengths, reduction="sum")
    (grad,) = torch.autograd.grad(loss, log_probs)
    assert torch.isfinite(loss)
    assert torch.isfinite(grad).all()
    # one path "1 ∅ 1 2 ∅ 2": gradient −1 on its symbols, 0 elsewhere (F.ctc_loss gives NaN
    # at the −inf entries, from exp(−inf − (−inf)))
    expected = torch.zeros_like(grad)
    for t, c in enumerate([1, 0, 1, 2, 0, 2]):
        expected[t, 0, c] = -1.0
    torch.testing.assert_close(grad, expected)


@pytest.mark.parametrize("scale", [1e2, 1e4])
def test_extreme_logits_finite(device, scale):
    logits = scale * torch.randn(8, 3, 5, dtype=torch.float64, device=device)
    logits.requires_grad_()
    targets = torch.tensor([[1, 2, 2], [3, 3, 3], [4, 1, 0]], device=device)
    input_lengths = torch.tensor([8, 8, 5], device=device)
    target_lengths = torch.tensor([3, 3, 2], device=device)
    loss = ctc(logits.log_softmax(2), targets, input_lengths, target_lengths, reduction="none")
    (grad,) = torch.autograd.grad(loss.sum(), logits)
    assert torch.isfinite(loss).all() and torch.isfinite(grad).all()
    ref = F.ctc_loss(logits.log_softmax(2), targets, input_lengths, target_lengths,
                     reduction="none")  # fmt: skip
    torch.testing.assert_close(loss, ref, rtol=1e-7, atol=1e-7 * scale)


def test_double_backward_raises(device):
    log_probs = torch.randn(4, 1, 3, dtype=torch.float64, device=device).log_softmax(2)
    log_probs.requires_grad_()
    one = torch.tensor([1], device=device)
    loss = ctc(log_probs, torch.tensor([[1]], device=device), one * 4, one)
    with pytest.raises(RuntimeError, match="first derivatives only"):
        torch.autograd.grad(loss, log_probs, create_graph=True)


def test_output_dtype_device_and_no_grad(device):
    log_probs = torch.randn(6, 2, 4, device=device).log_softmax(2)
    targets = torch.tensor([[1, 2], [3, 0]], device=device)
    lengths = (torch.tensor([6, 5]), torch.tensor([2, 1]))  # lengths on the CPU, as torch allows
    for reduction, shape in (("mean", ()), ("sum", ()), ("none", (2,))):
        loss = ctc(log_probs, targets, *lengths, reduction=reduction)
        assert loss.dtype == torch.float32 and loss.device == log_probs.device
        assert loss.shape == shape
    with torch.no_grad():
        assert torch.isfinite(ctc(log_probs, targets, *lengths))


# ---------------------------------------------------------------------------------------
# ctc_alpha and greedy_decode
# ---------------------------------------------------------------------------------------


def test_ctc_alpha_last_states_give_minus_the_loss(device):
    log_probs = torch.randn(7, 5, dtype=torch.float64, device=device).log_softmax(1)
    target = torch.tensor([2, 2, 3], device=device)
    alpha = ctc_alpha(log_probs, target)
    assert alpha.shape == (7, 7)
    loss = ctc(log_probs[:, None], target[None], [7], [3], reduction="sum")
    torch.testing.assert_close(torch.logsumexp(alpha[-1, -2:], dim=0), -loss)
    # the first frame can only be in the first blank or the first label
    assert torch.isinf(alpha[0, 2:]).all()
    # the empty target: one state, the all-blank path
    empty = ctc_alpha(log_probs, target[:0])
    assert empty.shape == (7, 1)
    torch.testing.assert_close(empty[-1, 0], log_probs[:, 0].sum())


def test_greedy_decode_hand_made(device):
    # frame argmaxes: ∅ 1 1 ∅ 1 2 2 ∅ 3 -> collapse repeats -> 1 ∅ 1 2 ∅ 3 -> drop blanks
    best = [0, 1, 1, 0, 1, 2, 2, 0, 3]
    log_probs = torch.full((len(best), 4), -5.0, device=device)
    log_probs[torch.arange(len(best)), best] = -0.1
    assert greedy_decode(log_probs) == [[1, 1, 2, 3]]
    batch = log_probs[:, None].repeat(1, 2, 1)
    assert greedy_decode(batch, input_lengths=[9, 4]) == [[1, 1, 2, 3], [1]]
    assert greedy_decode(batch, blank=1, input_lengths=[9, 3]) == [[0, 0, 2, 0, 3], [0]]


def test_greedy_decode_tensorflow_vector():
    # tensorflow/tensorflow, tensorflow/python/kernel_tests/nn_ops/ctc_decoder_ops_test.py,
    # CTCGreedyDecoderTest.testCTCGreedyDecoder: blank is the last class (3 of 4).
    probs_0 = [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.4, 0.6], [0.0, 0.0, 0.4, 0.6],
               [0.0, 0.9, 0.1, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]  # fmt: skip
    probs_1 = [[0.1, 0.9, 0.0, 0.0], [0.0, 0.9, 0.1, 0.0], [0.0, 0.0, 0.1, 0.9],
               [0.0, 0.9, 0.1, 0.1], [0.9, 0.1, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]  # fmt: skip
    log_probs = torch.tensor([probs_0, probs_1]).log().transpose(0, 1)  # (6, 2, 4)
    expected = [[0, 1], [1, 1, 0]]
    assert greedy_decode(log_probs, blank=3, input_lengths=torch.tensor([4, 5])) == expected
    # the same with the blank moved to index 2 (as the TensorFlow test does)
    shifted = torch.cat([log_probs[..., :2], log_probs[..., 3:], log_probs[..., 2:3]], dim=2)
    assert greedy_decode(shifted, blank=2, input_lengths=[4, 5]) == expected


# ---------------------------------------------------------------------------------------
# Bad input: clear errors
# ---------------------------------------------------------------------------------------
# ctc's own table below (one test id per case); ctc_alpha's and greedy_decode's are rows of
# the matrix, tests/bad_inputs.py.


def _valid():
    log_probs = torch.randn(6, 2, 5).log_softmax(2)
    targets = torch.tensor([[1, 2, 3], [4, 4, 0]])
    return log_probs, targets, torch.tensor([6, 5]), torch.tensor([3, 2])


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (dict(log_probs=[[0.0]]), TypeError, "log_probs must be a torch.Tensor"),
        (dict(log_probs=torch.zeros(6, 2, 5, dtype=torch.long)), TypeError, "floating-point"),
        (dict(log_probs=torch.zeros(6, 5)), ValueError, r"log_probs must be \(T, N, C\)"),
        (dict(log_probs=torch.zeros(0, 2, 5)), ValueError, "log_probs must not be empty"),
        (dict(targets=torch.tensor([[1.0, 2.0, 3.0]] * 2)), TypeError, "targets must hold int"),
        (dict(targets=torch.ones(2, 3, 1, dtype=torch.long)), ValueError, "targets must be"),
        (dict(targets=torch.ones(3, 3, dtype=torch.long)), ValueError, r"targets must have shape \(N, S\) with N=2"),
        (dict(targets=torch.tensor([[1, 2, 7], [4, 4, 0]])), ValueError, r"label indices in \[0, 4\], got values in \[1, 7\]"),
        (dict(targets=torch.tensor([[1, -1, 3], [4, 4, 0]])), ValueError, r"label indices in \[0, 4\]"),
        (dict(targets=torch.tensor([[1, 0, 3], [4, 4, 0]])), ValueError, "must not contain the blank index 0"),
        (dict(targets=torch.tensor([1, 2, 3, 4])), ValueError, r"sum\(target_lengths\)=5 entries"),
        (dict(input_lengths=torch.tensor([6.0, 5.0])), TypeError, "input_lengths must have an integer dtype"),
        (dict(input_lengths=torch.tensor([6, 5, 4])), ValueError, r"input_lengths must have shape \(2,\)"),
        (dict(input_lengths=torch.tensor([6, -1])), ValueError, "input_lengths must be non-negative"),
        (dict(input_lengths=torch.tensor([7, 5])), ValueError, r"input_lengths must be <= T=6 \(log_probs' first dimension\), got 7"),
        (dict(input_lengths=6), TypeError, "input_lengths must be an integer torch.Tensor"),
        (dict(input_lengths=[6, 5.0]), TypeError, "input_lengths must hold integers"),
        (dict(target_lengths=torch.tensor([3, -2])), ValueError, "target_lengths must be non-negative"),
        (dict(target_lengths=torch.tensor([4, 2])), ValueError, r"target_lengths must be <= S=3"),
        (dict(target_lengths=torch.tensor([[3, 2]])), ValueError, r"target_lengths must have shape \(2,\)"),
        (dict(blank=5), ValueError, r"blank must be a class index in \[0, 4\]"),
        (dict(blank=-1), ValueError, "blank must be a class index"),
        (dict(blank=1.0), TypeError, "blank must be an int"),
        (dict(reduction="batchmean"), ValueError, "reduction must be one of"),
        (dict(zero_infinity=1), TypeError, "zero_infinity must be a bool"),
    ],
)  # fmt: skip
def test_bad_input(change, error, match):
    log_probs, targets, input_lengths, target_lengths = _valid()
    args = dict(
        log_probs=log_probs,
        targets=targets,
        input_lengths=input_lengths,
        target_lengths=target_lengths,
    )
    keywords = ("blank", "reduction", "zero_infinity")
    kwargs = {k: v for k, v in change.items() if k in keywords}
    args.update({k: v for k, v in change.items() if k not in keywords})
    with pytest.raises(error, match=match):
        ctc(*args.values(), **kwargs)
