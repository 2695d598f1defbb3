"""Tests for lossbook.regularization: l1_penalty, l2_penalty and elastic_net_penalty.

References: float64 NumPy transcriptions (plain loops over every weight), and
torch.optim.SGD's ``weight_decay``, which must equal adding ``(λ/2)·l2_penalty``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.autograd import gradcheck

from lossbook.regularization import elastic_net_penalty, l1_penalty, l2_penalty


def np_l1(tensors) -> float:
    return sum(abs(float(v)) for t in tensors for v in np.asarray(t, dtype=np.float64).ravel())


def np_l2(tensors) -> float:
    return sum(float(v) ** 2 for t in tensors for v in np.asarray(t, dtype=np.float64).ravel())


def small_model(device) -> nn.Module:
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).double().to(device)


def detached(module: nn.Module) -> list[np.ndarray]:
    return [p.detach().cpu().numpy() for p in module.parameters()]


# ---------------------------------------------------------------- values


def test_module_matches_numpy(device):
    model = small_model(device)
    weights = detached(model)
    assert l1_penalty(model).item() == pytest.approx(np_l1(weights), rel=1e-12)
    assert l2_penalty(model).item() == pytest.approx(np_l2(weights), rel=1e-12)
    assert elastic_net_penalty(model, l1=0.3, l2=0.05).item() == pytest.approx(
        0.3 * np_l1(weights) + 0.05 * np_l2(weights), rel=1e-12
    )


def test_iterables_and_single_tensor(device):
    a = torch.tensor([[1.0, -2.0], [3.0, -4.0]], device=device)
    b = torch.tensor([0.5, -0.5], device=device)
    assert l1_penalty([a, b]).item() == pytest.approx(11.0)
    assert l2_penalty((a, b)).item() == pytest.approx(30.5)  # no ½: 1 + 4 + 9 + 16 + ¼ + ¼
    assert l1_penalty(a).item() == pytest.approx(10.0)
    assert l2_penalty(torch.tensor(3.0, device=device)).item() == pytest.approx(9.0)  # 0-d
    assert l1_penalty(t for t in [a, b]).item() == pytest.approx(11.0)  # a generator


def test_elastic_net_reads_a_generator_once(device):
    model = small_model(device)
    weights = detached(model)
    out = elastic_net_penalty(model.parameters(), l1=2.0, l2=3.0)
    assert out.item() == pytest.approx(2.0 * np_l1(weights) + 3.0 * np_l2(weights), rel=1e-12)


def test_elastic_net_limits(device):
    model = small_model(device)
    torch.testing.assert_close(elastic_net_penalty(model, l1=0.0, l2=1.0), l2_penalty(model))
    torch.testing.assert_close(elastic_net_penalty(model, l1=1.0, l2=0.0), l1_penalty(model))
    assert elastic_net_penalty(model, l1=0.0, l2=0.0).item() == 0.0


def test_keeps_dtype_and_device(device):
    w = torch.randn(3, device=device)
    for fn in (l1_penalty, l2_penalty, elastic_net_penalty):
        out = fn([w])
        assert out.dtype == torch.float32 and out.device.type == device.type and out.dim() == 0
    assert l2_penalty([w.double()]).dtype == torch.float64


def test_extremes_finite(device):
    w = torch.tensor([1e4, -1e4, 0.0], device=device, requires_grad=True)
    for fn in (l1_penalty, l2_penalty, elastic_net_penalty):
        out = fn([w])
        (grad,) = torch.autograd.grad(out, w)
        assert torch.isfinite(out) and torch.isfinite(grad).all()


def test_nan_propagates(device):
    w = torch.tensor([1.0, math.nan], device=device)
    assert torch.isnan(l1_penalty(w)) and torch.isnan(l2_penalty(w))


# ---------------------------------------------------------------- gradients


def test_gradients_are_sign_and_two_w(device):
    w = torch.tensor([-2.0, 0.0, 0.5], dtype=torch.float64, device=device, requires_grad=True)
    (g1,) = torch.autograd.grad(l1_penalty([w]), w)
    (g2,) = torch.autograd.grad(l2_penalty([w]), w)
    (ge,) = torch.autograd.grad(elastic_net_penalty([w], l1=0.5, l2=2.0), w)
    torch.testing.assert_close(
        g1, torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64, device=device)
    )
    torch.testing.assert_close(g2, 2.0 * w.detach())
    torch.testing.assert_close(ge, 0.5 * g1 + 2.0 * g2)


def test_half_l2_gradient_is_weight_decay(device):
    lam = 0.1
    model = small_model(device)
    ((lam / 2) * l2_penalty(model)).backward()
    for p in model.parameters():
        torch.testing.assert_close(p.grad, lam * p.detach())


def test_sgd_weight_decay_equals_half_l2_penalty(device):
    lam, lr = 0.05, 0.1
    x = torch.randn(8, 4, dtype=torch.float64, device=device)
    y = torch.randn(8, 2, dtype=torch.float64, device=device)
    decayed = small_model(device)
    penalised = small_model(device)
    penalised.load_state_dict(decayed.state_dict())

    opt_decay = torch.optim.SGD(decayed.parameters(), lr=lr, weight_decay=lam)
    opt_plain = torch.optim.SGD(penalised.parameters(), lr=lr)
    for _ in range(3):
        opt_decay.zero_grad()
        nn.functional.mse_loss(decayed(x), y).backward()
        opt_decay.step()

        opt_plain.zero_grad()
        loss = nn.functional.mse_loss(penalised(x), y) + (lam / 2) * l2_penalty(penalised)
        loss.backward()
        opt_plain.step()
    for a, b in zip(decayed.parameters(), penalised.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_gradcheck(device):
    # Away from w = 0, where |w| has no derivative.
    a = torch.tensor([[0.7, -1.3], [2.1, -0.4]], dtype=torch.float64, device=device)
    b = torch.tensor([-0.9, 1.6], dtype=torch.float64, device=device)
    a.requires_grad_(True)
    b.requires_grad_(True)
    assert gradcheck(lambda u, v: l1_penalty([u, v]), (a, b))
    assert gradcheck(lambda u, v: l2_penalty([u, v]), (a, b))
    assert gradcheck(lambda u, v: elastic_net_penalty([u, v], l1=0.3, l2=0.7), (a, b))


# ---------------------------------------------------------------- bad input
# Bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).


def test_mixed_devices_refused():
    # The "meta" device (shapes without data) stands in for a second device on CPU-only machines.
    with pytest.raises(ValueError, match=r"same device, got \['cpu', 'meta'\]"):
        l1_penalty([torch.zeros(2), torch.zeros(2, device="meta")])
