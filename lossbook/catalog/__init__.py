"""The catalog: one :class:`LossSpec` per loss, the single source of truth about it.

The book's summary tables, the loss explorer and the selection guide are
generated from here, and the test suite checks every property recorded here
numerically (``tests/test_catalog_claims.py``): a false claim fails CI.

Properties are claims about the loss *as a function of one scalar variable*
(its ``profile``), at the hyper-parameters in ``example_params``:

* ``variable`` names that scalar: the residual ``r = y − ŷ`` for regression,
  the margin ``m`` (the signed logit or score, positive when right) for
  classification, or a probability.
* ``convex``: the profile is convex on ``domain``.
* ``smooth``: twice continuously differentiable everywhere on ``domain``.
* ``bounded_below``: the profile's infimum (``0.0`` for most losses here), or
  ``None`` if unbounded below.
* ``nonnegative``: ``True`` if the loss is ``≥ 0`` for *every* valid input
  (bounded below by 0), ``False`` if it can go below 0. Recorded for every
  loss, profiled or not (a profiled entry derives it from ``bounded_below``);
  :func:`losses_that_can_be_negative` lists the exceptions.
* ``robust``: the derivative stays bounded as the variable grows large in the
  direction of error (large residuals, very wrong margins) -- one bad point
  pulls with bounded force. This is robustness to an outlying *value* of the
  target (an outlier in y), not to outliers in the inputs (leverage points) and
  not to flipped labels: a network trained with a bounded-gradient loss such as
  cross-entropy still memorises wrong labels (chapter 14). Losses bounded in the
  probability (MAE on probabilities, generalized or symmetric cross-entropy)
  are the ones that tolerate label noise.
* ``symmetric``: ``ℓ(x) = ℓ(−x)`` (``None`` when that makes no sense).
* ``support``: where the variable naturally lives -- the whole real line
  (the default) or an interval such as ``(0, 1)`` for a probability. The
  robustness check follows the variable outward to the edge of its support.

Losses with no scalar profile (CTC, set-based metric losses...) have
``profile=None`` and ``None`` for the shape properties.

``slider`` names the hyper-parameter the book's loss explorer moves, and its values.

Layout: :mod:`.spec` defines :class:`LossSpec`; each family's entries live in
one module named after the family's loss module (``catalog/regression.py``
beside ``lossbook/regression.py``), with the profile adapters only it uses;
:mod:`.profiles` holds the adapters several families share. This module
joins the families in the book's (the chapters') order.

``defaults`` are not typed here: they are read from the function's signature
(:func:`signature_defaults`). ``formula`` writes every scalar hyper-parameter
with its symbol (``symbols``: ``margin`` is ``m``...), never a fixed value;
:meth:`LossSpec.display_formula` appends the values (``m = 1``).
"""

from __future__ import annotations

from . import (
    alignment,
    classification,
    divergence,
    generative,
    metric,
    ranking,
    regression,
    regularization,
    segmentation,
    sequence,
)
from .spec import SYMBOLS, LossSpec, scalar_hyper_parameters, signature_defaults

__all__ = [
    "CATALOG",
    "FAMILIES",
    "SYMBOLS",
    "LossSpec",
    "by_family",
    "get",
    "losses_that_can_be_negative",
    "scalar_hyper_parameters",
    "signature_defaults",
]

# The book's order: the chapters' order.
_ENTRIES: list[LossSpec] = [
    *regression.ENTRIES,
    *classification.ENTRIES,
    *divergence.ENTRIES,
    *metric.ENTRIES,
    *sequence.ENTRIES,
    *segmentation.ENTRIES,
    *generative.ENTRIES,
    *regularization.ENTRIES,
    *alignment.ENTRIES,
    *ranking.ENTRIES,
]

CATALOG: dict[str, LossSpec] = {spec.name: spec for spec in _ENTRIES}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(spec.family for spec in _ENTRIES))


def get(name: str) -> LossSpec:
    """Look a loss up by name, with a helpful error for a typo."""
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"unknown loss {name!r}; known losses: {', '.join(CATALOG)}") from None


def by_family(family: str) -> list[LossSpec]:
    """All losses of one family, in catalog order."""
    if family not in FAMILIES:
        raise KeyError(f"unknown family {family!r}; known families: {', '.join(FAMILIES)}")
    return [spec for spec in _ENTRIES if spec.family == family]


def losses_that_can_be_negative() -> list[str]:
    """Names of the losses that can take values below 0, in catalog order.

    Every other loss is bounded below by 0 (``nonnegative=True``), so a sentence
    such as "every loss is ≥ 0 except …" can be generated from the catalog.
    """
    return [spec.name for spec in _ENTRIES if spec.nonnegative is False]
