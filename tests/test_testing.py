"""lossbook.testing.check_loss: passes on lossbook's own losses, names what a broken loss gets wrong."""

from __future__ import annotations

import pytest
import torch

import lossbook as lb
from lossbook.catalog import CATALOG
from lossbook.testing import DOMAINS, check_loss

CHECKS = [
    "gradcheck",
    "reductions",
    "extreme inputs",
    "dtype and device",
    "bad shape",
    "bad reduction",
    "not a tensor",
]


@pytest.mark.parametrize(
    "loss",
    [lb.mse, lb.mae, lb.huber, lb.log_cosh, lb.quantile, lb.binary_cross_entropy_with_logits],
)
def test_lossbook_losses_pass(loss):
    # away from kinks: residuals and logits of size >= 0.5
    pred = torch.tensor([0.5, -1.5, 2.0, -0.7, 1.1, -2.4], dtype=torch.float64)
    target = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0], dtype=torch.float64)
    report = check_loss(loss, (pred, target))
    assert [r.check for r in report.results] == CHECKS
    report.assert_passed()


def test_catalog_examples_are_used_when_no_inputs_are_given():
    assert check_loss(lb.triplet).passed


def test_a_broken_loss_fails_exactly_the_checks_it_breaks():
    def broken(pred, target, *, reduction="mean"):
        loss = torch.exp(target - pred)  # overflows; no checks; any reduction string accepted
        return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss

    report = check_loss(broken, (torch.zeros(4, dtype=torch.float64), torch.ones(4)))
    failed = {r.check for r in report.failures}
    assert failed == {"extreme inputs", "bad shape", "bad reduction", "not a tensor"}
    assert not report.passed
    text = str(report)
    assert text.startswith("check_loss(broken): 4 check(s) FAILED")
    assert "FAIL  bad shape" in text and "ok    gradcheck" in text
    with pytest.raises(AssertionError, match="bad reduction"):
        report.assert_passed()


def test_a_wrong_gradient_fails_gradcheck():
    class Wrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, r):
            ctx.save_for_backward(r)
            return r.square()

        @staticmethod
        def backward(ctx, grad):
            (r,) = ctx.saved_tensors
            return grad * r  # should be 2r

    def squared(pred, target, *, reduction="mean"):
        lb.checks.check_pair("pred", pred, "target", target)
        lb.checks.check_reduction(reduction)
        return lb.checks.reduce(Wrong.apply(target - pred), reduction)

    report = check_loss(squared, (torch.randn(5, dtype=torch.float64), torch.randn(5)))
    assert [r.check for r in report.failures] == ["gradcheck"]


# --- every catalog loss passes, given the domains its example inputs declare ---------------


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_catalog_loss_passes_check_loss(name):
    check_loss(CATALOG[name].fn).assert_passed()


def test_check_loss_touches_no_global_random_state():
    state = torch.random.get_rng_state()
    check_loss(lb.gradient_penalty)
    assert torch.equal(state, torch.random.get_rng_state())


# --- each check fails on its own broken loss -------------------------------------------------

PROBS = torch.tensor([0.2, 0.7, 0.9, 0.4], dtype=torch.float64)
LABELS = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
BINARY = {"probs": "probability", "target": "labels01"}


def _reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _checked(probs, target, reduction):
    lb.checks.check_pair("probs", probs, "target", target)
    lb.checks.check_reduction(reduction)


def test_a_log_of_a_probability_fails_at_the_domain_edge():
    """The student's BCE: fine at every interior point, nan at a probability of exactly 0 or 1."""

    def naive_bce(probs, target, *, reduction="mean"):
        _checked(probs, target, reduction)
        loss = -(target * torch.log(probs) + (1 - target) * torch.log(1 - probs))
        return _reduce(loss, reduction)

    report = check_loss(naive_bce, (PROBS, LABELS), domain=BINARY)
    assert [r.check for r in report.failures] == ["extreme inputs"]
    assert "probs at its edges" in report.failures[0].detail
    # without the domain, the check probes ±1e4 -- meaningless for probabilities, and the
    # failure it reports (a log of -1e4) is not the bug
    undeclared = check_loss(naive_bce, (PROBS, LABELS))
    assert "probability" not in str(undeclared)


def test_a_correct_bce_passes_at_the_domain_edges():
    def clamped_bce(probs, target, *, reduction="mean"):
        _checked(probs, target, reduction)
        p = probs.clamp(1e-7, 1 - 1e-7)  # log is finite, and the gradient 0 beyond the clamp
        loss = -(target * torch.log(p) + (1 - target) * torch.log(1 - p))
        return _reduce(loss, reduction)

    report = check_loss(clamped_bce, (PROBS, LABELS), domain=BINARY)
    report.assert_passed()
    assert "probs probability at 0 and 1" in str(report)
    assert "target labels in {0, 1} at 0 and 1" in str(report)
    check_loss(lb.binary_cross_entropy, (PROBS, LABELS), domain=BINARY).assert_passed()


def test_an_all_negative_batch_is_probed_for_labels():
    """A loss that divides by the number of positives is undefined on a batch without any."""

    def per_positive(probs, target, *, reduction="mean"):
        _checked(probs, target, reduction)
        loss = -target * torch.log(probs.clamp_min(1e-7)) / target.sum()
        return _reduce(loss, reduction)

    report = check_loss(per_positive, (PROBS, LABELS), domain=BINARY)
    assert [r.check for r in report.failures] == ["extreme inputs"]
    assert "target at its edges" in report.failures[0].detail


def test_a_wrong_sum_fails_the_reductions_check():
    def bad_sum(pred, target, *, reduction="mean"):
        lb.checks.check_pair("pred", pred, "target", target)
        lb.checks.check_reduction(reduction)
        loss = (pred - target).square()
        return loss.mean() if reduction in ("mean", "sum") else loss

    report = check_loss(bad_sum, (torch.randn(5, dtype=torch.float64), torch.randn(5)))
    assert [r.check for r in report.failures] == ["reductions"]


def test_ctc_needs_its_mean_convention_to_pass_the_reductions_check():
    example = lb.testing.examples.example_inputs("ctc", 6)
    plain = check_loss(lb.ctc, example.args, differentiable=(0,), domain={})
    assert [r.check for r in plain.failures] == ["reductions"]
    check_loss(
        lb.ctc, example.args, differentiable=(0,), mean_from_none=example.mean_from_none
    ).assert_passed()


def test_a_loss_that_changes_dtype_fails_the_dtype_check():
    def always_float64(pred, target, *, reduction="mean"):
        lb.checks.check_pair("pred", pred, "target", target)
        lb.checks.check_reduction(reduction)
        return _reduce((pred - target).double().square(), reduction)

    report = check_loss(always_float64, (torch.randn(5, dtype=torch.float64), torch.randn(5)))
    assert [r.check for r in report.failures] == ["dtype and device"]


def test_any_shape_makes_the_bad_shape_check_not_applicable():
    report = check_loss(lb.wasserstein_generator, (torch.randn(5),), same_shape=False)
    report.assert_passed()
    assert "not applicable" in {r.check: r.detail for r in report.results}["bad shape"]


def test_a_domain_must_be_known_and_name_a_real_argument():
    with pytest.raises(ValueError, match=r"^domain must be a Domain or one of \["):
        check_loss(lb.mse, (torch.randn(3), torch.randn(3)), domain="probabilities")
    with pytest.raises(ValueError, match=r"^domain names an argument 'preds' the loss does not"):
        check_loss(lb.mse, (torch.randn(3), torch.randn(3)), domain={"preds": "real"})
    with pytest.raises(ValueError, match=r"^domain names input 5, but only 2 inputs were given$"):
        check_loss(lb.mse, (torch.randn(3), torch.randn(3)), domain={5: "real"})


def test_open_edges_are_probed_just_inside():
    low, high = DOMAINS["open_probability"].edges(1e4, torch.float32)
    assert 0.0 < low < 1e-6 and 1 - 1e-6 < high < 1.0
    assert DOMAINS["positive"].edges(1e4, torch.float32) == pytest.approx((1.1920929e-07, 1e4))
    assert DOMAINS["log_probability"].edges(1e4, torch.float32) == (-1e4, 0.0)
