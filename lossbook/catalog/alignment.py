"""LLM alignment (chapter 13): reward models, DPO and its variants, PPO; pre-training and GRPO."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import torch
from torch import Tensor

from .. import alignment as AL
from .. import llm as LLM
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


def _ranked_pair_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # K = 2 ranked answers with rewards (m, 0): m is the margin of the better one.
    def profile(m: Tensor, **params: float) -> Tensor:
        return fn(torch.stack([m, torch.zeros_like(m)], dim=1), reduction="none", **params)

    return profile


def _token_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Two positions over a vocabulary of 2: position 0 predicts token 0 (the label at
    # position 1) with logits (m, 0), so m is the logit margin of the right token.
    def profile(m: Tensor, **params: float) -> Tensor:
        zero = torch.zeros_like(m)
        logits = torch.stack([torch.stack([m, zero], -1), torch.stack([zero, zero], -1)], 1)
        labels = torch.zeros(m.shape[0], 2, dtype=torch.long, device=m.device)
        return fn(logits, labels, reduction="none", **params).squeeze(1)

    return profile


def _kl_ratio_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # A sampled token with log π = 0 and log π_ref = log ρ: the estimate as a function of
    # the likelihood ratio ρ = π_ref/π (k3 = ρ − 1 − log ρ).
    def profile(rho: Tensor, **params: float) -> Tensor:
        return fn(torch.zeros_like(rho), rho.log(), reduction="none", **params)

    return profile


def _token_ratio_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # GRPO with one token per answer and advantage A = +1, as a function of the ratio ρ.
    def profile(rho: Tensor, **params: float) -> Tensor:
        logp = rho.log().unsqueeze(1)
        mask = torch.ones_like(logp, dtype=torch.bool)
        return fn(
            logp, torch.zeros_like(logp), torch.ones_like(rho), mask, reduction="none", **params
        )

    return profile


def _avg_logp_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Average log-probabilities (d, 0): d is the length-normalised margin ℓ̄_w − ℓ̄_l.
    def profile(d: Tensor, **params: float) -> Tensor:
        return fn(d, torch.zeros_like(d), reduction="none", **params)

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
    LossSpec(
        name="kwise_ranking",
        fn=AL.kwise_ranking,
        formula=r"\frac{1}{\binom{K}{2}}\sum_{i<j} -\log\sigma(r_i - r_j)",
        problem="reward modelling from rankings of K answers",
        summary="InstructGPT's reward-model loss: Bradley–Terry over all C(K,2) pairs of a ranked list, one batch element per prompt.",
        reference="ouyang2022training",
        variable="reward margin m = r_1 − r_2 of two ranked answers (K = 2)",
        domain=(-10.0, 10.0),
        profile=_ranked_pair_profile(AL.kwise_ranking),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="lm_loss",
        fn=LLM.lm_loss,
        formula=(
            r"\frac{1}{N}\sum_{t} \Bigl[-\log\operatorname{softmax}(z_t)_{y_{t+1}}"
            r" + \lambda_z \log^2 Z_t\Bigr],\quad \log Z_t = \operatorname{logsumexp}(z_t)"
        ),
        problem="pre-training and fine-tuning a causal language model (next-token prediction)",
        summary=(
            "Token cross-entropy over the counted (not ignored) next tokens; num_items makes "
            "gradient accumulation exact; optional PaLM z-loss."
        ),
        reference="chowdhery2022palm",
        variable="logit margin m of the next token over the one other token (V = 2)",
        domain=(-10.0, 10.0),
        profile=_token_margin_profile(LLM.lm_loss),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        symbols={"z_loss": r"\lambda_z"},
        **_ALIGNMENT,
    ),
    LossSpec(
        name="kl_estimate",
        fn=LLM.kl_estimate,
        formula=(
            r"k_3 = \rho - 1 - \log\rho,\quad \rho = \frac{\pi_{\mathrm{ref}}(y)}{\pi(y)},"
            r"\ y \sim \pi\quad (k_1 = -\log\rho,\ k_2 = \tfrac12\log^2\rho)"
        ),
        problem="the KL penalty of RL post-training, estimated from sampled tokens",
        summary="Schulman's estimators of KL(π‖π_ref): k1 unbiased, k2 low-variance, k3 (default) unbiased and ≥ 0.",
        reference="schulman2020approximating",
        variable="likelihood ratio ρ = π_ref(y)/π(y) of a sampled token (k3)",
        domain=(0.05, 5.0),
        support=(0.0, float("inf")),
        profile=_kl_ratio_profile(LLM.kl_estimate),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=None,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="grpo",
        fn=LLM.grpo,
        formula=(
            r"-\min\bigl(\rho_{i,t} A_i,\ \mathrm{clip}(\rho_{i,t}, 1-\varepsilon,"
            r" 1+\varepsilon_{\mathrm{high}})\,A_i\bigr) + \beta\,k_3,\quad"
            r" \text{averaged per answer, per token or } /(B\,T)"
        ),
        problem="RL post-training of an LLM with group-relative advantages (verifiable rewards)",
        summary=(
            "PPO's clipped surrogate per token with one group-relative advantage per answer and "
            "a k3 KL penalty; GRPO, DAPO and Dr. GRPO differ in how tokens are averaged."
        ),
        reference="shao2024deepseekmath",
        example_params={"clip": 0.2},
        variable="probability ratio ρ = π_θ/π_old of a one-token answer with advantage A = +1",
        domain=(0.05, 3.0),
        support=(0.0, float("inf")),
        profile=_token_ratio_profile(LLM.grpo),
        convex=True,
        smooth=False,
        bounded_below=-1.2,  # −(1 + ε)·A at ε = 0.2, A = 1, as for ppo_clip
        robust=True,
        symmetric=None,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="simpo",
        fn=LLM.simpo,
        formula=r"-\log\sigma\bigl(\beta(\bar\ell_w - \bar\ell_l) - \gamma\bigr),\quad \bar\ell = \tfrac{1}{|y|}\log\pi_\theta(y|x)",
        problem="LLM preference alignment from pairs (offline, no reference model)",
        summary="Bradley–Terry on length-normalised log-probabilities with a target margin γ: no reference model.",
        reference="meng2024simpo",
        example_params={"beta": 2.0, "gamma": 1.0},
        variable="length-normalised margin d = ℓ̄_w − ℓ̄_l",
        domain=(-5.0, 5.0),
        slider=("gamma", (0.0, 0.5, 1.0, 1.5, 2.0)),
        profile=_avg_logp_margin_profile(LLM.simpo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
]
