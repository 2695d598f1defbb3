"""Real training runs for the loss-curve tests: several data sets, models, optimisers and logs.

Each run is a small float64 training run, deterministic and the same on every CPU (the
initialisation of :func:`lossbook.curves.mlp`, float64 data, the weights rounded after
every step with :func:`lossbook.curves.snap_parameters`). Each is labelled by how it was
set up, not by what :func:`lossbook.curves.diagnose` says about it: ``RUNS`` maps a name to
the settings and the pattern (and flags) the setting is known to produce.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lossbook.curves import mlp, snap_parameters, two_modes, two_moons


# --- data sets ----------------------------------------------------------------------------------
def moons(n, g, *, leak=False):
    x, y = two_moons(n, g)
    if leak:  # a third feature that is the label itself, as a leaked ID or target column
        x = torch.cat([x, 2.0 * y[:, None].double() - 1.0], dim=1)
    return x, y


def blobs(n, g, *, classes=4, dim=5, spread=1.2):
    """C Gaussian blobs in `dim` dimensions, centres fixed by the seed, overlapping."""
    centres = torch.randn(
        classes, dim, generator=torch.Generator().manual_seed(99), dtype=torch.float64
    )
    y = torch.randint(0, classes, (n,), generator=g)
    x = centres[y] + spread * torch.randn(n, dim, generator=g, dtype=torch.float64)
    return x, y


def sine(n, g, *, noise=0.1, outliers=0.0, scale=1.0):
    x = 2 * torch.rand(n, 1, generator=g, dtype=torch.float64) - 1
    y = torch.sin(3 * x) + noise * torch.randn(n, 1, generator=g, dtype=torch.float64)
    if outliers:
        hit = torch.rand(n, 1, generator=g, dtype=torch.float64) < outliers
        y = torch.where(
            hit, y + 6.0 * torch.sign(torch.randn(n, 1, generator=g, dtype=torch.float64)), y
        )
    return x, scale * y


DATA = {"moons": moons, "blobs": blobs, "sine": sine, "two_modes": two_modes}


@dataclass(frozen=True)
class Run:
    """How one run is set up, and what that setup is known to produce."""

    expected: str
    data: str
    widths: tuple[int, ...]
    optimiser: str = "adam"
    lr: float = 0.01
    epochs: int = 40
    batch: int | None = None  # None: full batch
    n_train: int = 300
    n_val: int = 300
    data_kwargs: dict = field(default_factory=dict)
    train_data_kwargs: dict = field(default_factory=dict)
    log: str = "epoch"  # "epoch": epoch-mean training loss; "step": every step; "full": whole set
    val_batch: int | None = None  # validate on a fresh random batch of this size
    relu: bool = False
    init_scale: float = 1.0
    corrupt_val_epoch: int | None = None  # this epoch's validation labels are shuffled
    seed: int = 0
    flags: tuple[str, ...] = ()
    chance: str | None = None  # "classes" (ln C) or "variance" (the validation target variance)


def _loss(data):
    if data in ("sine", "two_modes"):
        return F.mse_loss
    return F.cross_entropy


@functools.cache
def train(name: str) -> dict:
    """Train run ``name``; returns the curves (and val_steps for per-step logs)."""
    run = RUNS[name]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            return _train(run)
    finally:
        torch.set_num_threads(threads)


def _train(run: Run) -> dict:
    g = torch.Generator().manual_seed(run.seed)
    make = DATA[run.data]
    x, y = make(run.n_train, g, **run.data_kwargs, **run.train_data_kwargs)
    x_val, y_val = make(run.n_val, g, **run.data_kwargs)
    loss_fn = _loss(run.data)
    torch.manual_seed(run.seed)
    model = mlp(*run.widths)
    if run.relu:
        model = nn.Sequential(*(nn.ReLU() if isinstance(m, nn.Tanh) else m for m in model))
    if run.init_scale != 1.0:
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(run.init_scale)
    opt_class = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[run.optimiser]
    opt = opt_class(model.parameters(), lr=run.lr)
    snap_parameters(model, run.lr)
    n = x.shape[0]
    batch = run.batch or n
    train_losses, val_losses, val_steps = [], [], []
    for epoch in range(run.epochs):
        order = torch.randperm(n, generator=g) if run.batch else torch.arange(n)
        epoch_losses = []
        for i in range(0, n, batch):
            idx = order[i : i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            snap_parameters(model, run.lr)
            epoch_losses.append(loss.item())
        with torch.no_grad():
            if run.log == "step":
                train_losses += epoch_losses
            elif run.log == "epoch":
                train_losses.append(float(np.mean(epoch_losses)))
            else:
                train_losses.append(loss_fn(model(x), y).item())
            xv, yv = x_val, y_val
            if run.val_batch:
                pick = torch.randint(0, x_val.shape[0], (run.val_batch,), generator=g)
                xv, yv = x_val[pick], y_val[pick]
            if run.corrupt_val_epoch == epoch:
                yv = yv[torch.randperm(yv.shape[0], generator=torch.Generator().manual_seed(7))]
            val_losses.append(loss_fn(model(xv), yv).item())
            val_steps.append(len(train_losses) - 1)
    out = {"train": np.array(train_losses), "val": np.array(val_losses)}
    if run.log == "step":
        out["val_steps"] = np.array(val_steps)
    if run.chance == "classes":
        out["chance"] = math.log(int(y_val.max()) + 1)
    elif run.chance == "variance":
        out["chance"] = float(((y_val - y_val.mean(0)) ** 2).mean())
    return out


RUNS: dict[str, Run] = {
    # healthy: Adam at its usual learning rate, minibatches, epoch-mean training loss
    "moons_minibatch_adam": Run("healthy", "moons", (2, 16, 16, 2), batch=32),
    "sine_minibatch_adam": Run(
        "healthy", "sine", (1, 32, 32, 1), batch=20, epochs=60, n_train=200, chance="variance"
    ),
    "moons_per_step": Run("healthy", "moons", (2, 16, 16, 2), batch=32, log="step", epochs=30),
    # learning rate far too high
    "moons_relu_sgd_explodes": Run(
        "lr_too_high", "moons", (2, 32, 32, 2), "sgd", 10.0, batch=16, relu=True, chance="classes"
    ),
    "moons_relu_sgd_rebounds": Run(
        "lr_too_high", "moons", (2, 32, 32, 2), "sgd", 3.0, batch=16, relu=True, chance="classes"
    ),
    "blobs_relu_sgd_stuck": Run(
        "lr_too_high", "blobs", (5, 32, 32, 4), "sgd", 3.0, batch=20, relu=True, chance="classes"
    ),
    "blobs_tanh_sgd_saturated": Run(
        "lr_too_high", "blobs", (5, 32, 32, 4), "sgd", 30.0, batch=20, chance="classes"
    ),
    "moons_relu_adam_spiky": Run(
        "lr_too_high", "moons", (2, 32, 32, 2), lr=0.05, batch=16, relu=True
    ),
    # (without chance= this one reads healthy with lr_too_high second: its first epoch's
    # blow-up looks like a fast first epoch; the chance level tells them apart)
    "sine_adam_lr3": Run(
        "lr_too_high", "sine", (1, 32, 32, 1), lr=3.0, batch=20, n_train=200, chance="variance"
    ),
    # too little capacity; too small a step
    "moons_logistic": Run("underfitting", "moons", (2, 2), lr=0.05, batch=32),
    "blobs_sgd_tiny_lr": Run("plateau", "blobs", (5, 32, 32, 4), "sgd", 1e-4, batch=30),
    # too little data; outliers in the training targets only
    "sine_12_points": Run(
        "overfitting",
        "sine",
        (1, 64, 64, 1),
        epochs=300,
        n_train=12,
        n_val=200,
        data_kwargs={"noise": 0.4},
    ),
    "sine_train_outliers": Run(
        "overfitting",
        "sine",
        (1, 64, 64, 1),
        epochs=200,
        n_train=60,
        n_val=200,
        train_data_kwargs={"outliers": 0.1},
    ),
    # measurement: a fresh validation batch of 8 points each epoch
    "blobs_small_val_batch": Run(
        "noisy_validation", "blobs", (5, 32, 32, 4), batch=30, val_batch=8, epochs=60
    ),
    # stage-wise learning: a deep linear(-ish) network from a small initialisation
    "linear_teacher_deep": Run(
        "drops_then_plateaus",
        "two_modes",
        (4, 4, 4),
        "sgd",
        0.3,
        epochs=150,
        init_scale=0.02,
        log="full",
    ),
    # data problems
    "moons_leaked_label": Run(
        "healthy",
        "moons",
        (3, 16, 16, 2),
        batch=32,
        data_kwargs={"leak": True},
        flags=("too_easy",),
        chance="classes",  # too_easy needs a reference: a low loss alone is not evidence
    ),
    "moons_corrupted_val": Run(
        "healthy", "moons", (2, 16, 16, 2), batch=32, corrupt_val_epoch=25, flags=("val_jump",)
    ),
}
