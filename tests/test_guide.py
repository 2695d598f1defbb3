"""The loss-selection guide: every answer names a catalog loss, key cases, claims, bad input."""

from __future__ import annotations

import itertools
import re

import pytest

from lossbook.catalog import CATALOG
from lossbook.guide import PREFERENCES, TASKS, Recommendation, recommend

# Every valid combination of flags the guide accepts, per task.
FLAG_SETS = {
    "regression": [
        {"outliers": o, "intervals": i} for o, i in itertools.product([False, True], repeat=2)
    ],
    "binary": [{"imbalance": False}, {"imbalance": True}],
    "multiclass": [
        {"imbalance": i, "multi_label": m} for i, m in itertools.product([False, True], repeat=2)
    ],
    "multilabel": [{"imbalance": False}, {"imbalance": True}, {"multi_label": True}],
    "ranking": [{}],
    "retrieval": [{"multimodal": False}, {"multimodal": True}],
    "segmentation": [{"imbalance": False}, {"imbalance": True}],
    "sequence": [{}],
    "generative": [{}],
    "alignment": [{}] + [{"preference": p} for p in PREFERENCES],
}
CASES = [(task, flags) for task in TASKS for flags in FLAG_SETS[task]]


def names(task, **flags):
    return [r.loss for r in recommend(task, **flags)]


def test_flag_sets_cover_every_task():
    assert set(FLAG_SETS) == set(TASKS)


@pytest.mark.parametrize(("task", "flags"), CASES, ids=[f"{t}-{f}" for t, f in CASES])
def test_every_recommendation_is_a_catalog_loss_with_a_short_reason(task, flags):
    recs = recommend(task, **flags)
    assert recs
    assert len({r.loss for r in recs}) == len(recs)  # no duplicates
    for r in recs:
        assert isinstance(r, Recommendation)
        assert r.loss in CATALOG
        assert r.spec is CATALOG[r.loss]
        assert 20 < len(r.reason) < 250
        assert r.reason.endswith(".") and not re.search(r"\. [A-Z]", r.reason)  # one sentence


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
    assert names("binary", imbalance=True)[0] == "sigmoid_focal"
    assert names("multiclass") == ["cross_entropy"]
    assert names("multiclass", imbalance=True)[0] == "softmax_focal"
    assert names("multilabel")[0] == "binary_cross_entropy_with_logits"
    assert names("multiclass", multi_label=True) == names("multilabel")
    assert names("multilabel", imbalance=True)[0] == "sigmoid_focal"


def test_other_tasks():
    assert names("ranking")[0] == "pairwise_ranking"
    assert {"info_nce", "triplet"} <= set(names("retrieval")[:2])
    assert names("retrieval", multimodal=True)[0] == "clip_loss"
    assert names("segmentation")[0] == "dice_cross_entropy"
    assert names("segmentation", imbalance=True)[:2] == ["dice_cross_entropy", "dice"]
    assert names("sequence")[0] == "ctc"
    assert {"wasserstein_critic", "gradient_penalty"} <= set(names("generative")[:2])


def test_alignment():
    assert names("alignment")[0] == "dpo"  # paired preferences by default
    assert names("alignment", preference="paired")[0] == "dpo"
    assert names("alignment", preference="unpaired") == ["kto"]
    assert names("alignment", preference="reward_model") == ["pairwise_ranking"]
    assert names("alignment", preference="rl")[0] == "ppo_clip"


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"task must be one of \('regression'.*got 'clustering'"):
        recommend("clustering")
    with pytest.raises(ValueError, match=r"outliers does not apply to task 'multiclass'"):
        recommend("multiclass", outliers=True)
    with pytest.raises(
        ValueError, match=r"imbalance, intervals does not apply to task 'sequence'.*none"
    ):
        recommend("sequence", imbalance=True, intervals=True)
    with pytest.raises(ValueError, match=r"preference does not apply to task 'ranking'"):
        recommend("ranking", preference="paired")
    with pytest.raises(ValueError, match=r"multi_label does not apply to task 'binary'"):
        recommend("binary", multi_label=True)
    with pytest.raises(ValueError, match=r"preference must be one of .*got 'online'"):
        recommend("alignment", preference="online")
    with pytest.raises(TypeError, match="outliers must be True or False, got str"):
        recommend("regression", outliers="yes")
    with pytest.raises(TypeError):
        recommend("regression", True)  # flags are keyword-only
