"""Simulated training runs that show each loss-curve pattern of :mod:`lossbook.curves`.

Every run is a real (tiny) training run: the two-moons data set classified by a small
tanh network with full-batch steps, or, for ``drops_then_plateaus``, a deep linear-like
network regressing two modes learned at different speeds. Deterministic and the same on
every processor (float64, the initialisation of :func:`mlp`, the weights rounded after
every step by :func:`snap_parameters`). :func:`lossbook.curves.diagnose` reads them back.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["mlp", "simulate", "snap_parameters", "two_modes", "two_moons"]


def two_moons(
    n: int, generator: torch.Generator, *, noise: float = 0.15, flip: float = 0.0
) -> tuple[Tensor, Tensor]:
    """The two-moons toy data set (two interleaved half circles), standardised, float64.

    ``flip`` is the fraction of labels flipped (label noise). Returns ``x`` (n, 2) and the
    labels ``y`` (n,).
    """
    y = torch.randint(0, 2, (n,), generator=generator)
    t = torch.rand(n, generator=generator, dtype=torch.float64) * math.pi
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1.0 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    x = torch.where(y[:, None] == 0, upper, lower)
    x = x + noise * torch.randn(n, 2, generator=generator, dtype=torch.float64)
    x = (x - torch.tensor([0.5, 0.25], dtype=torch.float64)) / torch.tensor(
        [0.87, 0.5], dtype=torch.float64
    )
    if flip > 0:  # label noise: flip a fraction of the labels
        flipped = torch.rand(n, generator=generator) < flip
        y = torch.where(flipped, 1 - y, y)
    return x, y


def two_modes(n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """A linear regression task with two modes of equal loss learned at speeds 6x apart, float64.

    Input 0 (spread 1.5) maps to output 0 with gain 1, input 1 (spread 1/4) to output 1 with
    gain 6: each carries the same loss, but the second mode's input-output correlation is
    6x weaker, so a deep network started near zero learns it much later -- two drops with a
    plateau between (Saxe et al. 2014). Returns ``x`` (n, 4) and the targets ``y`` (n, 4).
    """
    spread = torch.tensor([1.5, 0.25, 0.0, 0.0], dtype=torch.float64)
    gain = torch.tensor([1.0, 6.0, 0.0, 0.0], dtype=torch.float64)
    x = torch.randn(n, 4, generator=generator, dtype=torch.float64) * spread
    return x, x * gain


def mlp(*widths: int) -> nn.Sequential:
    """A float64 tanh MLP with the given layer widths, initialised the same on every CPU.

    The initialisation is PyTorch's default for ``nn.Linear`` (uniform in ±1/√fan_in, weights
    then bias, layer by layer), drawn as float32 uniforms and scaled in float64: torch's own
    ``uniform_`` rounds differently on different processors (fused or separate multiply-add).
    """
    layers: list[nn.Module] = []
    for fan_in, fan_out in itertools.pairwise(widths):
        linear = nn.Linear(fan_in, fan_out, dtype=torch.float64, device="meta")
        bound = 1.0 / math.sqrt(fan_in)
        weight = (torch.rand(fan_out, fan_in).double() * 2 - 1) * bound
        bias = (torch.rand(fan_out).double() * 2 - 1) * bound
        linear.weight = nn.Parameter(weight)
        linear.bias = nn.Parameter(bias)
        layers += [linear, nn.Tanh()]
    return nn.Sequential(*layers[:-1])


@torch.no_grad()
def snap_parameters(model: nn.Module, lr: float) -> None:
    """Round every parameter to a multiple of ``lr * 2**-20`` (a millionth of a step).

    Processors differ in the last bit of tanh and exp, and some runs (lr_too_high above all)
    are chaotic: without the rounding those last bits grow into a visibly different curve,
    and the book's printed numbers would depend on the CPU.
    """
    grid = lr * 2.0**-20
    for parameter in model.parameters():
        parameter.copy_(torch.round(parameter / grid) * grid)


def simulate(
    pattern: str, *, seed: int = 0, epochs: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Train a tiny classifier so that its loss curves show ``pattern``; return both curves.

    Every run classifies the two-moons data set (2-D points, two classes) with
    cross-entropy and full-batch gradient steps; one epoch is one step, and the
    losses are measured after each step on the whole training and validation
    sets. The settings that produce each pattern:

    ======================== =========================================================
    ``healthy``              MLP 2-16-16-2 (tanh), Adam lr 0.01, 300 training and 300
                             validation points, 150 epochs
    ``overfitting``          MLP 2-32-32-2, Adam lr 0.01, only 30 training points with
                             15% of labels flipped: it memorises the flipped labels
    ``underfitting``         a linear classifier (logistic regression, zero init) on
                             data a straight line cannot separate, Adam lr 0.05
    ``lr_too_high``          the healthy MLP with plain SGD at lr 30: the loss bounces
    ``plateau``              the healthy MLP with plain SGD at lr 5e-4: it barely moves
    ``noisy_validation``     the healthy run, validated each epoch on a fresh random
                             batch of only 8 points
    ``drops_then_plateaus``  the exception to two moons: a 4-4-4 tanh network started
                             at 2% of its usual initialisation (near the saddle at the
                             origin) regresses :func:`two_modes` with the mean squared
                             error, SGD lr 0.3: it learns one mode, sits on a plateau,
                             then learns the second
    ======================== =========================================================

    Each run takes well under a second on a CPU. Deterministic for a given
    ``seed`` (data, initialisation, validation batches), and the same on every
    processor: the parameters are rounded to a multiple of lr·2⁻²⁰ (a
    millionth of a step) after every step, so that last-bit differences between
    CPUs' tanh or exp cannot grow through a chaotic run. The global random state and torch's thread count are
    restored afterwards.

    Args:
        pattern: one of :data:`PATTERNS`.
        seed: the random seed.
        epochs: the number of epochs (default 150), at least :data:`MIN_LENGTH`.

    Returns:
        ``(train_losses, val_losses)``, two float64 NumPy arrays of length ``epochs``.
    """
    from lossbook.curves import MIN_LENGTH, PATTERNS  # here: curves re-exports this module

    if pattern not in PATTERNS:
        raise ValueError(f"pattern must be one of {PATTERNS}, got {pattern!r}")
    if epochs is None:
        epochs = 150
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < MIN_LENGTH:
        raise ValueError(f"epochs must be an integer >= {MIN_LENGTH}, got {epochs!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")

    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)  # tiny matrices: threads only add overhead
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)  # the layers' default initialisation
            return _run(pattern, seed, epochs)
    finally:
        torch.set_num_threads(threads)


def _run(pattern: str, seed: int, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    g = torch.Generator().manual_seed(seed)
    if pattern == "drops_then_plateaus":
        return _stagewise(g, epochs)
    n_train = 30 if pattern == "overfitting" else 300
    flip = 0.15 if pattern == "overfitting" else 0.0
    x, y = two_moons(n_train, g, flip=flip)
    x_val, y_val = two_moons(300, g, flip=flip)

    if pattern == "overfitting":
        model = mlp(2, 32, 32, 2)
    elif pattern == "underfitting":
        model = mlp(2, 2)
        first_layer = model[0]
        assert isinstance(first_layer, nn.Linear)
        nn.init.zeros_(first_layer.weight)
        nn.init.zeros_(first_layer.bias)
    else:
        model = mlp(2, 16, 16, 2)

    optimiser: torch.optim.Optimizer
    if pattern == "lr_too_high":
        optimiser = torch.optim.SGD(model.parameters(), lr=30.0)
    elif pattern == "plateau":
        optimiser = torch.optim.SGD(model.parameters(), lr=5e-4)
    elif pattern == "underfitting":
        optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    else:
        optimiser = torch.optim.Adam(model.parameters(), lr=0.01)

    lr = optimiser.param_groups[0]["lr"]
    train_losses, val_losses = [], []
    snap_parameters(model, lr)
    for _ in range(epochs):
        optimiser.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimiser.step()
        snap_parameters(model, lr)
        with torch.no_grad():
            train_losses.append(F.cross_entropy(model(x), y).item())
            if pattern == "noisy_validation":  # a fresh, tiny validation batch each epoch
                batch = torch.randint(0, x_val.shape[0], (8,), generator=g)
                val_losses.append(F.cross_entropy(model(x_val[batch]), y_val[batch]).item())
            else:
                val_losses.append(F.cross_entropy(model(x_val), y_val).item())
    return np.array(train_losses), np.array(val_losses)


def _stagewise(g: torch.Generator, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """A 4-4-4 tanh network, scaled to 2% of its initialisation, on :func:`two_modes`."""
    x, y = two_modes(300, g)
    x_val, y_val = two_modes(300, g)
    model = mlp(4, 4, 4)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(0.02)  # near zero: near the saddle at the origin
    optimiser = torch.optim.SGD(model.parameters(), lr=0.3)
    train_losses, val_losses = [], []
    snap_parameters(model, 0.3)
    for _ in range(epochs):
        optimiser.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimiser.step()
        snap_parameters(model, 0.3)
        with torch.no_grad():
            train_losses.append(F.mse_loss(model(x), y).item())
            val_losses.append(F.mse_loss(model(x_val), y_val).item())
    return np.array(train_losses), np.array(val_losses)
