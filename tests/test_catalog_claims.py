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
from lossbook.catalog import (
    CATALOG,
    FAMILIES,
    LossSpec,
    losses_that_can_be_negative,
    scalar_hyper_parameters,
)
from lossbook.testing.examples import example_inputs

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
    # defaults: the values, not just the names, are the signature's
    signature = inspect.signature(spec.fn).parameters
    expected = {
        name: p.default
        for name, p in signature.items()
        if p.kind is p.KEYWORD_ONLY and name != "reduction" and p.default is not p.empty
    }
    assert spec.defaults == expected
    assert all(type(spec.defaults[k]) is type(v) for k, v in expected.items())
    # every scalar hyper-parameter is written in the formula with its symbol, not a value
    assert set(spec.symbols) == set(scalar_hyper_parameters(spec.fn))
    for name, symbol in spec.symbols.items():
        assert symbol in spec.formula, f"{name} ({symbol}) is not in the formula"
        assert f"{symbol} = {float(expected[name]):g}" in spec.display_formula()
    # can it go below 0? said for every loss
    assert isinstance(spec.nonnegative, bool)
    if spec.profile is not None:
        assert spec.nonnegative == (spec.bounded_below is not None and spec.bounded_below >= 0)
    if spec.profile is not None:
        assert spec.domain is not None and spec.variable
        assert spec.support[0] <= spec.domain[0] < spec.domain[1] <= spec.support[1]


def test_formulas_show_their_hyper_parameters():
    """The hinge's margin is m in the formula, and its value is shown: not a hard-coded 1."""
    hinge = CATALOG["hinge"]
    assert "1 - y" not in hinge.formula and "m - y" in hinge.formula
    assert hinge.display_formula().endswith(r",\quad m = 1")
    assert hinge.display_formula(margin=0.5).endswith("m = 0.5")
    assert CATALOG["huber"].display_formula().endswith(r"\delta = 1")


def test_defaults_match_torch():
    """Where torch has the same loss, lossbook's defaults are torch's (read from torch)."""
    import torch.nn.functional as F

    def default(fn, name):
        return inspect.signature(fn).parameters[name].default

    pairs = [
        (lossbook.huber, "delta", F.huber_loss, "delta"),
        (lossbook.smooth_l1, "beta", F.smooth_l1_loss, "beta"),
        (lossbook.gaussian_nll, "eps", F.gaussian_nll_loss, "eps"),
        (lossbook.gaussian_nll, "full", F.gaussian_nll_loss, "full"),
        (lossbook.poisson_nll, "log_input", F.poisson_nll_loss, "log_input"),
        (lossbook.poisson_nll, "full", F.poisson_nll_loss, "full"),
        (lossbook.poisson_nll, "eps", F.poisson_nll_loss, "eps"),
        (lossbook.cross_entropy, "ignore_index", F.cross_entropy, "ignore_index"),
        (lossbook.cross_entropy, "label_smoothing", F.cross_entropy, "label_smoothing"),
        (lossbook.nll, "ignore_index", F.nll_loss, "ignore_index"),
        (lossbook.multi_margin, "p", F.multi_margin_loss, "p"),
        (lossbook.multi_margin, "margin", F.multi_margin_loss, "margin"),
        (lossbook.ctc, "blank", F.ctc_loss, "blank"),
        (lossbook.ctc, "zero_infinity", F.ctc_loss, "zero_infinity"),
        (lossbook.triplet, "margin", F.triplet_margin_loss, "margin"),
        (lossbook.triplet, "swap", F.triplet_margin_loss, "swap"),
        (lossbook.triplet, "swap", F.triplet_margin_with_distance_loss, "swap"),
        (
            lossbook.triplet,
            "distance_function",
            F.triplet_margin_with_distance_loss,
            "distance_function",
        ),
        (lossbook.margin_ranking, "margin", F.margin_ranking_loss, "margin"),
        (lossbook.hinge_embedding, "margin", F.hinge_embedding_loss, "margin"),
        (lossbook.cosine_embedding, "margin", F.cosine_embedding_loss, "margin"),
    ]
    for ours, name, theirs, their_name in pairs:
        assert CATALOG[ours.__name__].defaults[name] == default(theirs, their_name), name


def test_every_reference_is_in_the_bibliography():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    missing = {spec.name: spec.reference for spec in CATALOG.values() if spec.reference not in keys}
    assert not missing


def test_every_exported_loss_is_in_the_catalog():
    helpers = {
        "mine_triplets",
        "ctc_alpha",
        "greedy_decode",
        "sequence_logprob",
        "fit_temperature",
        "group_advantages",
    }
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


# --- can the loss go below 0? -------------------------------------------------------------
def _smallest_value(name: str) -> float:
    """The smallest per-element value over many valid float64 example inputs (several scales)."""
    fn = CATALOG[name].fn
    takes_reduction = "reduction" in inspect.signature(fn).parameters
    smallest = math.inf
    for seed in range(4):
        for scale in (0.1, 1.0, 10.0, 100.0):
            for perfect in (False, True):
                ex = example_inputs(
                    name, 16, dtype=torch.float64, seed=seed, scale=scale, perfect=perfect
                )
                if ex is None:
                    continue
                kwargs = {**ex.kwargs, **({"reduction": "none"} if takes_reduction else {})}
                value = fn(*ex.args, **kwargs).detach()
                smallest = min(smallest, value.min().item())
    return smallest


@pytest.mark.parametrize("spec", CATALOG.values(), ids=ids)
def test_nonnegative_claim(spec):
    smallest = _smallest_value(spec.name)
    if spec.nonnegative:
        assert smallest >= -1e-12, f"claimed >= 0, found {smallest}"
    else:
        assert smallest < 0, "claimed it can be negative, but no negative value found"


def test_losses_that_can_be_negative_is_what_the_numbers_say():
    found = [name for name in CATALOG if _smallest_value(name) < -1e-12]
    assert losses_that_can_be_negative() == found
    assert "ppo_clip" in found and "mse" not in found


def test_ppo_clip_is_bounded_below_for_fixed_advantages_and_not_above():
    """ℓ = −min(ρA, clip(ρ, 1−ε, 1+ε)A): negative values are reachable; for fixed A
    the loss is ≥ −(1+ε)·A⁺ whatever ρ; for A < 0 it grows without bound as ρ grows."""
    clip = 0.2
    gen = torch.Generator().manual_seed(0)
    advantages = torch.randn(64, generator=gen, dtype=torch.float64) * 3
    log_ratios = torch.linspace(-30, 30, 601, dtype=torch.float64)
    a = advantages[:, None].expand(-1, len(log_ratios))
    new = log_ratios[None, :].expand(len(advantages), -1)
    loss = lossbook.ppo_clip(new, torch.zeros_like(new), a, clip=clip, reduction="none")
    assert torch.isfinite(loss).all()
    floor = -(1 + clip) * advantages.clamp(min=0)  # per fixed advantage
    assert (loss.min(dim=1).values >= floor - 1e-12).all()
    positive = advantages > 0
    assert (loss[positive].min(dim=1).values < 0).all(), "negative values are reachable"
    torch.testing.assert_close(loss[positive].min(dim=1).values, floor[positive])
    # A < 0: at ρ = e^30 the loss is ρ|A|, beyond any bound
    assert (loss[~positive][:, -1] > 1e12 * advantages[~positive].abs()).all()
    assert CATALOG["ppo_clip"].bounded_below == -(1 + clip) * 1.0
    assert CATALOG["ppo_clip"].nonnegative is False


# Every default, pinned: the values DESIGN.md and the papers give (torch's where torch has the
# loss, checked against it above). Changing a default in a signature must fail here first.
PINNED_DEFAULTS = {
    "mse": {},
    "mae": {},
    "huber": {"delta": 1.0},
    "log_cosh": {},
    "quantile": {"q": 0.5, "crossing_penalty": None},
    "smooth_l1": {"beta": 1.0},
    "gaussian_nll": {"eps": 1e-06, "full": False, "beta": 0.0},
    "poisson_nll": {"log_input": True, "full": False, "eps": 1e-08},
    "crps_gaussian": {},
    "cross_entropy": {"weight": None, "ignore_index": -100, "label_smoothing": 0.0},
    "binary_cross_entropy": {"weight": None},
    "binary_cross_entropy_with_logits": {"weight": None, "pos_weight": None},
    "sigmoid_focal": {"alpha": 0.25, "gamma": 2.0},
    "softmax_focal": {"gamma": 2.0, "alpha": None},
    "hinge": {"margin": 1.0},
    "squared_hinge": {"margin": 1.0},
    "nll": {"weight": None, "ignore_index": -100},
    "soft_margin": {},
    "multilabel_soft_margin": {"weight": None},
    "multi_margin": {"p": 1, "margin": 1.0, "weight": None},
    "multilabel_margin": {},
    "brier": {},
    "kl_divergence": {"dim": -1, "log_inputs": False},
    "gaussian_kl": {},
    "contrastive": {"margin": 1.0},
    "triplet": {"margin": 1.0, "swap": False, "distance_function": None},
    "info_nce": {"temperature": 0.1, "negatives": None, "gather": False},
    "clip_loss": {"temperature": 0.07, "gather": False},
    "nt_xent": {"temperature": 0.1, "gather": False},
    "margin_ranking": {"margin": 0.0},
    "hinge_embedding": {"margin": 1.0},
    "cosine_embedding": {"margin": 0.0},
    "ctc": {"blank": 0, "zero_infinity": False},
    "dice": {"eps": 1e-06},
    "dice_cross_entropy": {"dice_weight": 1.0, "ce_weight": 1.0, "eps": 1e-06},
    "wasserstein_critic": {},
    "wasserstein_generator": {},
    "gradient_penalty": {"weight": 10.0, "generator": None},
    "hinge_gan_discriminator": {},
    "hinge_gan_generator": {},
    "r1_penalty": {"gamma": 10.0},
    "denoising_loss": {"schedule": "cosine", "target": "eps", "t": None, "generator": None},
    "flow_matching": {"t": None, "generator": None},
    "l1_penalty": {},
    "l2_penalty": {},
    "elastic_net_penalty": {"l1": 1.0, "l2": 1.0},
    "pairwise_ranking": {},
    "dpo": {"beta": 0.1},
    "ipo": {"tau": 0.1},
    "kto": {"beta": 0.1, "desirable_weight": 1.0, "undesirable_weight": 1.0, "kl": None},
    "orpo": {"beta": 0.1, "chosen_nll": None},
    "ppo_clip": {"clip": 0.2},
    "kwise_ranking": {},
    "lm_loss": {"ignore_index": -100, "shift": True, "num_items": None, "z_loss": 0.0},
    "kl_estimate": {"estimator": "k3"},
    "grpo": {
        "clip": 0.2,
        "clip_high": None,
        "ref_logp": None,
        "beta": 0.0,
        "normalize": "sequence",
    },
    "simpo": {"beta": 2.0, "gamma": 1.0},
    "listnet": {"temperature": 1.0},
    "listmle": {},
}


def test_every_default_is_pinned():
    assert {name: spec.defaults for name, spec in CATALOG.items()} == PINNED_DEFAULTS
