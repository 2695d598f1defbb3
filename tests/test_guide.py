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
    PENDING,
    PREFERENCES,
    TASKS,
    TO_QUOTE,
    Claim,
    Evidence,
    Number,
    Recommendation,
    huber_delta,
    recommend,
)

BOOK = Path(__file__).resolve().parents[1] / "book"

# Every valid combination of flags the guide accepts, per task.
FLAG_SETS = {
    "regression": [
        {"outliers": o, "intervals": i, "images": m, "counts": c, "heteroscedastic": h}
        for o, i, m, c, h in itertools.product([False, True], repeat=5)
    ],
    "binary": [
        {"imbalance": i, "noisy_labels": n} for i, n in itertools.product([False, True], repeat=2)
    ],
    "multiclass": [
        {"imbalance": i, "multi_label": m, "noisy_labels": n}
        for i, m, n in itertools.product([False, True], repeat=3)
    ],
    "multilabel": [
        {"imbalance": False},
        {"imbalance": True},
        {"multi_label": True},
        {"imbalance": True, "noisy_labels": True},
    ],
    "ranking": [{}],
    "retrieval": [{"multimodal": False}, {"multimodal": True}],
    "segmentation": [{"imbalance": False}, {"imbalance": True}],
    "sequence": [{}, {"aligned": True}, {"aligned": False}],
    "generative": [
        {"generative_model": g, "images": m}
        for g, m in itertools.product([None, *GENERATIVE_MODELS], [False, True])
    ],
    "alignment": [{}] + [{"preference": p} for p in PREFERENCES],
    "lm_pretraining": [{}],
    "rl_post_training": [{}],
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


def one_sentence(text: str) -> bool:
    return text.endswith(".") and not re.search(r"\. [A-Z]", text)


@pytest.mark.parametrize(("task", "flags"), CASES, ids=[f"{t}-{f}" for t, f in CASES])
def test_every_recommendation_is_a_catalog_loss_with_a_short_reason(task, flags):
    recs = recommend(task, **flags)
    assert recs
    assert len({r.loss for r in recs}) == len(recs), "a loss listed twice"  # issue 28, item 3
    for r in recs:
        assert isinstance(r, Recommendation)
        if r.in_lossbook:
            assert r.spec is CATALOG[r.loss]
        elif r.loss in OUTSIDE_LOSSES:
            assert r.spec is None and "lossbook has none" in r.reason  # says so
        else:
            assert r.loss in PENDING and r.spec is None
        assert 20 < len(r.reason) < 250
        assert one_sentence(r.reason)
        assert len(r.setting) < 100
        for note in r.notes:
            assert 20 < len(note) < 250 and one_sentence(note), note


def test_no_loss_is_listed_twice_even_where_it_has_two_uses():
    # Class weights and label smoothing are notes of the one cross-entropy entry.
    for task in ("binary", "multiclass", "multilabel"):
        for metric in [None, *(m for m, tasks in METRICS.items() if task in tasks)]:
            names_ = [r.loss for r in recommend(task, imbalance=True, metric=metric)]
            assert len(set(names_)) == len(names_), (task, metric, names_)


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
    # The book's evidence (chapters 2, 4, 12, 15): a calibrated loss plus a tuned decision
    # threshold first; focal as the alternative; class weights only as a warning (a note).
    first, focal = recommend(task, imbalance=True)
    proper = "cross_entropy" if task == "multiclass" else "binary_cross_entropy_with_logits"
    assert first.loss == proper
    assert "threshold" in first.setting or "threshold" in first.reason
    assert "validation" in first.setting
    assert "training set" in first.reason or "chapter 12" in first.reason
    assert focal.loss.endswith("_focal") and "not calibrated" in focal.reason
    assert "mainly sped training" in focal.reason
    if focal.loss == "sigmoid_focal":  # its default alpha down-weights the positives
        assert "alpha = 0.25 down-weights" in focal.reason
        assert "alpha=0.25" in focal.setting
    (weight_note,) = [n for n in first.notes if "weight" in n]
    assert "overshoot" in weight_note or "fell" in weight_note
    if task == "binary":
        assert "tune_threshold" in first.setting  # the helper the guide names
        assert weight_note.startswith("Avoid pos_weight")


@pytest.mark.parametrize(
    ("task", "flags"),
    [
        ("binary", {"imbalance": True}),
        ("multilabel", {"imbalance": True}),
        ("binary", {"metric": "f1"}),
    ],
)
def test_the_threshold_advice_says_what_to_do_when_validation_is_small(task, flags):
    # Issue 28, item 3: 4 validation positives made a tuned threshold worse than 0.5.
    notes = recommend(task, **flags)[0].notes
    (small,) = [n for n in notes if "positives for validation" in n]
    assert "fewer than about 30 positives" in small and "cross-validated scores" in small
    (prior,) = [n for n in notes if "share of positives" in n]
    assert "balanced accuracy, not F1" in prior and "keeping 0.5" in prior


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


def test_generative_model_decides_the_losses():
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
    assert "denoising_loss" in both
    assert names("generative", generative_model="diffusion") == ["denoising_loss"]
    assert names("generative", generative_model="flow") == ["flow_matching"]
    (diffusion,) = recommend("generative", generative_model="diffusion")
    assert "weighted ELBO" in diffusion.reason and "target='eps'" in diffusion.setting
    assert "x1 - x0" in recommend("generative", generative_model="flow")[0].reason


def test_llm_pretraining_and_rl_post_training():
    # Issue 22, item 12.
    (lm,) = recommend("lm_pretraining")
    assert lm.loss == "lm_loss" and "num_items" in lm.setting and "z_loss" in lm.setting
    assert "perplexity" in lm.reason and any("accumulation" in n for n in lm.notes)
    rl = recommend("rl_post_training")
    assert [r.loss for r in rl] == ["grpo", "kl_estimate"]  # group_advantages: a helper, in a note
    assert any("group_advantages" in n for n in rl[0].notes)
    assert "Verifiable rewards" in rl[0].reason and "normalize='token'" in rl[0].setting
    assert "'leave_one_out'" in rl[0].notes[0] and "'k3'" in rl[1].setting


def test_counts_heteroscedastic_and_noisy_labels():
    assert names("regression", counts=True)[0] == "poisson_nll"
    assert names("regression", heteroscedastic=True)[:2] == ["gaussian_nll", "crps_gaussian"]
    assert "mse" not in names("regression", counts=True)
    noisy = recommend("binary", noisy_labels=True)[-1]
    assert noisy.loss == "generalized_cross_entropy" and not noisy.in_lossbook
    assert "not outliers in y" in noisy.reason and "memorise" in noisy.reason


def test_ranking_metrics_name_the_right_surrogate():
    # Issue 21, item 9: pairwise -> AUC / pairwise accuracy; listwise -> NDCG / AP.
    assert names("ranking", metric="auc")[0] == "pairwise_ranking"
    for metric in ("ndcg", "average_precision"):
        assert names("ranking", metric=metric)[:3] == ["listnet", "listmle", "pairwise_ranking"]
    assert "pairwise accuracy (AUC)" in recommend("ranking")[0].reason
    assert "top of the list" in recommend("ranking", metric="ndcg")[0].reason
    assert "tied" in recommend("ranking", metric="ndcg")[1].reason


def test_auc_for_a_binary_task():
    # Issue 28, item 3: metric="auc" is accepted for binary tasks.
    recs = recommend("binary", imbalance=True, metric="auc")
    assert [r.loss for r in recs][:2] == ["binary_cross_entropy_with_logits", "pairwise_ranking"]
    assert "no threshold" in recs[0].reason


def test_pending_losses_are_not_in_the_catalog_yet():
    # Losses other branches add. Once one is merged (it is in the catalog), remove it from
    # guide.PENDING and quote, in place of TO_QUOTE, the line its chapter prints.
    merged = sorted(name for name in PENDING if name in CATALOG)
    assert not merged, f"merged: remove {merged} from lossbook.guide.PENDING and quote their lines"


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
        ("binary", "auc", "binary_cross_entropy_with_logits"),
        ("ranking", "ndcg", "listnet"),
    ],
)
def test_the_metric_puts_its_loss_first(task, metric, loss):
    for imbalance in [False, True] if "imbalance" in FLAG_SETS[task][-1] else [False]:
        flags = {"imbalance": True} if imbalance else {}
        recs = recommend(task, metric=metric, **flags)
        assert recs[0].loss == loss
    assert recommend("regression", outliers=True, metric="mae")[0].loss == "mae"
    assert names("binary", imbalance=True, metric="log_loss") == [
        "binary_cross_entropy_with_logits"
    ]  # probabilities are judged: no focal loss, no pos_weight
    f1 = recommend("binary", metric="f1")[0]
    assert "threshold" in f1.setting and "F1-optimal threshold" in f1.reason
    # The metric's entry keeps the notes of the entry it replaces (the pos_weight warning).
    f1_imbalanced = recommend("binary", imbalance=True, metric="f1")[0]
    assert any(n.startswith("Avoid pos_weight") for n in f1_imbalanced.notes)


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


# Every distinct recommendation (with its notes, evidence and claims) that cites the book.
CITED = sorted({r for r in RECOMMENDATIONS if r.see}, key=lambda r: (r.loss, r.setting, r.reason))
CITED_IDS = [f"{r.loss}[{r.setting[:30]}]" for r in CITED]


def _texts(r: Recommendation) -> tuple[str, ...]:
    return (r.reason, *r.notes)


def test_the_key_recommendations_cite_evidence():
    cited = {(r.loss, r.setting) for r in CITED}
    for task, flags in (("binary", {}), ("multiclass", {}), ("multilabel", {})):
        for r in recommend(task, imbalance=True, **flags):
            assert (r.loss, r.setting) in cited, (task, r.loss, r.setting)
    assert ("huber", recommend("regression", outliers=True)[0].setting) in cited
    assert any(r.loss == "ctc" for r in CITED)
    # The capstone backs the new advice: counts, listwise ranking, small validation sets.
    assert any(e.chapter == 15 for e in recommend("regression", counts=True)[0].see)
    assert any(e.chapter == 15 for e in recommend("ranking", metric="ndcg")[0].see)


@pytest.mark.parametrize("rec", CITED, ids=CITED_IDS)
def test_each_cited_result_is_shown_in_its_chapter_and_backs_the_reason(rec):
    for evidence in rec.see:
        assert isinstance(evidence, Evidence)
        if TO_QUOTE in (evidence.section, evidence.shows):
            # A line a chapter prints only after another branch is merged.
            assert rec.loss in PENDING, f"{rec.loss}: quote the line for {evidence}"
            continue
        sections = _sections(evidence.chapter)
        assert evidence.section in sections, (
            f"chapter {evidence.chapter} has no section {evidence.section!r}"
        )
        assert _squash(evidence.shows) in sections[evidence.section], (
            f"chapter {evidence.chapter}, section {evidence.section!r}, does not show "
            f"{evidence.shows!r} (re-executed? then the guide's reason for {rec.loss} may be "
            "stale: quote the new line, and its claims are checked against the new numbers)"
        )
    # The text cites only what its evidence holds: every chapter it names, every decimal
    # number it quotes.
    chapters = {e.chapter for e in rec.see}
    quoted = {n for e in rec.see for n in re.findall(r"\d+\.\d+", e.shows)}
    for text in _texts(rec):
        for chapter in re.findall(r"chapter (\d+)", text):
            assert int(chapter) in chapters, f"{rec.loss}: chapter {chapter} not in see"
        for number in re.findall(r"\d+\.\d+", text):
            assert number in quoted, f"{rec.loss}: {number} in its text is not in the cited results"


def test_reasons_that_name_a_chapter_cite_it():
    for r in RECOMMENDATIONS:
        for text in _texts(r):
            for chapter in re.findall(r"chapter (\d+)", text):
                assert int(chapter) in {e.chapter for e in r.see}, (r.loss, text)


# --- The directions: what a reason says went up or down, the cited numbers must show. ------

#: Words that state a measured comparison. Each occurrence in a reason or note must be part
#: of a Claim's wording, which the test below checks against the printed numbers.
DIRECTION = re.compile(
    r"\b(better|worse|improv\w*|beat|beats|outperform\w*|matched|as good as|level with|"
    r"came close|fell|rose|lowered|raised|faster|slower|sped|lagged|overshoot\w*|hurt\w*)\b",
    re.IGNORECASE,
)


def uncovered_directions(r: Recommendation) -> list[str]:
    """The direction words in ``r``'s reason and notes that no claim states."""
    found = []
    for text in _texts(r):
        spans = [
            (m.start(), m.end()) for c in r.claims for m in re.finditer(re.escape(c.says), text)
        ]
        for m in DIRECTION.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in spans):
                found.append(f"{m.group()!r} in {text!r}")
    return found


@pytest.mark.parametrize(("task", "flags"), CASES, ids=[f"{t}-{f}" for t, f in CASES])
def test_every_stated_direction_is_a_claim(task, flags):
    for r in recommend(task, **flags):
        assert not uncovered_directions(r), (
            f"{r.loss}: a measured direction without a Claim (cite the printed line and "
            f"compare its numbers): {uncovered_directions(r)}"
        )


CLAIMED = sorted({r for r in RECOMMENDATIONS if r.claims}, key=lambda r: (r.loss, r.reason))


@pytest.mark.parametrize("rec", CLAIMED, ids=[f"{r.loss}[{r.setting[:30]}]" for r in CLAIMED])
def test_each_claim_is_worded_in_the_text_and_holds_on_the_printed_numbers(rec):
    for claim in rec.claims:
        assert any(claim.says in text for text in _texts(rec)), (
            f"{rec.loss}: the claim {claim.says!r} is not worded in its reason or notes"
        )
        for number in (claim.left, claim.right):
            assert number.evidence in rec.see, f"{rec.loss}: {number.evidence} not in see"
        left, right = claim.left.value, claim.right.value
        assert claim.holds(), (
            f"{rec.loss}: {claim.says!r} needs {left} {claim.relation} {right} "
            f"(margin {claim.margin}), which the chapter's printed numbers do not show"
        )


def test_a_claim_fails_when_the_numbers_point_the_other_way():
    # Issue 21, item 1: "smoothing improves calibration" against chapter 4's ECE 0.022 -> 0.036.
    plain = Evidence(
        4, "Label smoothing and calibration", "2000 examples, ε = 0.0 0.85 0.83 0.85 0.022"
    )
    smooth = Evidence(
        4, "Label smoothing and calibration", "2000 examples, ε = 0.1 0.85 0.83 0.80 0.036"
    )
    assert smooth.numbers() == [2000.0, 0.1, 0.85, 0.83, 0.80, 0.036]
    wrong = Claim("lowered the ECE", Number(smooth, -1), "<", Number(plain, -1))
    right = Claim("raised the ECE", Number(smooth, -1), ">", Number(plain, -1))
    assert not wrong.holds() and right.holds()
    assert Claim("about equal", Number(smooth, -1), "≈", Number(plain, -1), 0.02).holds()
    assert not Claim("about equal", Number(smooth, -1), "≈", Number(plain, -1), 0.01).holds()
    # ... and an unclaimed "better calibration" is caught by the direction words.
    reintroduced = Recommendation(
        "cross_entropy", "Convex in the logits; add label_smoothing for better calibration."
    )
    assert uncovered_directions(reintroduced) == [
        "'better' in 'Convex in the logits; add label_smoothing for better calibration.'"
    ]


def test_label_smoothing_is_advised_only_against_over_confidence():
    # Issue 21, item 1.
    (ce,) = recommend("multiclass")
    (note,) = [n for n in ce.notes if "label_smoothing" in n]
    assert note.startswith(
        "Add label_smoothing only if a reliability diagram shows over-confidence"
    )
    assert "better calibration" not in ce.reason + note


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
    with pytest.raises(
        ValueError, match=r"generative_model must be one of \('gan', 'vae', 'diffusion', 'flow'\)"
    ):
        recommend("generative", generative_model="autoregressive")
    with pytest.raises(ValueError, match=r"counts does not apply to task 'binary'"):
        recommend("binary", counts=True)
    with pytest.raises(ValueError, match=r"metric does not apply to task 'lm_pretraining'"):
        recommend("lm_pretraining", metric="log_loss")
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


def test_the_guide_states_the_protocol_chapter_12_ran():
    # Issue 21, item 2: chapter 12 tuned its threshold on the training set; the guide must say
    # the protocol that was run. When chapter 12 is re-run (say, on a validation split), the
    # quoted protocol line fails first; re-quoting it makes this test ask for the new wording.
    rec = recommend("binary", imbalance=True)[0]
    (protocol,) = [e for e in rec.see if e.chapter == 12 and "maximises F1 on" in e.shows]
    where = re.search(
        r"maximises F1 on (?:the|a)(?: separate)? \**(\w+) (set|split)", protocol.shows
    )
    assert where, protocol.shows
    assert f"{where[1]} {where[2]}" in rec.reason, (where[0], rec.reason)
