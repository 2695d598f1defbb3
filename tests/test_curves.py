"""Loss-curve diagnosis: simulated training runs and hand-built curves it never saw.

The hand-built curves are written here from closed forms (exponential decays,
a parabola for the U-shaped validation curve, a constant, a geometric blow-up,
an alternating sequence, log-normal noise around a decay), independently of
:func:`lossbook.curves.simulate`.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

from lossbook.curves import ADVICE, MIN_LENGTH, PATTERNS, Diagnosis, diagnose, simulate

SEEDS = (0, 1, 2)


@functools.cache
def simulated(pattern: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return simulate(pattern, seed=seed)


def decay(n: int, *, tau: float, floor: float = 0.02, scale: float = 1.0) -> np.ndarray:
    """scale · (floor + (1 − floor)·exp(−i/tau)), i = 0..n−1."""
    i = np.arange(n, dtype=np.float64)
    return scale * (floor + (1.0 - floor) * np.exp(-i / tau))


# --- simulate → diagnose round trip -----------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_diagnose_recognises_every_simulated_pattern(pattern, seed):
    train, val = simulated(pattern, seed)
    assert train.shape == val.shape == (150,)
    assert train.dtype == val.dtype == np.float64
    result = diagnose(train, val)
    assert isinstance(result, Diagnosis)
    assert result.pattern == pattern, result.evidence
    assert result.advice == ADVICE[pattern]


def test_simulated_runs_show_their_defining_shape():
    # Checked on the raw curves, not through diagnose: what each run is meant to show.
    t, v = simulated("overfitting", 0)
    assert t[-1] < 0.2 * t[0]  # memorises the training set ...
    assert v[-1] > 1.5 * v.min()  # ... while validation loss climbs
    t, v = simulated("plateau", 0)
    assert abs(t[-1] - t[0]) < 0.1 * t[0]
    t, v = simulated("underfitting", 0)
    assert 0.25 * np.log(2) < t[-1] < np.log(2)  # a straight line cannot separate the moons
    t, _ = simulated("lr_too_high", 0)
    assert np.max(t) > 5 * t[0]  # the training loss blows up at least once
    t_healthy, v_healthy = simulated("healthy", 0)
    t_noisy, v_noisy = simulated("noisy_validation", 0)
    np.testing.assert_array_equal(t_noisy, t_healthy)  # the same training run ...
    assert np.std(np.diff(v_noisy)) > 10 * np.std(np.diff(v_healthy))  # ... validated noisily


def test_simulate_is_deterministic_and_leaves_global_state_alone():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    threads = torch.get_num_threads()
    a = simulate("noisy_validation", seed=5, epochs=20)
    b = simulate("noisy_validation", seed=5, epochs=20)
    c = simulate("noisy_validation", seed=6, epochs=20)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads
    assert len(simulate("healthy", epochs=MIN_LENGTH)[0]) == MIN_LENGTH


# --- hand-built curves it did not generate ------------------------------------------------------
@pytest.mark.parametrize("n", [5, 10, 50, 1000])
@pytest.mark.parametrize("scale", [1e-3, 1.0, 2.3e4])
@pytest.mark.parametrize("tau_fraction", [0.05, 0.2])
def test_exponential_decays_are_healthy(n, scale, tau_fraction):
    train = decay(n, tau=max(0.5, tau_fraction * n), scale=scale)
    val = 1.1 * train  # validation a little above training, falling with it
    assert diagnose(train, val).pattern == "healthy"


@pytest.mark.parametrize("n", [10, 50, 1000])
def test_u_shaped_validation_is_overfitting(n):
    x = np.linspace(0.0, 1.0, n)
    train = decay(n, tau=n / 5)
    val = 0.3 + 3.0 * (x - 0.3) ** 2  # minimum at 30% of training, then up
    result = diagnose(train, val)
    assert result.pattern == "overfitting"
    assert result.evidence["val_min_epoch"] == pytest.approx(0.3 * (n - 1), abs=0.1 * n + 1)


def test_validation_stuck_far_above_training_is_overfitting():
    n = 60
    train = decay(n, tau=8, floor=0.01)
    val = decay(n, tau=8, floor=0.6)  # never comes down with the training loss
    assert diagnose(train, val).pattern == "overfitting"


@pytest.mark.parametrize("n", [5, 40, 1000])
def test_constant_curves_are_a_plateau(n):
    assert diagnose([0.7] * n, [0.75] * n).pattern == "plateau"
    assert diagnose(np.zeros(n), np.zeros(n)).pattern == "plateau"


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_training_loss_is_lr_too_high(bad):
    train = decay(30, tau=5)
    train[20:] = bad
    val = decay(30, tau=5)
    val[20:] = bad  # validation diverges with it: allowed when training did
    result = diagnose(train, val)
    assert result.pattern == "lr_too_high"
    assert result.evidence["first_non_finite"] == 20


@pytest.mark.parametrize("n", [8, 100])
def test_diverging_and_oscillating_training_loss_is_lr_too_high(n):
    i = np.arange(n)
    growing = np.exp(i / 10.0)
    assert diagnose(growing, growing).pattern == "lr_too_high"
    zigzag = 0.5 + 0.3 * (-1.0) ** i
    assert diagnose(zigzag, zigzag).pattern == "lr_too_high"
    spike = decay(n, tau=n / 8)
    spike[n // 2] = 0.9  # one epoch jumps most of the way back up
    assert diagnose(spike, 1.05 * spike).pattern == "lr_too_high"


@pytest.mark.parametrize("n", [10, 200])
def test_high_floor_is_underfitting(n):
    train = decay(n, tau=n / 8, floor=0.5)
    assert diagnose(train, 1.05 * train).pattern == "underfitting"


@pytest.mark.parametrize("n", [30, 300, 1000])
def test_noisy_validation_around_a_stable_trend(n):
    rng = np.random.default_rng(n)
    train = decay(n, tau=n / 5, floor=0.05)
    val = decay(n, tau=n / 5, floor=0.1) * np.exp(0.3 * rng.standard_normal(n))
    assert diagnose(train, val).pattern == "noisy_validation"


def test_accepts_lists_arrays_and_tensors():
    train = decay(20, tau=3)
    val = 1.1 * train
    expected = diagnose(train, val)
    for t, v in [
        (train.tolist(), val.tolist()),
        (torch.tensor(train, dtype=torch.float32), torch.tensor(val, dtype=torch.float32)),
        (tuple(train), val),
    ]:
        assert diagnose(t, v).pattern == expected.pattern


# --- scale invariance ---------------------------------------------------------------------------
@pytest.mark.parametrize("c", [1e-3, 7.5, 1e5])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_multiplying_both_curves_changes_nothing(pattern, c):
    train, val = simulated(pattern, 0)
    a = diagnose(train, val)
    b = diagnose(c * train, c * val)
    assert b.pattern == a.pattern
    assert b.evidence.keys() == a.evidence.keys()
    for key in a.evidence:
        assert b.evidence[key] == pytest.approx(a.evidence[key], rel=1e-9, abs=1e-12)


# --- bad inputs ---------------------------------------------------------------------------------
def test_bad_inputs():
    good = decay(10, tau=2).tolist()
    with pytest.raises(ValueError, match="the same length.*got 10 and 9"):
        diagnose(good, good[:-1])
    with pytest.raises(ValueError, match="train_losses must have at least 5 points.*got 4"):
        diagnose(good[:4], good[:4])
    with pytest.raises(ValueError, match=r"val_losses must be 1-D .*got shape \(2, 5\)"):
        diagnose(good, np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"val_losses must be finite.*epochs \[3\]"):
        diagnose(good, [*good[:3], float("nan"), *good[4:]])
    with pytest.raises(ValueError, match="train_losses must hold non-negative losses"):
        diagnose([-1.0, *good[1:]], good)
    with pytest.raises(TypeError, match="train_losses must be a 1-D list, array or tensor"):
        diagnose(["a"] * 10, good)
    with pytest.raises(ValueError, match="pattern must be one of"):
        simulate("exploding")
    with pytest.raises(ValueError, match="epochs must be an integer >= 5, got 3"):
        simulate("healthy", epochs=3)
    with pytest.raises(TypeError, match="seed must be an int"):
        simulate("healthy", seed=1.5)
