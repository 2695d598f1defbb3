"""LLM alignment (chapter 13): reward models, DPO and its variants, PPO."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import torch
from torch import Tensor

from .. import alignment as AL
from .spec import LossSpec


def _reward_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Rewards (m, 0): m is the reward margin r_c − r_r.
    def profile(m: Tensor, **params: float) -> Tensor:
        return fn(m, torch.zeros_like(m), reduction="none", **params)

    return profile


def _implicit_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # log π(y_w) = h, and the three other log-probabilities 0: the implicit-reward margin
    # h = (log π_c − log π_ref,c) − (log π_r − log π_ref,r) equals the variable.
    def profile(h: Tensor, **params: float) -> Tensor:
        zero = torch.zeros_like(h)
        return fn(h, zero, zero, zero, reduction="none", **params)

    return profile


def _ratio_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # PPO with a fixed advantage A = +1 as a function of the probability ratio ρ:
    # log π_new = log ρ, log π_old = 0, so π_new/π_old = ρ.
    def profile(rho: Tensor, **params: float) -> Tensor:
        return fn(
            rho.log(), torch.zeros_like(rho), torch.ones_like(rho), reduction="none", **params
        )

    return profile


def _log_odds_ratio_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # log P_w = log σ(d) has log odds exactly d; log P_l = log σ(0) = −log 2 has log odds 0,
    # so the log odds ratio of chosen to rejected equals the variable d.
    def profile(d: Tensor, **params: float) -> Tensor:
        chosen = torch.nn.functional.logsigmoid(d)
        rejected = torch.nn.functional.logsigmoid(torch.zeros_like(d))
        return fn(chosen, rejected, reduction="none", **params)

    return profile


class _AlignmentFields(TypedDict):
    """The fields these entries share (unpacked into each LossSpec, typed)."""

    family: str


_ALIGNMENT: _AlignmentFields = {"family": "alignment"}
_IMPLICIT_MARGIN = "implicit-reward margin h = log(π_θ/π_ref)(y_w) − log(π_θ/π_ref)(y_l)"


ENTRIES: list[LossSpec] = [
    LossSpec(
        name="pairwise_ranking",
        fn=AL.pairwise_ranking,
        formula=r"-\log\sigma(r_c - r_r)",
        problem="reward modelling from pairwise preferences",
        summary="Bradley–Terry negative log-likelihood that the chosen answer out-scores the rejected one.",
        reference="ouyang2022training",
        variable="reward margin m = r_c − r_r",
        domain=(-10.0, 10.0),
        profile=_reward_margin_profile(AL.pairwise_ranking),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="dpo",
        fn=AL.dpo,
        formula=(
            r"-\log\sigma\Bigl(\beta\Bigl[\log\frac{\pi_\theta(y_w|x)}{\pi_{\mathrm{ref}}(y_w|x)}"
            r" - \log\frac{\pi_\theta(y_l|x)}{\pi_{\mathrm{ref}}(y_l|x)}\Bigr]\Bigr)"
        ),
        problem="LLM preference alignment from pairs (offline, with a reference model)",
        summary="Bradley–Terry on the policy's implicit rewards β·log(π_θ/π_ref): no reward model, no RL.",
        reference="rafailov2023direct",
        example_params={"beta": 0.1},
        variable=_IMPLICIT_MARGIN,
        domain=(-50.0, 50.0),
        slider=("beta", (0.02, 0.05, 0.1, 0.2, 0.5)),
        profile=_implicit_margin_profile(AL.dpo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="ipo",
        fn=AL.ipo,
        formula=(
            r"\Bigl(\log\frac{\pi_\theta(y_w|x)}{\pi_{\mathrm{ref}}(y_w|x)}"
            r" - \log\frac{\pi_\theta(y_l|x)}{\pi_{\mathrm{ref}}(y_l|x)} - \frac{1}{2\tau}\Bigr)^2"
        ),
        problem="LLM preference alignment from pairs (offline, with a reference model)",
        summary="Regresses DPO's margin onto 1/(2τ) instead of pushing it to infinity: resists overfitting.",
        reference="azar2024general",
        example_params={"tau": 0.1},
        variable=_IMPLICIT_MARGIN,
        domain=(-10.0, 20.0),
        slider=("tau", (0.05, 0.1, 0.2, 0.5, 1.0)),
        profile=_implicit_margin_profile(AL.ipo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="kto",
        fn=AL.kto,
        formula=(
            r"\lambda_y - v(x,y),\quad v(x,y) = \begin{cases}"
            r"\lambda_D\,\sigma\bigl(\beta(r_\theta(x,y) - z_0)\bigr) & y\ \text{desirable}\\"
            r"\lambda_U\,\sigma\bigl(\beta(z_0 - r_\theta(x,y))\bigr) & y\ \text{undesirable}"
            r"\end{cases}"
        ),
        problem="LLM alignment from unpaired good/bad feedback (with a reference model)",
        summary="Prospect-theory value of each answer against a KL reference point; needs no pairs.",
        reference="ethayarajh2024kto",
        nonnegative=True,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="orpo",
        fn=AL.orpo,
        formula=(
            r"\mathcal{L}_{\mathrm{SFT}} - \beta\log\sigma\Bigl(\log"
            r"\frac{\mathrm{odds}_\theta(y_w|x)}{\mathrm{odds}_\theta(y_l|x)}\Bigr),\quad"
            r"\mathrm{odds}_\theta(y|x) = \frac{P_\theta(y|x)}{1 - P_\theta(y|x)}"
        ),
        problem="LLM preference alignment from pairs, folded into SFT (no reference model)",
        summary="SFT plus a log-odds-ratio penalty on the rejected answer; inputs are per-token average log-probs.",
        reference="hong2024orpo",
        example_params={"beta": 0.1},
        variable="log odds ratio d = log odds(y_w) − log odds(y_l)",
        domain=(-10.0, 10.0),
        profile=_log_odds_ratio_profile(AL.orpo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="ppo_clip",
        fn=AL.ppo_clip,
        formula=(
            r"-\min\bigl(\rho A,\ \mathrm{clip}(\rho, 1-\varepsilon, 1+\varepsilon)\,A\bigr),\quad"
            r"\rho = \frac{\pi_\theta(a|s)}{\pi_{\mathrm{old}}(a|s)}"
        ),
        problem="RLHF policy optimisation (on-policy reinforcement learning)",
        summary=(
            "Pessimistic clipped surrogate: no gain from moving the policy ratio past 1 ± ε. "
            "Can be negative; for fixed advantages bounded below by −(1+ε)·A (A > 0), "
            "unbounded above as ρ grows when A < 0."
        ),
        reference="schulman2017proximal",
        example_params={"clip": 0.2},
        variable="probability ratio ρ = π_θ/π_old of an action with advantage A = +1",
        domain=(0.05, 3.0),
        support=(0.0, float("inf")),
        profile=_ratio_profile(AL.ppo_clip),
        convex=True,
        smooth=False,
        bounded_below=-1.2,  # −(1 + ε)·A at ε = 0.2, A = 1: the gain is capped, not the loss
        robust=True,
        symmetric=None,
        **_ALIGNMENT,
    ),
]
