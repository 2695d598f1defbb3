"""One-parameter families of hand-built curves, one per threshold of :func:`diagnose`.

Each family moves one feature of the curves across one threshold while the others stay
clear of theirs; ``tests/test_curves.py`` evaluates each just below and just above the
documented value (the parameters are written there as numbers, so that changing a
threshold constant in the code makes a test fail).
"""

from __future__ import annotations

import numpy as np


def decay(n: int, *, tau: float, floor: float = 0.02, scale: float = 1.0) -> np.ndarray:
    """scale · (floor + (1 − floor)·exp(−i/tau)), i = 0..n−1."""
    i = np.arange(n, dtype=np.float64)
    return scale * (floor + (1.0 - floor) * np.exp(-i / tau))


def healthy(n=60):
    t = decay(n, tau=n / 10)
    return t, 1.1 * t


def blow_up(r):  # the first loss r times the rest, which stays flat: dead, or a fast start
    t = np.concatenate([[r], 1.0 - 0.0005 * np.arange(59)])
    return t, 1.05 * t + np.concatenate([[20.0], np.zeros(59)])


def recover(x):  # after a blow-up, the loss ends at x times the level right after it
    i = np.arange(59)
    t = np.concatenate([[100.0], x + (1 - x) * np.exp(-i / 5)])
    return t, 1.05 * t


def above_chance(x):  # falls from 3x the chance level (1.0) to x times it
    t = decay(60, tau=5, floor=x / 3, scale=3.0)
    return t, 1.05 * t


def rise(x):  # rises steadily by x (of a start of 1)
    t = 1.0 + x * np.linspace(0, 1.2, 60)
    return t, 1.05 * t


def rebound(x):  # falls from 1 to 0.2, then climbs back by x of that gain and stays
    t = np.concatenate(
        [np.linspace(1, 0.2, 11), np.full(10, 0.2), np.linspace(0.2, 0.2 + 0.8 * x, 10)[1:]]
    )
    t = np.concatenate([t, np.full(60 - t.size, t[-1])])
    return t, 1.05 * t


def spike(x):  # a healthy run with one epoch x higher, in both curves
    t, v = healthy(200)
    t, v = t.copy(), v.copy()
    t[120] += x
    v[120] += x
    return t, v


def jitter_train(a):  # a healthy run zig-zagging by a (of the level), in both curves
    i = np.arange(60)
    t = (0.3 + 0.7 * np.exp(-i / 6)) * (1 + a * (-1.0) ** i)
    return t, 1.1 * t


def coherence(rho):  # both curves wiggle; the validation's wiggles in step with rho
    rng = np.random.default_rng(0)
    i = np.arange(60)
    e1, e2 = rng.standard_normal(60), rng.standard_normal(60)
    base = 0.3 + 0.7 * np.exp(-i / 6)
    t = base * (1 + 0.15 * e1)
    v = 1.1 * base * (1 + 0.25 * (rho * e1 + np.sqrt(1 - rho**2) * e2))
    return t, v


def plateau(x):  # falls steadily by x
    t = 1.0 - x * np.linspace(0, 1.2, 60)
    return t, 1.05 * t


def stage(length=0.5, ramp=0.0, gap=0.48, n=200):
    """Falls to 0.5, stays there (or ramps down by `ramp`) for `length` of the run, falls by `gap`."""
    m = round(length * n)
    a = np.linspace(1.0, 0.5, n // 10)
    b = np.linspace(0.5, 0.5 - ramp, m)
    c = np.linspace(b[-1], b[-1] - gap, n // 10)
    t = np.concatenate([a, b, c])
    t = np.concatenate([t, np.full(n - t.size, t[-1])])
    return t, 1.05 * t


def stage_length(x):
    return stage(length=x)


def stage_flat(d):
    return stage(length=0.6, ramp=d, gap=0.3)


def stage_gap(x):
    return stage(length=0.5, gap=x)


def overfit_rise(x):  # validation bottoms out at 40% of the run, then rises by x
    n = 60
    t = decay(n, tau=6, floor=0.1)
    v = 1.1 * t
    v = v + x * np.clip((np.arange(n) - 24) / (n - 1 - 24), 0, None)
    return t, v


def overfit_noise(x):  # the same with noise on the validation loss
    rng = np.random.default_rng(1)
    t, v = overfit_rise(x)
    return t, v + 0.03 * rng.standard_normal(v.size)


def gap_ratio(x):  # validation levels off x times above the training loss
    t = decay(60, tau=6, floor=0.15)
    return t, decay(60, tau=6, floor=0.15 * x)


def gap(x):  # validation levels off x (of the start) above a training loss near 0.05
    t = decay(60, tau=6, floor=0.05)
    return t, decay(60, tau=6, floor=0.05 + x)


def jitter_val(a):  # a smooth training loss; validation zig-zags by a
    t, v = healthy()
    return t, v * (1 + a * (-1.0) ** np.arange(60))


def jitter_ratio(a):  # both zig-zag in opposite phase (not in step); validation a times more
    i = np.arange(60)
    base = 0.3 + 0.7 * np.exp(-i / 6)
    t = base * (1 + 0.05 * (-1.0) ** i)
    v = 1.1 * base * (1 - 0.05 * a * (-1.0) ** i)
    return t, v


def high_end(x):  # levels off at x of the start
    t = decay(60, tau=6, floor=x)
    return t, 1.05 * t


def high_end_stalled(x):  # the same, validation 1 % up over its last ten points (stalled)
    t, v = high_end(x)
    return t, v * np.where(np.arange(60) >= 50, 1.01, 1.0)


def jump(x):  # a healthy run whose validation loss jumps by x at one epoch
    t, v = healthy()
    v = v.copy()
    v[40] += x * v[0]
    return t, v


def jump_noise(x):  # the same on a noisy validation curve
    rng = np.random.default_rng(3)
    t = decay(60, tau=6, floor=0.5)
    v = 1.05 * t * (1 + 0.1 * rng.standard_normal(60))
    v[40] += x
    return t, v


def easy_time(m):  # both losses collapse to near zero at step m of 1000
    t = np.where(np.arange(1000) < m, 1.0, 1e-3)
    return t, 1.05 * t


def easy_level(x):  # both losses collapse to x at the fourth of 100 points
    t = np.where(np.arange(100) < 3, 1.0, x)
    return t, 1.05 * t


def stage_fall(r):  # a flat stretch of 160 points, a step down, then a fall lasting r x 160
    n = 480
    fall = max(2, round(r * 160))
    t = np.concatenate(
        [np.linspace(1.0, 0.5, 40), np.full(160, 0.5), np.linspace(0.44, 0.23, fall)]
    )
    t = np.concatenate([t, np.full(n - t.size, 0.23)])
    return t, 1.05 * t


def still_falling(x):  # levels off at 0.7, then both fall steadily by x per eighth of the run
    n = 80
    t = 0.7 + 0.3 * np.exp(-np.arange(n) / 4.0)
    t = t * (1.0 - x / 10.0) ** np.clip(np.arange(n) - (n - 20), 0, None)
    return t, 1.05 * t


def short_run(n, x=0.17):  # n points; validation bottoms out 3 points before the end, rises x
    t = decay(n, tau=n / 4, floor=0.3)
    v = 1.1 * decay(n, tau=n / 4, floor=0.3)
    v[-2:] = (1.0 + x) * v[-3]
    return t, v


def short_rise(x):
    return short_run(8, x)


def per_step_length(n):  # a noisy minibatch loss around a decay, smooth validation
    rng = np.random.default_rng(7)
    base = decay(n, tau=n / 5, floor=0.1)
    return base * np.exp(0.4 * rng.standard_normal(n)), 1.1 * base
