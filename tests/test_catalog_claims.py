"""Every property the catalog records about a loss is checked numerically here.

One generic test per property, driven by the catalog: adding a loss with a
false claim (say, ``convex=True`` for focal loss) fails CI. The checks work on
each loss's one-dimensional ``profile`` (the loss as a function of a residual,
margin or probability; see :mod:`lossbook.catalog`), evaluated in float64 by
calling the loss itself.
"""

from __future__ import annotations

import inspect
import math
import re
from pathlib import Path

import pytest
import torch

import lossbook
from lossbook.catalog import CATALOG, FAMILIES, LossSpec

ROOT = Path(__file__).resolve().parents[1]
PROFILED = [spec for spec in CATALOG.values() if spec.profile is not None]


def grid(spec: LossSpec, n: int) -> torch.Tensor:
    lo, hi = spec.domain
    return torch.linspace(lo, hi, n, dtype=torch.float64)


def values(spec: LossSpec, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return spec.curve(x)


def slope(spec: LossSpec, x: torch.Tensor) -> torch.Tensor:
    x = x.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(spec.curve(x).sum(), x)
    return g


def second_differences(spec: LossSpec, n: int) -> torch.Tensor:
    """(f(x+h) − 2f(x) + f(x−h)) / h² on an n-point grid over the domain."""
    x = grid(spec, n)
    f = values(spec, x)
    h = (x[1] - x[0]).item()
    return (f[2:] - 2 * f[1:-1] + f[:-2]) / h**2


def claimed(prop: str) -> list[LossSpec]:
    return [s for s in PROFILED if getattr(s, prop) is not None]


ids = lambda spec: spec.name  # noqa: E731


# --- the catalog itself -----------------------------------------------------------
@pytest.mark.parametrize("spec", CATALOG.values(), ids=ids)
def test_entry_is_consistent(spec):
    assert spec.family in FAMILIES
    assert spec.fn is getattr(lossbook, spec.name), "catalog name = exported function name"
    assert spec.formula and spec.summary and spec.problem
    for name in spec.defaults:
        assert name in inspect.signature(spec.fn).parameters, f"unknown default {name}"
    if spec.profile is not None:
        assert spec.domain is not None and spec.variable
        assert spec.support[0] <= spec.domain[0] < spec.domain[1] <= spec.support[1]


def test_every_reference_is_in_the_bibliography():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    missing = {spec.name: spec.reference for spec in CATALOG.values() if spec.reference not in keys}
    assert not missing


def test_every_exported_loss_is_in_the_catalog():
    helpers = {"mine_triplets", "ctc_alpha", "greedy_decode", "sequence_logprob"}
    assert set(lossbook.__all__) - helpers == set(CATALOG)


# --- bounded below ------------------------------------------------------------------
def probes(spec: LossSpec) -> torch.Tensor:
    """Points far beyond the domain (or close to the support's edges)."""
    lo, hi = spec.domain
    points = [grid(spec, 2001)]
    for end, edge in ((lo, spec.support[0]), (hi, spec.support[1])):
        if math.isinf(edge):
            points.append(torch.tensor([end * 10.0**k for k in range(4)], dtype=torch.float64))
        else:
            points.append(
                torch.tensor(
                    [edge + (end - edge) * 10.0**-k for k in range(4)], dtype=torch.float64
                )
            )
    return torch.cat(points)


@pytest.mark.parametrize("spec", claimed("bounded_below"), ids=ids)
def test_bounded_below(spec):
    f = values(spec, probes(spec))
    assert torch.isfinite(f).all()
    assert f.min().item() >= spec.bounded_below - 1e-9


@pytest.mark.parametrize("spec", [s for s in PROFILED if s.bounded_below is None], ids=ids)
def test_claimed_unbounded_below_really_is(spec):
    assert values(spec, probes(spec)).min().item() < -100


# --- convexity ----------------------------------------------------------------------
@pytest.mark.parametrize("spec", claimed("convex"), ids=ids)
def test_convexity(spec):
    d2 = second_differences(spec, 4001)
    scale = 1.0 + d2.abs().max().item()
    if spec.convex:
        assert d2.min().item() >= -1e-6 * scale, "negative curvature found"
    else:
        assert d2.min().item() < -1e-6 * scale, "claimed non-convex, but no negative curvature"


# --- smoothness (twice continuously differentiable) ------------------------------
def curvature_jump(spec: LossSpec, n: int) -> float:
    """Largest change of the second difference between neighbouring grid points.

    It shrinks like h on a C² function, stays O(1) where the second derivative
    jumps (Huber's ±δ), and grows like 1/h at a kink (MAE's 0).
    """
    return second_differences(spec, n).diff().abs().max().item()


@pytest.mark.parametrize("spec", claimed("smooth"), ids=ids)
def test_smoothness(spec):
    jumps = [curvature_jump(spec, n) for n in (2001, 4001, 8001)]
    shrinking = jumps[0] < 1e-7 or (jumps[1] < 0.75 * jumps[0] and jumps[2] < 0.75 * jumps[1])
    assert shrinking == spec.smooth, f"jumps of the second difference as h halves: {jumps}"


# --- robustness: bounded slope far along the direction of error --------------------
def outward(spec: LossSpec, end: float, edge: float) -> torch.Tensor:
    if math.isinf(edge):
        return torch.tensor([end * 10.0**k for k in range(4)], dtype=torch.float64)
    return torch.tensor([edge + (end - edge) * 10.0**-k for k in range(4)], dtype=torch.float64)


@pytest.mark.parametrize("spec", claimed("robust"), ids=ids)
def test_robustness(spec):
    lo, hi = spec.domain
    f = values(spec, grid(spec, 2001))
    growth = []
    for end, edge, f_end in ((lo, spec.support[0], f[0]), (hi, spec.support[1], f[-1])):
        if f_end.item() <= f.min().item() + 1e-9:
            continue  # the loss does not grow towards this side: no error there
        g = slope(spec, outward(spec, end, edge)).abs()
        growth.append(g[-1].item() / max(g[0].item(), 1e-12))
    assert growth, "the loss grows in no direction"
    if spec.robust:
        assert max(growth) <= 2.0, f"slope keeps growing outward: ratios {growth}"
    else:
        assert max(growth) >= 10.0, f"slope stays bounded outward: ratios {growth}"


# --- symmetry ---------------------------------------------------------------------------
@pytest.mark.parametrize("spec", claimed("symmetric"), ids=ids)
def test_symmetry(spec):
    lo, hi = spec.domain
    half = min(-lo, hi)
    x = torch.linspace(0, half, 1001, dtype=torch.float64)
    same = torch.allclose(values(spec, x), values(spec, -x), rtol=1e-9, atol=1e-12)
    assert same == spec.symmetric
