"""Loss-landscape tools: filter normalisation, slices, interpolation and Hessian sharpness.

References: slices are compared with an independent evaluation through
``torch.func.functional_call`` (no in-place parameter moves); filter norms with a
plain loop; sharpness with the eigenvalues of the dense Hessian from
``torch.autograd.functional.hessian`` and of explicit quadratics.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn
from torch.func import functional_call

from lossbook import landscape as LS
from lossbook.regression import mse


def relu_mlp(device, dtype=torch.float64) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 1)
    ).to(device=device, dtype=dtype)


def tanh_mlp(device, dtype=torch.float64) -> nn.Sequential:
    # 3*5 + 5 + 5*1 + 1 = 26 parameters: small enough for a dense Hessian.
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1)).to(device=device, dtype=dtype)


def data(device, n=32, d_in=4, dtype=torch.float64):
    x = torch.randn(n, d_in, dtype=dtype, device=device)
    y = torch.randn(n, 1, dtype=dtype, device=device)
    return x, y


def snapshot(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def assert_bitwise_equal(model: nn.Module, saved: list[torch.Tensor]) -> None:
    for p, s in zip(model.parameters(), saved, strict=True):
        assert torch.equal(p.detach(), s)
        assert p.dtype == s.dtype and p.device == s.device


def functional_loss(model, x, y, theta):
    """The loss at parameters ``theta`` without touching ``model``'s own parameters."""
    names = [n for n, _ in model.named_parameters()]
    return mse(functional_call(model, dict(zip(names, theta, strict=True)), (x,)), y)


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- directions -----------------------------------------------------------------------------------
def test_filter_normalised_direction_matches_loop_reference(device):
    # The paper's own code does the same (github.com/tomgoldstein/loss-landscape,
    # net_plotter.py: normalize_direction with norm="filter" and ignore="biasbn"): each
    # filter d_i times ||w_i|| / (||d_i|| + 1e-10), and parameters with dim <= 1 zeroed.
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 6 * 6, 5)
    ).to(device)
    d = LS.random_direction(model, generator=seeded(0))
    for p, di in zip(model.parameters(), d, strict=True):
        assert di.shape == p.shape and di.dtype == p.dtype and di.device == p.device
        w = p.detach().cpu().double().numpy()
        dn = di.cpu().double().numpy()
        if w.ndim <= 1:
            assert np.all(dn == 0.0)  # biases and BatchNorm's weight/bias: zero
            continue
        for i in range(w.shape[0]):  # each filter / output unit
            np.testing.assert_allclose(
                np.sqrt(np.sum(dn[i] ** 2)), np.sqrt(np.sum(w[i] ** 2)), rtol=1e-5
            )


def test_plain_direction_is_the_gaussian_draw():
    model = relu_mlp("cpu")
    d = LS.random_direction(model, filter_normalize=False, generator=seeded(3))
    g = seeded(3)
    expected = [torch.randn(p.shape, generator=g, dtype=p.dtype) for p in model.parameters()]
    for a, b in zip(d, expected, strict=True):
        assert torch.equal(a, b)
    assert all(bool((di != 0).any()) for di in d)  # biases move too


def test_direction_is_reproducible_with_a_generator():
    model = relu_mlp("cpu")
    a = LS.random_direction(model, generator=seeded(7))
    b = LS.random_direction(model, generator=seeded(7))
    c = LS.random_direction(model, generator=seeded(8))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(a, c, strict=True))


# --- scale invariance (the reason for filter normalisation) ---------------------------------------
def rescaled(model: nn.Sequential, c: float) -> nn.Sequential:
    """Layer 0's weight and bias times c, layer 2's weight times 1/c: the same ReLU function."""
    other = copy.deepcopy(model)
    with torch.no_grad():
        other[0].weight.mul_(c)
        other[0].bias.mul_(c)
        other[2].weight.div_(c)
    return other


@pytest.mark.parametrize("c", [0.2, 5.0])
def test_filter_normalised_slice_is_scale_invariant(c, device):
    model = relu_mlp(device)
    other = rescaled(model, c)
    x, y = data(device)
    torch.testing.assert_close(other(x), model(x), rtol=1e-12, atol=1e-12)  # same function

    def loss_fn(m):
        return mse(m(x), y)

    alphas = torch.linspace(-1.0, 1.0, 11)
    normalised = [
        LS.slice_1d(m, loss_fn, LS.random_direction(m, generator=seeded(1)), alphas)
        for m in (model, other)
    ]
    torch.testing.assert_close(normalised[0], normalised[1], rtol=1e-9, atol=1e-12)

    plain = [
        LS.slice_1d(
            m, loss_fn, LS.random_direction(m, filter_normalize=False, generator=seeded(1)), alphas
        )
        for m in (model, other)
    ]
    torch.testing.assert_close(plain[0][5], plain[1][5])  # alpha = 0: the same function
    gap = (plain[0] - plain[1]).abs().max() / plain[0].abs().max()
    assert gap > 0.05  # the plain picture depends on the (function-preserving) scale


# --- slices against an independent functional evaluation ------------------------------------------
def test_slice_1d_matches_functional_reference(device):
    model = relu_mlp(device)
    x, y = data(device)
    d = LS.random_direction(model, generator=seeded(2))
    alphas = [-0.5, -0.1, 0.0, 0.3, 1.0]
    got = LS.slice_1d(model, lambda m: mse(m(x), y), d, alphas)
    theta = snapshot(model)
    want = torch.stack(
        [
            functional_loss(model, x, y, [t + a * di for t, di in zip(theta, d, strict=True)])
            for a in alphas
        ]
    )
    assert got.shape == (5,) and got.dtype == torch.float64 and got.device.type == device.type
    torch.testing.assert_close(got, want.detach(), rtol=1e-12, atol=1e-14)
    assert not got.requires_grad


def test_slice_2d_matches_functional_reference(device):
    model = relu_mlp(device)
    x, y = data(device)
    d1 = LS.random_direction(model, generator=seeded(4))
    d2 = LS.random_direction(model, generator=seeded(5))
    alphas, betas = [-0.4, 0.0, 0.5], [-0.2, 0.0, 0.1, 0.7]
    got = LS.slice_2d(model, lambda m: mse(m(x), y), d1, d2, alphas, betas)
    theta = snapshot(model)
    assert got.shape == (3, 4)
    for i, a in enumerate(alphas):
        for j, b in enumerate(betas):
            moved = [t + a * u + b * v for t, u, v in zip(theta, d1, d2, strict=True)]
            want = functional_loss(model, x, y, moved).detach()
            torch.testing.assert_close(got[i, j], want, rtol=1e-12, atol=1e-14)


def test_slices_at_zero_equal_the_loss_at_the_weights(device):
    model = relu_mlp(device)
    x, y = data(device)
    at_weights = mse(model(x), y).detach()
    d1 = LS.random_direction(model, generator=seeded(6))
    d2 = LS.random_direction(model, generator=seeded(9))
    assert torch.equal(LS.slice_1d(model, lambda m: mse(m(x), y), d1, [0.0])[0], at_weights)
    grid = LS.slice_2d(model, lambda m: mse(m(x), y), d1, d2, [0.0, 1.0], [0.0])
    assert torch.equal(grid[0, 0], at_weights)


def test_slice_accepts_a_tensor_of_alphas_and_a_python_float_loss():
    model = relu_mlp("cpu")
    x, y = data("cpu")
    d = LS.random_direction(model, generator=seeded(0))
    a = LS.slice_1d(model, lambda m: mse(m(x), y), d, torch.tensor([0.0, 0.5]))
    b = LS.slice_1d(model, lambda m: mse(m(x), y), tuple(d), np.array([0.0, 0.5]))
    assert torch.equal(a, b)


# --- the model is never changed -------------------------------------------------------------------
def test_model_is_not_mutated(device):
    model = tanh_mlp(device)
    x, y = data(device, d_in=3)
    saved = snapshot(model)
    d1 = LS.random_direction(model, generator=seeded(0))
    d2 = LS.random_direction(model, generator=seeded(1))

    def loss_fn(m):
        return mse(m(x), y)

    LS.slice_1d(model, loss_fn, d1, torch.linspace(-2, 2, 7))
    assert_bitwise_equal(model, saved)
    LS.slice_2d(model, loss_fn, d1, d2, [-1.0, 0.5], [0.3, 2.0])
    assert_bitwise_equal(model, saved)
    LS.interpolate(model, loss_fn, [t + 1.0 for t in saved], [t - 1.0 for t in saved], [0.5, 2.0])
    assert_bitwise_equal(model, saved)
    LS.sharpness(model, loss_fn, iterations=5)
    assert_bitwise_equal(model, saved)
    assert all(p.grad is None for p in model.parameters())  # sharpness leaves .grad alone


def test_model_is_restored_after_an_exception_in_loss_fn():
    model = tanh_mlp("cpu")
    x, y = data("cpu", d_in=3)
    saved = snapshot(model)
    d = LS.random_direction(model, generator=seeded(0))
    calls = []

    def failing(m):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("data loader broke")
        return mse(m(x), y)

    with pytest.raises(RuntimeError, match="data loader broke"):
        LS.slice_1d(model, failing, d, [0.1, 0.2, 0.3, 0.4])
    assert_bitwise_equal(model, saved)
    calls.clear()
    with pytest.raises(RuntimeError, match="data loader broke"):
        LS.slice_2d(model, failing, d, d, [0.1, 0.2], [0.3, 0.4])
    assert_bitwise_equal(model, saved)
    calls.clear()
    with pytest.raises(RuntimeError, match="data loader broke"):
        LS.interpolate(model, failing, d, saved, [0.1, 0.2, 0.3])
    assert_bitwise_equal(model, saved)


# --- interpolation --------------------------------------------------------------------------------
def test_interpolate_endpoints_and_midpoint(device):
    model = tanh_mlp(device)
    x, y = data(device, d_in=3)
    theta_a = [torch.randn_like(p) for p in model.parameters()]
    theta_b = [torch.randn_like(p) for p in model.parameters()]
    got = LS.interpolate(model, lambda m: mse(m(x), y), theta_a, theta_b, [0.0, 0.25, 1.0])
    ref = [
        functional_loss(
            model, x, y, [(1 - a) * ta + a * tb for ta, tb in zip(theta_a, theta_b, strict=True)]
        )
        for a in (0.0, 0.25, 1.0)
    ]
    assert torch.equal(got[0], functional_loss(model, x, y, theta_a).detach())
    assert torch.equal(got[2], functional_loss(model, x, y, theta_b).detach())
    torch.testing.assert_close(got, torch.stack(ref).detach(), rtol=1e-12, atol=1e-14)


def test_interpolate_accepts_state_dicts_and_get_set_round_trip():
    model = tanh_mlp("cpu")
    x, y = data("cpu", d_in=3)
    other = tanh_mlp("cpu")  # a second initialisation
    as_lists = LS.interpolate(
        model, lambda m: mse(m(x), y), LS.get_parameters(model), LS.get_parameters(other), [0.5]
    )
    as_dicts = LS.interpolate(
        model, lambda m: mse(m(x), y), model.state_dict(), other.state_dict(), [0.5]
    )
    assert torch.equal(as_lists, as_dicts)
    LS.set_parameters(model, other.state_dict())
    assert_bitwise_equal(model, snapshot(other))


# --- sharpness ------------------------------------------------------------------------------------
def dense_hessian(model, x, y):
    names = [n for n, _ in model.named_parameters()]
    shapes = [p.shape for p in model.parameters()]
    flat = torch.cat([p.detach().flatten() for p in model.parameters()])

    def loss_of_flat(w):
        params, i = {}, 0
        for name, shape in zip(names, shapes, strict=True):
            params[name] = w[i : i + shape.numel()].view(shape)
            i += shape.numel()
        return mse(functional_call(model, params, (x,)), y)

    return torch.autograd.functional.hessian(loss_of_flat, flat)


def test_sharpness_matches_the_dense_hessian(device):
    model = tanh_mlp(device)
    x, y = data(device, n=20, d_in=3)
    eigenvalues = torch.linalg.eigvalsh(dense_hessian(model, x, y))
    top = eigenvalues[eigenvalues.abs().argmax()].item()
    second = eigenvalues.abs().sort().values[-2].item()
    assert abs(second) < 0.8 * abs(top)  # a clear gap, so power iteration converges
    got, vector = LS.sharpness(
        model, lambda m: mse(m(x), y), iterations=500, tol=1e-12, return_vector=True
    )
    assert got == pytest.approx(top, rel=1e-8)
    # The returned vector is a unit eigenvector: H v = lambda v.
    v = torch.cat([t.flatten() for t in vector])
    h = dense_hessian(model, x, y)
    torch.testing.assert_close(v.norm(), torch.tensor(1.0, dtype=v.dtype, device=device))
    torch.testing.assert_close(h @ v, top * v, rtol=0, atol=1e-6)


class Quadratic(nn.Module):
    """L(w) = ½ wᵀ A w: its Hessian is A everywhere."""

    def __init__(self, eigenvalues, seed=0):
        super().__init__()
        g = seeded(seed)
        n = len(eigenvalues)
        q, _ = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))
        self.register_buffer("a", q @ torch.diag(torch.tensor(eigenvalues).double()) @ q.T)
        self.w = nn.Parameter(torch.randn(n, generator=g, dtype=torch.float64))

    def forward(self):
        return 0.5 * self.w @ self.a @ self.w


@pytest.mark.parametrize(
    ("eigenvalues", "expected"),
    [
        ([10.0, 3.0, 1.0, 0.5, -0.2], 10.0),
        ([2.0, 1.0, 0.1, -6.0], -6.0),  # power iteration finds the largest *magnitude*
    ],
    ids=["near-minimum", "saddle"],
)
def test_sharpness_on_quadratics(eigenvalues, expected):
    model = Quadratic(eigenvalues)
    got = LS.sharpness(model, lambda m: m(), iterations=200, tol=1e-12, generator=seeded(0))
    assert got == pytest.approx(expected, rel=1e-9)


def test_sharpness_ignores_frozen_parameters():
    model = tanh_mlp("cpu")
    x, y = data("cpu", d_in=3)
    model[0].weight.requires_grad_(False)
    got = LS.sharpness(model, lambda m: mse(m(x), y), iterations=1, return_vector=True)
    assert len(got[1]) == 3  # bias of layer 0, weight and bias of layer 2


# --- bad inputs -----------------------------------------------------------------------------------
def test_bad_inputs():
    model = relu_mlp("cpu")
    x, y = data("cpu")

    def loss_fn(m):
        return mse(m(x), y)

    d = LS.random_direction(model, generator=seeded(0))
    with pytest.raises(
        ValueError, match=r"direction must hold one tensor per parameter .*6.*got 5"
    ):
        LS.slice_1d(model, loss_fn, d[:-1], [0.0])
    wrong = [*d[:-1], torch.zeros(2, 2, dtype=torch.float64)]
    with pytest.raises(
        ValueError, match=r"direction\[5\] must have the shape of parameter '4.bias'"
    ):
        LS.slice_1d(model, loss_fn, wrong, [0.0])
    with pytest.raises(ValueError, match=r"d2\[0\] must have the shape"):
        LS.slice_2d(model, loss_fn, d, [t.reshape(-1) for t in d], [0.0], [0.0])
    with pytest.raises(TypeError, match="direction must be a list of tensors"):
        LS.slice_1d(model, loss_fn, torch.zeros(3), [0.0])
    with pytest.raises(TypeError, match=r"direction\[0\] must be a torch.Tensor"):
        LS.slice_1d(model, loss_fn, [np.zeros((8, 4)), *d[1:]], [0.0])
    with pytest.raises(ValueError, match="alphas must be a non-empty 1-D sequence"):
        LS.slice_1d(model, loss_fn, d, [])
    with pytest.raises(ValueError, match="betas must be a non-empty 1-D sequence"):
        LS.slice_2d(model, loss_fn, d, d, [0.0], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="alphas must hold finite numbers"):
        LS.slice_1d(model, loss_fn, d, [0.0, float("nan")])
    with pytest.raises(TypeError, match="alphas must be a 1-D sequence or tensor of numbers"):
        LS.slice_1d(model, loss_fn, d, ["a"])
    with pytest.raises(
        ValueError, match=r"loss_fn\(model\) must return a scalar tensor, got \(32, 1\)"
    ):
        LS.slice_1d(model, lambda m: (m(x) - y) ** 2, d, [0.0])
    with pytest.raises(
        ValueError, match=r"loss_fn\(model\) must return a scalar tensor, got float"
    ):
        LS.slice_1d(model, lambda m: 1.0, d, [0.0])
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got list"):
        LS.random_direction([torch.zeros(2)])
    with pytest.raises(ValueError, match="model must have at least one parameter"):
        LS.random_direction(nn.ReLU())
    with pytest.raises(ValueError, match=r"theta_b is missing parameters \['0.weight'"):
        LS.interpolate(model, loss_fn, d, {"4.bias": d[-1]}, [0.5])
    with pytest.raises(ValueError, match="iterations must be an integer >= 1, got 0"):
        LS.sharpness(model, loss_fn, iterations=0)
    with pytest.raises(ValueError, match="tol must be a finite number > 0"):
        LS.sharpness(model, loss_fn, tol=-1.0)
    with pytest.raises(ValueError, match="must depend on the model's parameters"):
        LS.sharpness(model, lambda m: torch.tensor(1.0))
    frozen = relu_mlp("cpu").requires_grad_(False)
    with pytest.raises(ValueError, match="requires_grad=True"):
        LS.sharpness(frozen, loss_fn)
