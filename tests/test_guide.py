"""The loss-selection guide: every answer names a catalog loss, key cases, claims, bad input."""

from __future__ import annotations

import itertools
import json
import re
from functools import cache
from pathlib import Path

import pytest
import torch

from lossbook.catalog import CATALOG
from lossbook.guide import (
    GENERATIVE_MODELS,
    METRICS,
    OUTSIDE_LOSSES,
    PREFERENCES,
    TASKS,
    Evidence,
    Recommendation,
    huber_delta,
    recommend,
)

BOOK = Path(__file__).resolve().parents[1] / "book"

# Every valid combination of flags the guide accepts, per task.
FLAG_SETS = {
    "regression": [
        {"outliers": o, "intervals": i, "images": m}
        for o, i, m in itertools.product([False, True], repeat=3)
    ],
    "binary": [{"imbalance": False}, {"imbalance": True}],
    "multiclass": [
        {"imbalance": i, "multi_label": m} for i, m in itertools.product([False, True], repeat=2)
    ],
    "multilabel": [{"imbalance": False}, {"imbalance": True}, {"multi_label": True}],
    "ranking": [{}],
    "retrieval": [{"multimodal": False}, {"multimodal": True}],
    "segmentation": [{"imbalance": False}, {"imbalance": True}],
    "sequence": [{}, {"aligned": True}, {"aligned": False}],
    "generative": [
        {"generative_model": g, "images": m}
        for g, m in itertools.product([None, *GENERATIVE_MODELS], [False, True])
    ],
    "alignment": [{}] + [{"preference": p} for p in PREFERENCES],
}
# Every metric with every flag set of every task it applies to.
FLAG_SETS = {
    task: flag_sets
    + [
        {**flags, "metric": metric}
        for flags in flag_sets
        for metric, tasks in METRICS.items()
        if ("multilabel" if flags.get("multi_label") else task) in tasks
    ]
    for task, flag_sets in FLAG_SETS.items()
}
CASES = [(task, flags) for task in TASKS for flags in FLAG_SETS[task]]
RECOMMENDATIONS = [r for task, flags in CASES for r in recommend(task, **flags)]


def names(task, **flags):
    return [r.loss for r in recommend(task, **flags)]


def test_flag_sets_cover_every_task():
    assert set(FLAG_SETS) == set(TASKS)


@pytest.mark.parametrize(("task", "flags"), CASES, ids=[f"{t}-{f}" for t, f in CASES])
def test_every_recommendation_is_a_catalog_loss_with_a_short_reason(task, flags):
    recs = recommend(task, **flags)
    assert recs
    assert len({(r.loss, r.setting) for r in recs}) == len(recs)  # no duplicates
    for r in recs:
        assert isinstance(r, Recommendation)
        if r.in_lossbook:
            assert r.spec is CATALOG[r.loss]
        else:
            assert r.loss in OUTSIDE_LOSSES and r.spec is None
            assert "lossbook has none" in r.reason  # says so
        assert 20 < len(r.reason) < 250
        assert r.reason.endswith(".") and not re.search(r"\. [A-Z]", r.reason)  # one sentence
        assert len(r.setting) < 100


def test_regression():
    assert names("regression")[0] == "mse"
    robust = names("regression", outliers=True)
    assert robust[0] == "huber"
    assert {"mae", "log_cosh"} <= set(robust)
    assert "mse" not in robust
    assert names("regression", intervals=True)[0] == "quantile"
    both = names("regression", intervals=True, outliers=True)
    assert both[0] == "quantile" and "huber" in both and "mse" not in both


def test_robustness_claims_are_true_in_the_catalog():
    # Every loss recommended for outliers is one the catalog marks robust (a bounded
    # derivative, checked numerically by the catalog's own tests), and the losses left out
    # for outliers are the non-robust ones.
    for flags in ({"outliers": True}, {"outliers": True, "intervals": True}):
        for r in recommend("regression", **flags):
            assert CATALOG[r.loss].robust is True, r.loss
    assert CATALOG["mse"].robust is False
    # Other property words used in reasons match the catalog.
    for task, flags in CASES:
        for r in recommend(task, **flags):
            text = r.reason.lower()
            if "twice differentiable" in text:
                assert CATALOG[r.loss].smooth is True, r.loss
            if "convex" in text:
                assert CATALOG[r.loss].convex is True, r.loss
            if "robust" in text:
                assert CATALOG[r.loss].robust is True, r.loss


def test_classification():
    assert names("binary")[0] == "binary_cross_entropy_with_logits"
    assert names("multiclass") == ["cross_entropy"]
    assert names("multilabel")[0] == "binary_cross_entropy_with_logits"
    assert names("multiclass", multi_label=True) == names("multilabel")
    assert recommend("multiclass", multi_label=True) == recommend("multilabel")


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_imbalance_keeps_the_proper_loss_first_and_tunes_the_decision(task):
    # The book's evidence (chapters 2, 4, 12): a calibrated loss plus a tuned decision threshold
    # first; focal as the alternative; class weights only with a warning.
    first, focal, weighted = recommend(task, imbalance=True)
    proper = "cross_entropy" if task == "multiclass" else "binary_cross_entropy_with_logits"
    assert first.loss == proper and "validation" in first.setting
    assert "threshold" in first.setting or "threshold" in first.reason
    assert focal.loss.endswith("_focal") and "not calibrated" in focal.reason
    assert "mainly sped training" in focal.reason
    if focal.loss == "sigmoid_focal":  # its default alpha down-weights the positives
        assert "alpha = 0.25 down-weights" in focal.reason
        assert "alpha=0.25" in focal.setting
    assert weighted.loss == proper and "weight" in weighted.setting
    assert weighted.reason.startswith("Only with care")
    if task == "binary":
        assert "shifts the calibrated probabilities" in weighted.reason
        assert "threshold instead or in addition" in weighted.reason


def test_outliers_huber_delta_on_the_residual_scale():
    huber = recommend("regression", outliers=True)[0]
    assert huber.loss == "huber"
    assert "scale of the residuals" in huber.reason and "1.345" in huber.setting
    assert "MAD" in huber.setting


def test_huber_delta():
    r = torch.tensor([-3.0, -1.0, 0.0, 0.5, 2.0, 100.0], dtype=torch.float64)
    median = r.median()  # torch: the lower middle value
    expected = 1.345 * 1.4826 * (r - median).abs().median()
    torch.testing.assert_close(huber_delta(r), expected)
    assert huber_delta(r).dtype == torch.float64
    # It is a scale: it follows the residuals' units, and ignores how far out an outlier is.
    torch.testing.assert_close(huber_delta(1000 * r), 1000 * huber_delta(r))
    far = r.clone()
    far[-1] = 1e6
    torch.testing.assert_close(huber_delta(far), huber_delta(r))
    # For Gaussian noise it is about 1.345 standard deviations.
    g = torch.Generator().manual_seed(0)
    noise = 50.0 * torch.randn(20001, generator=g, dtype=torch.float64)
    assert abs(huber_delta(noise).item() / (1.345 * 50.0) - 1) < 0.03
    assert huber_delta(noise, k=1.0) < huber_delta(noise)
    with pytest.raises(TypeError, match="residuals must be a torch.Tensor"):
        huber_delta([1.0, 2.0])
    with pytest.raises(ValueError, match="residuals must not be empty"):
        huber_delta(torch.zeros(0))
    with pytest.raises(ValueError, match="k must be a finite number > 0"):
        huber_delta(r, k=0.0)


def test_other_tasks():
    assert names("ranking")[0] == "pairwise_ranking"
    assert {"info_nce", "triplet"} <= set(names("retrieval")[:2])
    assert names("retrieval", multimodal=True)[0] == "clip_loss"
    assert names("segmentation")[0] == "dice_cross_entropy"
    assert names("segmentation", imbalance=True)[:2] == ["dice_cross_entropy", "dice"]


def test_sequence_alignment_decides_ctc_or_cross_entropy():
    assert names("sequence") == ["ctc", "cross_entropy"]
    assert names("sequence", aligned=False) == ["ctc"]
    (tagging,) = recommend("sequence", aligned=True)
    assert tagging.loss == "cross_entropy" and "part-of-speech tagging" in tagging.reason
    assert "not known" in recommend("sequence", aligned=False)[0].reason


def test_generative_model_decides_gan_or_vae():
    assert names("generative", generative_model="gan") == [
        "wasserstein_critic",
        "gradient_penalty",
        "wasserstein_generator",
    ]
    vae = names("generative", generative_model="vae")
    assert vae == ["mse", "binary_cross_entropy_with_logits", "gaussian_kl"]
    for r in recommend("generative", generative_model="vae")[:2]:
        assert "reconstruction" in r.reason and "gaussian_kl" in r.setting
    both = names("generative")
    assert {"wasserstein_critic", "gradient_penalty"} <= set(both[:2]) and "gaussian_kl" in both


@pytest.mark.parametrize(
    ("task", "flags"),
    [("regression", {}), ("generative", {"generative_model": "vae"}), ("generative", {})],
)
def test_images_add_a_perceptual_loss_lossbook_does_not_implement(task, flags):
    assert "perceptual" not in names(task, **flags)
    rec = recommend(task, images=True, **flags)[-1]
    assert rec.loss == "perceptual" and not rec.in_lossbook and rec.spec is None
    assert "pretrained" in rec.reason and "Johnson et al., 2016" in rec.reason


@pytest.mark.parametrize(
    ("task", "metric", "loss"),
    [
        ("regression", "rmse", "mse"),
        ("regression", "mae", "mae"),
        ("regression", "pinball", "quantile"),
        ("binary", "log_loss", "binary_cross_entropy_with_logits"),
        ("multiclass", "accuracy", "cross_entropy"),
        ("binary", "f1", "binary_cross_entropy_with_logits"),
        ("multilabel", "f1", "binary_cross_entropy_with_logits"),
        ("segmentation", "dice", "dice"),
        ("ranking", "auc", "pairwise_ranking"),
    ],
)
def test_the_metric_puts_its_loss_first(task, metric, loss):
    for imbalance in [False, True] if "imbalance" in FLAG_SETS[task][-1] else [False]:
        flags = {"imbalance": True} if imbalance else {}
        recs = recommend(task, metric=metric, **flags)
        assert recs[0].loss == loss
        assert recs[0] not in recommend(task, **flags) or recs == recommend(task, **flags)
    assert recommend("regression", outliers=True, metric="mae")[0].loss == "mae"
    assert names("binary", imbalance=True, metric="log_loss") == [
        "binary_cross_entropy_with_logits"
    ]  # probabilities are judged: no focal loss, no pos_weight
    f1 = recommend("binary", metric="f1")[0]
    assert "threshold" in f1.setting and "F1-optimal threshold" in f1.reason


def test_alignment():
    assert names("alignment")[0] == "dpo"  # paired preferences by default
    assert names("alignment", preference="paired")[0] == "dpo"
    assert names("alignment", preference="unpaired") == ["kto"]
    assert names("alignment", preference="reward_model") == ["pairwise_ranking"]
    assert names("alignment", preference="rl")[0] == "ppo_clip"


# --- The evidence: every result a reason cites is in the chapter it names. ---------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


@cache
def _sections(chapter: int) -> dict[str, str]:
    """Heading text -> everything the section shows (prose and text outputs, to the next
    heading of the same or a higher level), white space collapsed."""
    (path,) = BOOK.glob(f"{chapter:02d}_*.ipynb")
    open_sections: list[tuple[int, str]] = []
    shown: dict[str, list[str]] = {}
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.splitlines():
                heading = re.match(r"(#+) (.*)", line)
                if heading:
                    level = len(heading[1])
                    open_sections = [(lv, h) for lv, h in open_sections if lv < level]
                    open_sections.append((level, heading[2].strip()))
                    shown.setdefault(heading[2].strip(), [])
                for _, h in open_sections:
                    shown[h].append(line)
            continue
        texts = []
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
        for _, h in open_sections:
            shown[h] += texts
    return {h: _squash("\n".join(lines)) for h, lines in shown.items()}


CITED = sorted(
    {(r.loss, r.setting, r.reason, r.see) for r in RECOMMENDATIONS if r.see},
    key=lambda cited: cited[:2],
)


def test_the_key_recommendations_cite_evidence():
    cited = {(loss, setting) for loss, setting, _, _ in CITED}
    for task, flags in (("binary", {}), ("multiclass", {}), ("multilabel", {})):
        for r in recommend(task, imbalance=True, **flags):
            assert (r.loss, r.setting) in cited, (task, r.loss, r.setting)
    assert ("huber", recommend("regression", outliers=True)[0].setting) in cited
    assert any(loss == "ctc" for loss, *_ in CITED)


@pytest.mark.parametrize(
    ("loss", "setting", "reason", "see"), CITED, ids=[f"{c[0]}[{c[1]}]" for c in CITED]
)
def test_each_cited_result_is_shown_in_its_chapter_and_backs_the_reason(loss, setting, reason, see):
    for evidence in see:
        assert isinstance(evidence, Evidence)
        sections = _sections(evidence.chapter)
        assert evidence.section in sections, (
            f"chapter {evidence.chapter} has no section {evidence.section!r}"
        )
        assert _squash(evidence.shows) in sections[evidence.section], (
            f"chapter {evidence.chapter}, section {evidence.section!r}, does not show "
            f"{evidence.shows!r} (re-executed? then the guide's reason for {loss} may be stale)"
        )
    # The reason cites only what its evidence holds: every chapter it names, every decimal
    # number it quotes.
    for chapter in re.findall(r"chapter (\d+)", reason):
        assert int(chapter) in {e.chapter for e in see}, f"{loss}: chapter {chapter} not in see"
    quoted = {n for e in see for n in re.findall(r"\d+\.\d+", e.shows)}
    for number in re.findall(r"\d+\.\d+", reason):
        assert number in quoted, f"{loss}: {number} in the reason is not in the cited results"


def test_reasons_that_name_a_chapter_cite_it():
    for r in RECOMMENDATIONS:
        for chapter in re.findall(r"chapter (\d+)", r.reason):
            assert int(chapter) in {e.chapter for e in r.see}, (r.loss, r.reason)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"task must be one of \('regression'.*got 'clustering'"):
        recommend("clustering")
    with pytest.raises(ValueError, match=r"outliers does not apply to task 'multiclass'"):
        recommend("multiclass", outliers=True)
    with pytest.raises(
        ValueError, match=r"imbalance, intervals does not apply to task 'sequence'.*aligned\)"
    ):
        recommend("sequence", imbalance=True, intervals=True)
    with pytest.raises(ValueError, match=r"preference does not apply to task 'ranking'"):
        recommend("ranking", preference="paired")
    with pytest.raises(ValueError, match=r"multi_label does not apply to task 'binary'"):
        recommend("binary", multi_label=True)
    with pytest.raises(ValueError, match=r"preference must be one of .*got 'online'"):
        recommend("alignment", preference="online")
    with pytest.raises(ValueError, match=r"aligned does not apply to task 'regression'"):
        recommend("regression", aligned=True)
    with pytest.raises(ValueError, match=r"images does not apply to task 'binary'"):
        recommend("binary", images=True)
    with pytest.raises(ValueError, match=r"generative_model must be one of \('gan', 'vae'\)"):
        recommend("generative", generative_model="diffusion")
    with pytest.raises(ValueError, match=r"generative_model does not apply to task 'sequence'"):
        recommend("sequence", generative_model="gan")
    with pytest.raises(ValueError, match=r"metric must be one of \('rmse'.*got 'bleu'"):
        recommend("regression", metric="bleu")
    with pytest.raises(
        ValueError, match=r"metric 'dice' does not apply to task 'binary' \(metrics for it: "
    ):
        recommend("binary", metric="dice")
    with pytest.raises(ValueError, match=r"metric 'accuracy' does not apply to task 'multilabel'"):
        recommend("multiclass", multi_label=True, metric="accuracy")
    with pytest.raises(ValueError, match=r"metric does not apply to task 'generative'"):
        recommend("generative", metric="rmse")
    with pytest.raises(TypeError, match="outliers must be True or False, got str"):
        recommend("regression", outliers="yes")
    with pytest.raises(TypeError, match="aligned must be True, False or None, got int"):
        recommend("sequence", aligned=1)
    with pytest.raises(TypeError):
        recommend("regression", True)  # flags are keyword-only
