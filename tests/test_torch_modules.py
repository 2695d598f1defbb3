"""Every ``torch.nn`` loss module against its lossbook counterpart, on PyTorch's own samples.

PyTorch tests its loss modules on the sample inputs of
``torch.testing._internal.common_modules.module_db`` (and, for the two triplet modules,
which have no ``module_db`` entry, on the samples of their functional forms in
``common_methods_invocations.op_db``: ``nn.functional.triplet_margin_loss`` and
``nn.functional.triplet_margin_with_distance_loss``). Each sample is run in float64
through torch's module and through the lossbook function named in :data:`TABLE`, and the
values and the gradients of every differentiable input must agree (rtol 1e-7).

The table is data: torch module name -> :class:`Row` (lossbook function name, an adapter
from torch's call to lossbook's, a refusal rule). Conventions the adapters carry:

* positional order is torch's (prediction first) except where written: GaussianNLLLoss's
  ``(input, target, var)`` is ``gaussian_nll(mean, target, var)``; torch broadcasts a
  ``var`` of shape ``(N, 1)`` or ``(1, D)``, lossbook takes ``var`` of the mean's shape, so
  the adapter expands it (gradients flow back through ``expand`` to the sample's own leaf);
* constructor keywords are passed as lossbook keywords of the same name (``margin``,
  ``weight``, ``ignore_index``, ``p``, ``beta``, ``full``, ``eps``, ``log_input``...);
* KLDivLoss(input, target) is ``kl_divergence(P = target, Q = exp(input))`` with
  ``log_inputs=True``: torch's ``"batchmean"`` and elementwise ``"mean"`` are lossbook's
  ``"sum"`` divided by the batch size and by the number of elements, its ``"none"``
  (per element) is compared summed over the last dimension (lossbook's per-row terms);
* CTCLoss: gradients compared through ``log_softmax`` (lossbook's gradient with respect to
  ``log_probs`` is the true derivative; torch's assumes normalised inputs, see
  docs/DECISIONS.md);
* TripletMarginLoss(margin, p, eps, swap) is ``triplet(margin=, swap=,
  distance_function=partial(F.pairwise_distance, p=p, eps=eps))`` and
  TripletMarginWithDistanceLoss's default distance (``None``) is ``F.pairwise_distance``:
  lossbook's own default distance is exact (no ``eps``), compared separately in
  tests/test_metric.py.

Refusals (a row's ``refuse`` returns the reason; the test then requires lossbook's error):

* CrossEntropyLoss / NLLLoss: a sample whose targets are all ``ignore_index`` -- an empty
  mean (torch returns NaN), refused by design (docs/DECISIONS.md, "Empty input");
* KLDivLoss: PyTorch's samples are ``log`` of uniform draws in (-9, 9), NaN where the draw
  was negative, and the targets are not probabilities; lossbook refuses inputs that are
  not log-probabilities and targets that are not probabilities (a divergence of
  non-distributions is not a number the book wants to return), and 0-d inputs (no
  distribution dimension). Every KLDivLoss sample is refused, so
  :func:`test_kl_options_match_on_valid_distributions` runs each sample's options on
  valid distributions of the sample's shape;
* MarginRankingLoss: labels drawn from {-1, 0, 1}; a 0 label is refused (torch charges
  ``max(0, margin)`` with zero gradient, usually a label bug). The pairs with labels ±1 of
  those samples are compared in :func:`test_margin_ranking_refused_samples_match_on_ranked_pairs`.

Not in the table: ``NLLLoss2d`` (a deprecated alias of NLLLoss) and ``LinearCrossEntropyLoss``
(a fused ``Linear`` + cross-entropy that takes the layer's weight; its lossbook counterpart
is ``cross_entropy(F.linear(x, W, b), target)``, not a loss of its own).

Rows whose lossbook function does not exist in this checkout are skipped (looked up with
``getattr(lossbook, name, None)``): the helpers writing them merge into one branch, after
which every row runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
import torch
import torch.nn.functional as F

import lossbook

Args = list
Kwargs = dict


def _same(args: Args, kwargs: Kwargs) -> tuple[Args, Kwargs]:
    return args, kwargs


def _never(args: Args, kwargs: Kwargs) -> str | None:
    return None


def _all_ignored(args: Args, kwargs: Kwargs) -> str | None:
    target = args[1]
    ignore = kwargs.get("ignore_index", -100)
    if kwargs.get("reduction", "mean") != "mean":
        return None  # a sum or the per-element losses of nothing are fine
    if not target.is_floating_point() and bool((target == ignore).all()):
        return "every target is ignore_index: an empty mean, refused by design"
    return None


def _kl(args: Args, kwargs: Kwargs) -> tuple[Args, Kwargs]:
    log_q, target = args
    kwargs = dict(kwargs)
    log_p = target if kwargs.pop("log_target", False) else target.log()
    reduction = "none" if kwargs.get("reduction") == "none" else "sum"  # see _kl_compare
    return [log_p, log_q], {**kwargs, "log_inputs": True, "reduction": reduction}


def _kl_refused(args: Args, kwargs: Kwargs) -> str | None:
    log_q, target = args
    if log_q.dim() == 0:
        return "a 0-d input has no distribution dimension"
    p = target.exp() if kwargs.get("log_target", False) else target
    if not bool(((log_q <= 0) & ~log_q.isnan()).all()) or not bool(((p >= 0) & (p <= 1)).all()):
        return "input not log-probabilities or target not probabilities"
    return None


def _kl_compare(ours, theirs, args: Args, kwargs: Kwargs):
    """lossbook's summed kl made torch's reduction (see the module docstring)."""
    reduction = kwargs.get("reduction", "mean")
    if reduction == "none":
        return ours, theirs.sum(-1)
    if reduction == "batchmean":
        return ours / args[0].shape[0], theirs
    if reduction == "mean":
        return ours / args[0].numel(), theirs
    return ours, theirs


def _as_is(ours, theirs, args: Args, kwargs: Kwargs):
    return ours, theirs


def _gaussian_nll(args: Args, kwargs: Kwargs) -> tuple[Args, Kwargs]:
    mean, target, var = args
    return [mean, target, var.expand_as(mean)], kwargs


def _margin_ranking_refused(args: Args, kwargs: Kwargs) -> str | None:
    return "a label 0 (a tie) is refused" if bool((args[2] == 0).any()) else None


def _triplet(args: Args, kwargs: Kwargs) -> tuple[Args, Kwargs]:
    kwargs = dict(kwargs)
    p, eps = kwargs.pop("p", 2.0), kwargs.pop("eps", 1e-6)
    return args, {**kwargs, "distance_function": partial(F.pairwise_distance, p=p, eps=eps)}


def _triplet_with_distance(args: Args, kwargs: Kwargs) -> tuple[Args, Kwargs]:
    kwargs = dict(kwargs)
    if kwargs.get("distance_function") is None:
        kwargs["distance_function"] = F.pairwise_distance
    return args, kwargs


@dataclass(frozen=True)
class Row:
    """How one torch loss module maps onto lossbook."""

    function: str  # the lossbook function's name
    adapt: Callable[[Args, Kwargs], tuple[Args, Kwargs]] = _same  # torch's call -> lossbook's
    refuse: Callable[[Args, Kwargs], str | None] = _never  # why lossbook rejects a sample
    error: str = ""  # the pattern of lossbook's error for a refused sample
    log_softmax_leaf: bool = False  # compare gradients through log_softmax (CTC)
    compare: Callable = _as_is  # (ours, theirs, torch args, torch kwargs) -> comparable pair


_EMPTY_MEAN = r"^cannot average a loss over an empty batch"

TABLE: dict[str, Row] = {
    "L1Loss": Row("mae"),
    "MSELoss": Row("mse"),
    "HuberLoss": Row("huber"),
    "SmoothL1Loss": Row("smooth_l1"),
    "GaussianNLLLoss": Row("gaussian_nll", adapt=_gaussian_nll),
    "PoissonNLLLoss": Row("poisson_nll"),
    "CrossEntropyLoss": Row("cross_entropy", refuse=_all_ignored, error=_EMPTY_MEAN),
    "NLLLoss": Row("nll", refuse=_all_ignored, error=_EMPTY_MEAN),
    "BCELoss": Row("binary_cross_entropy"),
    "BCEWithLogitsLoss": Row("binary_cross_entropy_with_logits"),
    "SoftMarginLoss": Row("soft_margin"),
    "MultiLabelSoftMarginLoss": Row("multilabel_soft_margin"),
    "MultiMarginLoss": Row("multi_margin"),
    "MultiLabelMarginLoss": Row("multilabel_margin"),
    "KLDivLoss": Row(
        "kl_divergence",
        adapt=_kl,
        refuse=_kl_refused,
        compare=_kl_compare,
        error=r"^(p must hold log-probabilities \(values <= 0\) because log_inputs=True|"
        r"p and q must have at least one dimension)",
    ),
    "CTCLoss": Row("ctc", log_softmax_leaf=True),
    "HingeEmbeddingLoss": Row("hinge_embedding"),
    "MarginRankingLoss": Row(
        "margin_ranking",
        refuse=_margin_ranking_refused,
        error=r"^y must hold labels in \{-1, \+1\}, found values \[-1, 0, 1\]$",
    ),
    "CosineEmbeddingLoss": Row("cosine_embedding"),
    "TripletMarginLoss": Row("triplet", adapt=_triplet),
    "TripletMarginWithDistanceLoss": Row("triplet", adapt=_triplet_with_distance),
}

NOT_IN_TABLE = {"NLLLoss2d", "LinearCrossEntropyLoss"}  # see the module docstring

# torch module -> its functional form in op_db, for the modules module_db does not cover
OP_DB_SAMPLES = {
    "TripletMarginLoss": ("nn.functional.triplet_margin_loss", ""),
    "TripletMarginWithDistanceLoss": ("nn.functional.triplet_margin_with_distance_loss", ""),
}


def _torch_samples() -> list:
    """(torch module name, constructor kwargs, forward args) for every sample, float64."""
    try:
        import expecttest  # noqa: F401
        from torch.testing._internal.common_methods_invocations import op_db
        from torch.testing._internal.common_modules import module_db
    except Exception:  # pragma: no cover - depends on the torch build
        return []
    found = []
    torch.manual_seed(0)  # the samples are random draws: the same ones on every run
    for info in module_db:
        name = info.module_cls.__name__
        if name not in TABLE:
            continue
        samples = info.module_inputs_func(
            info, device="cpu", dtype=torch.float64, requires_grad=True, training=True
        )
        for i, sample in enumerate(samples):
            assert not sample.constructor_input.args and not sample.forward_input.kwargs
            ctor = dict(sample.constructor_input.kwargs)
            found.append((name, i, ctor, list(sample.forward_input.args)))
    ops = {op.name: op for op in op_db}
    for name, (op_name, _) in OP_DB_SAMPLES.items():
        op = ops[op_name]
        samples = op.sample_inputs("cpu", torch.float64, requires_grad=True)
        for i, sample in enumerate(samples):
            found.append((name, i, dict(sample.kwargs), [sample.input, *sample.args]))
    return found


SAMPLES = _torch_samples()


def _params():
    if not SAMPLES:
        return [pytest.param(None, None, None, None, marks=pytest.mark.skip(reason="no module_db"))]
    return [pytest.param(name, i, ctor, args, id=f"{name}-{i}") for name, i, ctor, args in SAMPLES]


def _lossbook(row: Row) -> Callable:
    fn = getattr(lossbook, row.function, None)
    if fn is None:
        pytest.skip(f"lossbook.{row.function} not present")
    return fn


@pytest.mark.parametrize(("name", "index", "ctor", "args"), _params())
def test_matches_torch_module(name, index, ctor, args):
    row = TABLE[name]
    fn = _lossbook(row)
    leaves = [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]
    if row.log_softmax_leaf:  # CTC: differentiate through log_softmax (module docstring)
        leaf = args[0].detach().clone().requires_grad_(True)
        args = [leaf.log_softmax(-1), *args[1:]]
        leaves = [leaf]
    theirs = getattr(torch.nn, name)(**ctor)(*args)
    ours_args, ours_kwargs = row.adapt(list(args), dict(ctor))
    reason = row.refuse(list(args), dict(ctor))
    if reason is not None:
        with pytest.raises(ValueError, match=row.error):
            fn(*ours_args, **ours_kwargs)
        return
    ours, theirs = row.compare(fn(*ours_args, **ours_kwargs), theirs, list(args), dict(ctor))
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-10, equal_nan=True)
    g_theirs = torch.autograd.grad(theirs.sum(), leaves, retain_graph=True, allow_unused=True)
    g_ours = torch.autograd.grad(ours.sum(), leaves, allow_unused=True)
    for a, b in zip(g_ours, g_theirs, strict=True):
        if a is None or b is None:
            assert a is None and b is None
            continue
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-9, equal_nan=True)


def test_every_torch_loss_module_has_a_row_and_samples():
    losses = {
        n
        for n in dir(torch.nn)
        if isinstance(getattr(torch.nn, n), type)
        and issubclass(getattr(torch.nn, n), torch.nn.modules.loss._Loss)
    }
    assert losses - NOT_IN_TABLE == set(TABLE)
    if not SAMPLES:
        pytest.skip("torch's module_db is unavailable")
    counts = {name: 0 for name in TABLE}
    for name, *_ in SAMPLES:
        counts[name] += 1
    assert all(counts.values()), counts


def test_cross_entropy_has_unbatched_samples():
    """The unbatched CrossEntropyLoss samples exist, so the comparison really covers them."""
    ce = [args for name, _, _, args in SAMPLES if name == "CrossEntropyLoss"]
    if not ce:
        pytest.skip("torch's module_db is unavailable")
    assert len(ce) >= 100 and sum(args[0].dim() == 1 for args in ce) >= 9


def test_margin_ranking_refused_samples_match_on_ranked_pairs():
    """The MarginRankingLoss samples refused for their 0 labels agree on their ±1 pairs."""
    refused = [
        (ctor, args)
        for name, _, ctor, args in SAMPLES
        if name == "MarginRankingLoss" and bool((args[2] == 0).any())
    ]
    if not refused:
        pytest.skip("no refused sample in this torch's module_db")
    for ctor, args in refused:
        keep = args[2] != 0
        x1, x2 = (a.detach()[keep].requires_grad_(True) for a in args[:2])
        y = args[2][keep]
        theirs = torch.nn.MarginRankingLoss(**ctor)(x1, x2, y)
        ours = lossbook.margin_ranking(x1, x2, y, **ctor)
        torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-10)
        g_ours = torch.autograd.grad(ours.sum(), [x1, x2], retain_graph=True)
        g_theirs = torch.autograd.grad(theirs.sum(), [x1, x2])
        for a, b in zip(g_ours, g_theirs, strict=True):
            torch.testing.assert_close(a, b)


def test_kl_options_match_on_valid_distributions():
    """Each KLDivLoss sample's options, on distributions of its shape (its own are refused)."""
    options = [ctor for name, _, ctor, args in SAMPLES if name == "KLDivLoss" and args[0].dim()]
    if not options:
        pytest.skip("torch's module_db is unavailable")
    gen = torch.Generator().manual_seed(0)
    for ctor in options:
        log_q = torch.randn(10, 10, generator=gen, dtype=torch.float64).log_softmax(-1)
        p = torch.randn(10, 10, generator=gen, dtype=torch.float64).softmax(-1)
        target = p.log() if ctor.get("log_target", False) else p
        log_q.requires_grad_(True)
        target.requires_grad_(True)
        theirs = torch.nn.KLDivLoss(**ctor)(log_q, target)
        ours_args, ours_kwargs = _kl([log_q, target], dict(ctor))
        ours = lossbook.kl_divergence(*ours_args, **ours_kwargs)
        ours, theirs = _kl_compare(ours, theirs, [log_q, target], dict(ctor))
        torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-10)
        g_ours = torch.autograd.grad(ours.sum(), [log_q, target], retain_graph=True)
        g_theirs = torch.autograd.grad(theirs.sum(), [log_q, target])
        for a, b in zip(g_ours, g_theirs, strict=True):
            torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-9)
