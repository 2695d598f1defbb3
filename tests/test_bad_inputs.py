"""The bad-input matrix: every rule in lossbook._bad_inputs.RULES gives its documented error."""

from __future__ import annotations

import re

import pytest
import torch

from lossbook._bad_inputs import RULES


@pytest.mark.parametrize("row", RULES, ids=[f"{r.category}: {r.rule}" for r in RULES])
def test_rule(row):
    if row.error is None:  # documented as not an error: NaN propagates
        assert torch.isnan(torch.as_tensor(row.call())).any()
        return
    with pytest.raises(row.error) as caught:
        row.call()
    assert caught.type is row.error, "exactly the documented type, not a subclass"
    assert re.search(row.match, str(caught.value)), str(caught.value)


def test_every_category_is_covered():
    categories = {r.category for r in RULES}
    wanted = {"shape", "dtype", "labels", "probabilities", "hyper-parameter", "reduction", "empty"}
    assert wanted | {"device", "NaN"} <= categories
