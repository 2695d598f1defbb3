"""lossbook.testing.check_loss: passes on lossbook's own losses, names what a broken loss gets wrong."""

from __future__ import annotations

import pytest
import torch

import lossbook as lb
from lossbook.testing import check_loss

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
